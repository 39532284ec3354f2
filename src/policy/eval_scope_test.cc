// Scoping and annotations: shadowing locals in nested bodies, computed
// function arguments, `with` inside template strings, the base document's
// number keys, and rego.metadata.*.
#include <gtest/gtest.h>

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

// The value of x from `query` over one v1 module, "undefined" or "error: ...".
std::string X(const std::string& module, const std::string& query,
              const std::string& data_json = "{}", bool experimental = false) {
  QueryRequest req;
  req.modules.push_back({"test-0.rego", module});
  req.query = query;
  req.data = ParseJson(data_json).value();
  req.experimental_keywords = experimental;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  if (r.rows.empty()) return "undefined";
  return ToJson(r.rows[0][0].second);
}

TEST(EvalScopeTest, AssignInLogicalOperandShadowsOuterLocal) {
  std::string m = R"(package t
import future.keywords.and
p if {
  a := -100
  { a := 1; a > 0 } and { a := 2; a > 1 }
  a == -100
}
)";
  EXPECT_EQ(X(m, "x := data.t.p", "{}", true), "true");
}

TEST(EvalScopeTest, AssignInComprehensionShadowsOuterLocal) {
  std::string m = R"(package t
p := [a, b] if {
  a := 1
  b := [a | a := 2]
}
)";
  EXPECT_EQ(X(m, "x := data.t.p"), "[1,[2]]");
}

TEST(EvalScopeTest, ComputedFunctionArgumentSeesBodyVariables) {
  std::string m = R"(package t
p := f("foo bar")
f($"{x} bar") := 42 if { x = "foo" }
)";
  EXPECT_EQ(X(m, "x := data.t.p"), "42");
}

TEST(EvalScopeTest, ComputedFunctionArgumentAppliesToElseBodies) {
  std::string m = R"(package t
p := [f("a b"), f("c b")]
f($"{x} b") := 1 if { x = "a" } else := 2 if { x = "c" }
)";
  EXPECT_EQ(X(m, "x := data.t.p"), "[1,2]");
}

TEST(EvalScopeTest, WithAppliesInsideTemplateExpression) {
  std::string m = R"(package t
a := input.a
p := $"v={a with input as {"a": 42}}"
)";
  EXPECT_EQ(X(m, "x := data.t.p"), "\"v=42\"");
}

TEST(EvalScopeTest, NumberStepsFindStringKeysOfTheBaseDocument) {
  std::string m = "package t\np := data.nested[2]\n";
  EXPECT_EQ(X(m, "x := data.t.p", R"({"nested": {"2": "bar"}})"), "\"bar\"");
}

TEST(EvalScopeTest, BaseDocumentWinsOverARuleAtTheSamePath) {
  std::string m = "package t.c\nk := \"rule\"\n";
  EXPECT_EQ(X(m, "x := data.t", R"({"t": {"c": {"k": "base"}}})"), R"({"c":{"k":"base"}})");
}

TEST(EvalScopeTest, RootReadHidesSystem) {
  std::string m = "package system.p\nq := 1\n";
  EXPECT_EQ(X(m, "x := data", R"({"system": {"a": 1}, "b": 2})"), R"({"b":2})");
}

TEST(EvalScopeTest, MetadataRuleAndChain) {
  std::string m = R"(# METADATA
# description: pkg
package t

# METADATA
# scope: document
# title: doc
p := 0 if { false }

# METADATA
# title: here
# authors:
# - Jane Doe <jane@example.com>
p := [rego.metadata.rule(), rego.metadata.chain()]
)";
  EXPECT_EQ(X(m, "x := data.t.p"),
            R"([{"authors":[{"email":"jane@example.com","name":"Jane Doe"}],"scope":"rule",)"
            R"("title":"here"},[{"annotations":{"authors":[{"email":"jane@example.com",)"
            R"("name":"Jane Doe"}],"scope":"rule","title":"here"},"path":["t","p"]},)"
            R"({"annotations":{"scope":"document","title":"doc"},"path":["t","p"]},)"
            R"({"annotations":{"description":"pkg","scope":"package"},"path":["t"]}]])");
}

TEST(EvalScopeTest, MetadataOfARuleWithoutAnnotations) {
  std::string m = "package t\np := [rego.metadata.rule(), rego.metadata.chain()]\n";
  EXPECT_EQ(X(m, "x := data.t.p"), R"([{},[{"path":["t","p"]}]])");
}

}  // namespace
}  // namespace sluice::policy
