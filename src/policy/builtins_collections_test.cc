#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string X(const std::string& expr) { return testing::EvalX(expr); }

TEST(BuiltinsCollectionsTest, FormatIntBeyond64Bits) {
  EXPECT_EQ(X("format_int(18446744073709551617, 16)"), "\"10000000000000001\"");
  EXPECT_EQ(X("format_int(-18446744073709551617, 10)"), "\"-18446744073709551617\"");
  EXPECT_EQ(X("format_int(-15.9, 16)"), "\"-f\"");
}

TEST(BuiltinsCollectionsTest, ReplaceNNamesTheBadPatternPart) {
  EXPECT_EQ(X(R"(strings.replace_n({1: "a"}, "x"))"),
            "error: query:1: eval_type_error: strings.replace_n: operand 1 non-string key found in "
            "pattern object");
  EXPECT_EQ(X(R"(strings.replace_n({"a": 1}, "x"))"),
            "error: query:1: eval_type_error: strings.replace_n: operand 1 non-string value found "
            "in pattern object");
}

TEST(BuiltinsCollectionsTest, ReplaceNReplacesInOnePass) {
  EXPECT_EQ(X(R"(strings.replace_n({"a": "b", "b": "c"}, "abba"))"), "\"bccb\"");
  // Keys compare in order, so "a" is tried before "ab".
  EXPECT_EQ(X(R"(strings.replace_n({"ab": "X", "a": "Y"}, "aab"))"), "\"YYb\"");
}

TEST(BuiltinsCollectionsTest, ObjectFilterListsKeyKindsInOpaOrder) {
  EXPECT_EQ(X(R"(object.filter({"a": 1}, 1))"),
            "error: query:1: eval_type_error: object.filter: operand 2 must be one of {object, set, "
            "array} but got number");
}

}  // namespace
}  // namespace sluice::policy
