#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string X(const std::string& expr) { return testing::EvalX(expr); }

TEST(BuiltinsRegoTest, ParseModuleGivesOpasAstJson) {
  EXPECT_EQ(X(R"(rego.parse_module("a.rego", "package a.b\nimport data.c as d\np := 1 if { d[x] }"))"),
            R"({"imports":[{"alias":"d","path":{"type":"ref","value":[{"type":"var","value":"data"},)"
            R"({"type":"string","value":"c"}]}}],"package":{"path":[{"type":"var","value":"data"},)"
            R"({"type":"string","value":"a"},{"type":"string","value":"b"}]},"rules":[{"body":)"
            R"([{"index":0,"terms":{"type":"ref","value":[{"type":"var","value":"d"},)"
            R"({"type":"var","value":"x"}]}}],"head":{"assign":true,"name":"p","ref":)"
            R"([{"type":"var","value":"p"}],"value":{"type":"number","value":1}}}]})");
}

TEST(BuiltinsRegoTest, ParseModuleReportsParseErrors) {
  EXPECT_EQ(X(R"(rego.parse_module("x.rego", "package foo."))"),
            "error: query:1: eval_builtin_error: rego.parse_module: x.rego:1: rego_parse_error: "
            "unexpected eof token: expected ident");
}

}  // namespace
}  // namespace sluice::policy
