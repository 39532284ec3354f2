#include "policy/yaml_value.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/value_json.h"

namespace sluice::policy {
namespace {

std::string Json(std::string_view yaml) {
  Result<Value> v = ParseYaml(yaml, "doc.yaml");
  if (!v.ok()) return "ERROR " + v.status().message();
  return ToJson(*v);
}

TEST(YamlValueTest, PlainScalarsFollowTheCoreSchema) {
  EXPECT_EQ(Json("[~, null, Null, NULL, '']"), R"([null,null,null,null,""])");
  EXPECT_EQ(Json("[true, True, TRUE, false, False, FALSE]"), "[true,true,true,false,false,false]");
  EXPECT_EQ(Json("[1, -2, +3, 007, -0, 0x1F, 0o17]"), "[1,-2,3,7,-0,31,15]");
  EXPECT_EQ(Json("[1.5, .5, -.5, 1., 1e3, 1.0E-2, +2.50, 01.5]"),
            "[1.5,0.5,-0.5,1.0,1e3,1.0E-2,2.50,1.5]");
}

TEST(YamlValueTest, YamlOneOneFormsStayStrings) {
  // go-yaml v2 (OPA) reads these as booleans / numbers; the core schema
  // does not. None occurs in OPA's conformance data.
  EXPECT_EQ(Json("[yes, no, on, off, y, n, 1_000, 0b101, 1:20]"),
            R"(["yes","no","on","off","y","n","1_000","0b101","1:20"])");
}

TEST(YamlValueTest, NumbersAreExact) {
  Result<Value> v = ParseYaml(
      "big: 123456789012345678901234567890\nf: 0.1000000000000000000001\nu: 18446744073709551615",
      "doc.yaml");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->Find("big")->AsNumber().ToString(), "123456789012345678901234567890");
  EXPECT_EQ(v->Find("f")->AsNumber().ToString(), "0.1000000000000000000001");
  EXPECT_NE(*v->Find("f"), Value(Number::Parse("0.1").value()));
  EXPECT_EQ(v->Find("u")->AsNumber().ToString(), "18446744073709551615");
}

TEST(YamlValueTest, QuotedAndBlockScalarsAreStrings) {
  EXPECT_EQ(Json(R"(["1", '1', "true", 'null', "~"])"), R"(["1","1","true","null","~"])");
  EXPECT_EQ(Json("a: |\n  1\nb: >\n  true\n"), R"({"a":"1\n","b":"true\n"})");
}

TEST(YamlValueTest, ExplicitTagsForceTheType) {
  EXPECT_EQ(Json("[!!str 1, !!str true, !!str ~, !!int '12', !!float '1.5', !!bool 'true']"),
            R"(["1","true","~",12,1.5,true])");
  EXPECT_EQ(Json("!!bool maybe"), R"(ERROR doc.yaml:1:1: "maybe" is not a valid !!bool)");
  EXPECT_EQ(Json("a: !custom 1"), "ERROR doc.yaml:1:4: unsupported YAML tag !custom");
}

TEST(YamlValueTest, InfinityAndNanHaveNoValue) {
  EXPECT_EQ(Json("x: [1, .inf]"), "ERROR doc.yaml:1:8: .inf is not a number JSON or Rego can hold");
  EXPECT_EQ(Json("-.Inf"), "ERROR doc.yaml:1:1: -.Inf is not a number JSON or Rego can hold");
  EXPECT_EQ(Json(".nan"), "ERROR doc.yaml:1:1: .nan is not a number JSON or Rego can hold");
  EXPECT_EQ(Json("'.nan'"), R"(".nan")");
}

TEST(YamlValueTest, KeysAreStrings) {
  EXPECT_EQ(Json("{1: a, true: b, 1.5: c, 'x': d}"), R"({"1":"a","1.5":"c","true":"b","x":"d"})");
  EXPECT_EQ(Json("a: 1\nb: 2\na: 3\n"), R"(ERROR doc.yaml:3:1: key "a" given twice)");
  EXPECT_EQ(Json("? [1]\n: x\n"),
            "ERROR doc.yaml:1:3: a mapping key must be a non-null scalar (JSON object keys are "
            "strings)");
}

TEST(YamlValueTest, AnchorsAndAliasesAreCopies) {
  EXPECT_EQ(Json("a: &x {k: [1]}\nb: *x\n"), R"({"a":{"k":[1]},"b":{"k":[1]}})");
}

TEST(YamlValueTest, SyntaxErrorsSayWhere) {
  Result<Value> v = ParseYaml("a: [1, 2\n", "doc.yaml");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message().rfind("doc.yaml:", 0), 0u) << v.status().message();
  EXPECT_EQ(Json(""), "null");
}

}  // namespace
}  // namespace sluice::policy
