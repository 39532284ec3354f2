#include <gtest/gtest.h>

#include "expr/expr.h"

namespace sluice::expr {
namespace {

RuntimeInput MustParse(const char* text) {
  std::optional<Result<RuntimeInput>> r = ParseRuntimeInput(text);
  EXPECT_TRUE(r.has_value()) << text;
  if (!r) return {};
  EXPECT_TRUE(r->ok()) << text << ": " << r->status().ToString();
  return r->ok() ? r->value() : RuntimeInput{};
}

TEST(RuntimeInputTest, NotARuntimeInput) {
  for (const char* text : {"", "main", "<+pipeline.variables.x>", "x<+input>", "<+inputs>"}) {
    EXPECT_FALSE(ParseRuntimeInput(text).has_value()) << text;
  }
}

TEST(RuntimeInputTest, ParsesModifiersInAnyOrder) {
  RuntimeInput plain = MustParse("  <+input>\n");
  EXPECT_FALSE(plain.default_value);
  EXPECT_TRUE(plain.allowed_values.empty());
  EXPECT_FALSE(plain.execution_input);

  RuntimeInput a = MustParse("<+input>.default(dev).allowedValues(dev,qa,prod)");
  EXPECT_EQ(a.default_value, "dev");
  EXPECT_EQ(a.allowed_values, (std::vector<std::string>{"dev", "qa", "prod"}));
  EXPECT_FALSE(a.select_many);

  RuntimeInput b = MustParse("<+input>.allowedValues(dev, qa).executionInput().default(qa)");
  EXPECT_EQ(b.default_value, "qa");
  EXPECT_EQ(b.allowed_values, (std::vector<std::string>{"dev", "qa"}));
  EXPECT_TRUE(b.execution_input);

  RuntimeInput quoted = MustParse(R"(<+input>.allowedValues('a,b', "c)d", plain))");
  EXPECT_EQ(quoted.allowed_values, (std::vector<std::string>{"a,b", "c)d", "plain"}));

  RuntimeInput one = MustParse("<+input>.selectOneFrom(x,y)");
  EXPECT_EQ(one.allowed_values, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(one.select_many);

  RuntimeInput many = MustParse("<+input>.selectManyFrom(x,y,z)");
  EXPECT_TRUE(many.select_many);

  RuntimeInput re = MustParse(R"(<+input>.regex(^v[0-9]+(\.[0-9]+)*$).default(v1.2))");
  EXPECT_EQ(re.regex, R"(^v[0-9]+(\.[0-9]+)*$)");
  EXPECT_EQ(re.default_value, "v1.2");

  RuntimeInput quoted_default = MustParse(R"(<+input>.default("a, b"))");
  EXPECT_EQ(quoted_default.default_value, "a, b");
}

TEST(RuntimeInputTest, MalformedModifiersAreErrors) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"<+input>.defualt(x)",
       "invalid runtime input <+input>.defualt(x): unknown modifier .defualt() (expected default, "
       "allowedValues, selectOneFrom, selectManyFrom, regex or executionInput)"},
      {"<+input>.default(x", "missing ')' after .default( in <+input>.default(x"},
      {"<+input>.default", "invalid runtime input <+input>.default: expected '(' after .default"},
      {"<+input> extra",
       "invalid runtime input <+input> extra: unexpected \" extra\" after <+input> (modifiers look "
       "like .default(value))"},
      {"<+input>.executionInput(x)",
       "invalid runtime input <+input>.executionInput(x): .executionInput() takes no arguments"},
      {"<+input>.default(a).default(b)",
       "invalid runtime input <+input>.default(a).default(b): duplicate .default()"},
      {"<+input>.allowedValues(a,b).default(c)",
       "invalid runtime input <+input>.allowedValues(a,b).default(c): its default value \"c\" is "
       "not one of the allowed values: a, b"},
      {"<+input>.allowedValues('a,b)",
       "unterminated quote in .allowedValues(...) of <+input>.allowedValues('a,b)"},
  };
  for (const Case& c : cases) {
    std::optional<Result<RuntimeInput>> r = ParseRuntimeInput(c.text);
    ASSERT_TRUE(r.has_value()) << c.text;
    ASSERT_FALSE(r->ok()) << c.text;
    EXPECT_EQ(r->status().message(), c.message) << c.text;
  }
  std::optional<Result<RuntimeInput>> bad_regex = ParseRuntimeInput("<+input>.regex([a-)");
  ASSERT_TRUE(bad_regex.has_value());
  EXPECT_FALSE(bad_regex->ok());
}

TEST(RuntimeInputTest, ChecksValuesAgainstModifiers) {
  RuntimeInput envs = MustParse("<+input>.allowedValues(dev,qa,prod)");
  EXPECT_TRUE(CheckRuntimeInputValue(envs, "qa").ok());
  Status s = CheckRuntimeInputValue(envs, "staging");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "value \"staging\" is not one of the allowed values: dev, qa, prod");

  RuntimeInput many = MustParse("<+input>.selectManyFrom(a,b,c)");
  EXPECT_TRUE(CheckRuntimeInputValue(many, "a, c").ok());
  EXPECT_EQ(CheckRuntimeInputValue(many, "a,d").message(),
            "value \"d\" is not one of the allowed values: a, b, c");

  RuntimeInput version = MustParse(R"(<+input>.regex(v[0-9]+))");
  EXPECT_TRUE(CheckRuntimeInputValue(version, "v12").ok());
  EXPECT_EQ(CheckRuntimeInputValue(version, "v12-rc").message(),
            "value \"v12-rc\" does not match the pattern v[0-9]+");

  RuntimeInput free = MustParse("<+input>");
  EXPECT_TRUE(CheckRuntimeInputValue(free, "anything at all").ok());
}

}  // namespace
}  // namespace sluice::expr
