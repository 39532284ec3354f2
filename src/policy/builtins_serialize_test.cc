#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string Value1(const std::string& expr) { return testing::EvalX(expr, JsonOptions{.escape_html = false}); }

TEST(BuiltinsSerializeTest, MarshalWithOptionsPrefixesEveryLine) {
  EXPECT_EQ(Value1(R"(json.marshal_with_options({"a": [1]}, {"prefix": "> ", "indent": " "}))"),
            R"("> {\n>  \"a\": [\n>   1\n>  ]\n> }")");
}

TEST(BuiltinsSerializeTest, MarshalWithOptionsEmptyIndentStillBreaksLines) {
  EXPECT_EQ(Value1(R"(json.marshal_with_options([1, "\u0001"], {"indent": ""}))"),
            R"("[\n1,\n\"\\u0001\"\n]")");
}

TEST(BuiltinsSerializeTest, MarshalWithOptionsExplicitPrettyFalseWins) {
  EXPECT_EQ(Value1(R"(json.marshal_with_options([1, 2], {"pretty": false, "indent": "x"}))"),
            R"("[1,2]")");
}

TEST(BuiltinsSerializeTest, MarshalWithOptionsRejectsUnknownKeys) {
  EXPECT_EQ(Value1(R"(json.marshal_with_options([], {"colour": true}))"),
            "error: query:1: eval_type_error: json.marshal_with_options: operand 2 object contained unknown "
            "key \"colour\"");
}

TEST(BuiltinsSerializeTest, YamlMarshalQuotesStringsThatReadAsOtherTypes) {
  EXPECT_EQ(Value1(R"(yaml.marshal({"a": ["true", "x", 1], "b": {}}))"),
            R"("a:\n- \"true\"\n- x\n- 1\nb: {}\n")");
}

TEST(BuiltinsSerializeTest, YamlMarshalPutsNestedFirstItemsOnTheDashLine) {
  EXPECT_EQ(Value1(R"(yaml.marshal([[1, 2], {"a": 1, "b": 2}]))"),
            R"("- - 1\n  - 2\n- a: 1\n  b: 2\n")");
}

TEST(BuiltinsSerializeTest, YamlMarshalWritesMultiLineStringsAsLiteralBlocks) {
  EXPECT_EQ(Value1(R"(yaml.marshal({"a": "x\ny", "b": ["p\n\nq\n"], "c": " z\n"}))"),
            R"("a: |-\n  x\n  y\nb:\n- |\n  p\n\n  q\nc: \" z\\n\"\n")");
  EXPECT_EQ(Value1(R"(yaml.unmarshal(yaml.marshal({"a": "x\ny", "b": ["p\n\nq\n"]})))"),
            R"({"a":"x\ny","b":["p\n\nq\n"]})");
}

TEST(BuiltinsSerializeTest, YamlRoundTripsNestedDocuments) {
  EXPECT_EQ(Value1(R"(yaml.unmarshal(yaml.marshal([{"k": [{"a": 1, "b": "2"}]}, []])))"),
            R"([{"k":[{"a":1,"b":"2"}]},[]])");
}

TEST(BuiltinsSerializeTest, YamlErrorsUseGoYamlWording) {
  EXPECT_EQ(Value1(R"(yaml.unmarshal("[1, 2"))"),
            "error: query:1: eval_builtin_error: yaml.unmarshal: yaml: line 1: did not find expected ',' "
            "or ']'");
  EXPECT_EQ(Value1(R"(yaml.is_valid("a: {"))"), "false");
  EXPECT_EQ(Value1(R"(yaml.is_valid(1))"), "false");
}

}  // namespace
}  // namespace sluice::policy
