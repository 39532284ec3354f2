#include "policy/term_value.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/value_print.h"

namespace sluice::policy {
namespace {

std::string Rego(std::string_view text) {
  Result<Value> v = ParseGroundTerm(text, "input_term");
  if (!v.ok()) return "ERROR " + v.status().message();
  return ToRego(*v);
}

TEST(TermValueTest, ScalarsAndCollections) {
  EXPECT_EQ(Rego("null"), "null");
  EXPECT_EQ(Rego("true"), "true");
  EXPECT_EQ(Rego("-1.50"), "-1.50");
  EXPECT_EQ(Rego(R"("a\nb")"), R"("a\nb")");
  EXPECT_EQ(Rego("`raw`"), R"("raw")");
  EXPECT_EQ(Rego(R"([1, "x", [null]])"), R"([1, "x", [null]])");
  EXPECT_EQ(Rego("{}"), "{}");
  EXPECT_EQ(Rego("set()"), "set()");
}

TEST(TermValueTest, SetsAndNonStringKeysSurvive) {
  EXPECT_EQ(Rego(R"({"x": {"a", {"x": 1}, {"y": 2}}})"), R"({"x": {"a", {"x": 1}, {"y": 2}}})");
  EXPECT_EQ(Rego("{3, 1, 2, 1}"), "{1, 2, 3}");
  EXPECT_EQ(Rego(R"({1: "one", [2]: "two"})"), R"({1: "one", [2]: "two"})");
  EXPECT_EQ(Rego(R"({"foo": {{1}}})"), R"({"foo": {{1}}})");
}

TEST(TermValueTest, NumbersKeepTheirText) {
  Result<Value> v = ParseGroundTerm("123456789012345678901234567890.0", "input_term");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->AsNumber().ToString(), "123456789012345678901234567890.0");
}

TEST(TermValueTest, NonGroundTermsAreRefused) {
  EXPECT_EQ(Rego(R"({"x": y})"),
            "ERROR input_term:1:7: var is not a value (input_term must be ground)");
  EXPECT_EQ(Rego("[data.x]"),
            "ERROR input_term:1:2: ref is not a value (input_term must be ground)");
  EXPECT_EQ(Rego("[x | x = 1]"),
            "ERROR input_term:1:1: arraycomprehension is not a value (input_term must be ground)");
}

TEST(TermValueTest, ParseErrorsComeFromTheParser) {
  std::string out = Rego("{1, ");
  EXPECT_EQ(out.rfind("ERROR input_term:1:", 0), 0u) << out;
}

}  // namespace
}  // namespace sluice::policy
