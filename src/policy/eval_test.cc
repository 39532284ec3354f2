#include <gtest/gtest.h>

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

// Runs `query` against one module; returns the rows as "x=1 y=2; ..." or
// "error: <message>".
std::string Eval(const std::string& module, const std::string& query,
                const std::string& input_json = "", const std::string& data_json = "{}",
                bool strict = false) {
  QueryRequest req;
  if (!module.empty()) req.modules.push_back({"test-0.rego", module});
  req.query = query;
  req.data = ParseJson(data_json).value();
  if (!input_json.empty()) req.input = ParseJson(input_json).value();
  req.dialect = ast::Dialect::kAuto;
  req.strict_builtin_errors = strict;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  std::string out;
  for (const Bindings& row : r.rows) {
    if (!out.empty()) out += "; ";
    std::string line;
    for (const auto& [name, value] : row) {
      if (!line.empty()) line += " ";
      line += name + "=" + ToJson(value);
    }
    out += line.empty() ? "{}" : line;
  }
  return out;
}

constexpr const char* kTutorialV0 = R"(package main

allow {
  input.accuracy >= 0.9
  input.fairnessScoreEqualOpportunity <= 21
}

deny[msg] {
  not allow
  msg := "Deny: Accuracy less than 90% or fairness score difference greater than 21%"
}
)";

TEST(EvalTest, TutorialPolicyAllows) {
  std::string in = R"({"accuracy": 0.95, "fairnessScoreEqualOpportunity": 10})";
  EXPECT_EQ(Eval(kTutorialV0, "x := data.main.allow", in), "x=true");
  EXPECT_EQ(Eval(kTutorialV0, "x := data.main.deny", in), "x=[]");
}

TEST(EvalTest, TutorialPolicyDenies) {
  std::string in = R"({"accuracy": 0.85, "fairnessScoreEqualOpportunity": 10})";
  EXPECT_EQ(Eval(kTutorialV0, "x := data.main.allow", in), "");
  EXPECT_EQ(Eval(kTutorialV0, "x := data.main.deny", in),
            "x=[\"Deny: Accuracy less than 90% or fairness score difference greater than 21%\"]");
}

TEST(EvalTest, UnificationDestructuresBothWays) {
  EXPECT_EQ(Eval("", "[x, 2] = [1, y]"), "x=1 y=2");
  EXPECT_EQ(Eval("", "{\"a\": x} = {\"a\": [1]}"), "x=[1]");
  EXPECT_EQ(Eval("", "[1, x] = [2, 3]"), "");
}

TEST(EvalTest, AssignFalseBindsButFalseExprFails) {
  EXPECT_EQ(Eval("", "x := false"), "x=false");
  EXPECT_EQ(Eval("", "1 > 2"), "");
  EXPECT_EQ(Eval("", "x := 1 < 2"), "x=true");
}

TEST(EvalTest, RefsWithVariablesIterate) {
  std::string data = R"({"xs": [10, 20], "o": {"a": 1, "b": 2}})";
  EXPECT_EQ(Eval("", "data.xs[i] = v", "", data), "i=0 v=10; i=1 v=20");
  EXPECT_EQ(Eval("", "data.o[k] = 2", "", data), "k=\"b\"");
}

TEST(EvalTest, PartialSetsAndObjects) {
  std::string m = R"(package p
s contains x if { some x in [1, 2, 2] }
o[k] := v if { some k, v in {"a": 1} }
)";
  EXPECT_EQ(Eval(m, "x := data.p.s"), "x=[1,2]");
  EXPECT_EQ(Eval(m, "x := data.p.o"), "x={\"a\":1}");
  EXPECT_EQ(Eval(m, "data.p.s[x]"), "x=1; x=2");
}

TEST(EvalTest, CompleteRuleConflictIsAnError) {
  std::string m = "package p\nq := x if { some x in [1, 2] }\n";
  EXPECT_EQ(Eval(m, "x := data.p.q"),
            "error: test-0.rego:2: eval_conflict_error: complete rules must not produce multiple "
            "outputs");
}

TEST(EvalTest, ObjectKeyConflictIsAnError) {
  std::string m = "package p\no[k] := v if { some v in [1, 2]; k := \"a\" }\n";
  EXPECT_EQ(Eval(m, "x := data.p.o"),
            "error: test-0.rego:2: eval_conflict_error: object keys must be unique");
}

TEST(EvalTest, DeeperRuleWritingIntoAnotherRulesValueConflicts) {
  std::string m = R"(package p
q[k].r := v if { k := "a"; v := {"s": {"t": 1}} }
q.a.r.s.u := 42
)";
  EXPECT_EQ(Eval(m, "x := data.p.q"),
            "error: test-0.rego:2: eval_conflict_error: object keys must be unique");
  std::string ok = R"(package p
q[k].r := 1 if { k := "a" }
q.a.s := 2
)";
  EXPECT_EQ(Eval(ok, "x := data.p.q"), R"(x={"a":{"r":1,"s":2}})");
}

TEST(EvalTest, StrictBuiltinErrorKeepsTheSolutionsFoundAnyway) {
  QueryRequest req;
  req.query = "x := [y | some d in [1, 0, 2]; y := 2 / d]";
  req.strict_builtin_errors = true;
  QueryResult r = RunQuery(req);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, "query:1: eval_builtin_error: div: divide by zero");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(ToJson(r.rows[0][0].second), "[2,1]");
}

TEST(EvalTest, WithReplacesABuiltinByAnotherOne) {
  EXPECT_EQ(Eval("", "x := time.now_ns() with time.now_ns as opa.runtime"), "x={}");
  EXPECT_EQ(Eval("", "x := count([1, 2]) with count as sum"), "x=3");
}

TEST(EvalTest, DefaultAndElse) {
  std::string m = R"(package p
default d := 0
d := 1 if { input.x == 1 }
e := "a" if { input.x == 1 } else := "b" if { input.x == 2 } else := "c"
)";
  EXPECT_EQ(Eval(m, "x := data.p.d", R"({"x": 5})"), "x=0");
  EXPECT_EQ(Eval(m, "x := data.p.d", R"({"x": 1})"), "x=1");
  EXPECT_EQ(Eval(m, "x := data.p.e", R"({"x": 2})"), "x=\"b\"");
  EXPECT_EQ(Eval(m, "x := data.p.e", R"({"x": 3})"), "x=\"c\"");
}

TEST(EvalTest, FunctionsWithSeveralDefinitions) {
  std::string m = R"(package p
f(x) := "neg" if { x < 0 }
f(x) := "pos" if { x > 0 }
g([a, b]) := a + b
h(x) := y if { y := x }
h(x) := 7 if { x == 1 }
)";
  EXPECT_EQ(Eval(m, "x := data.p.f(-1)"), "x=\"neg\"");
  EXPECT_EQ(Eval(m, "x := data.p.f(0)"), "");
  EXPECT_EQ(Eval(m, "x := data.p.g([1, 2])"), "x=3");
  EXPECT_EQ(Eval(m, "x := data.p.h(1)"),
            "error: test-0.rego:6: eval_conflict_error: functions must not produce multiple "
            "outputs for same inputs");
}

TEST(EvalTest, NegationEveryAndMembership) {
  std::string m = R"(package p
all_pos if { every x in input.xs { x > 0 } }
has_two if { 2 in input.xs }
no_three if { not 3 in input.xs }
)";
  std::string in = R"({"xs": [1, 2]})";
  EXPECT_EQ(Eval(m, "x := [data.p.all_pos, data.p.has_two, data.p.no_three]", in),
            "x=[true,true,true]");
  EXPECT_EQ(Eval(m, "x := data.p.all_pos", R"({"xs": [1, -2]})"), "");
  EXPECT_EQ(Eval("", "some k, v in {\"a\": 1}"), "k=\"a\" v=1");
}

TEST(EvalTest, Comprehensions) {
  EXPECT_EQ(Eval("", "x := [y | some y in [3, 1]; y > 1]"), "x=[3]");
  EXPECT_EQ(Eval("", "x := {y | some y in [3, 1, 3]}"), "x=[1,3]");
  EXPECT_EQ(Eval("", "x := {k: v | some k, v in [\"a\", \"b\"]}"), "x={\"0\":\"a\",\"1\":\"b\"}");
}

TEST(EvalTest, WithReplacesInputDataAndFunctions) {
  std::string m = R"(package p
a if { input.x == 1 }
b := data.q.v
f(x) := x + 1
c := f(1)
)";
  EXPECT_EQ(Eval(m, "x := data.p.a with input as {\"x\": 1}"), "x=true");
  EXPECT_EQ(Eval(m, "x := data.p.a with input.x as 1"), "x=true");
  EXPECT_EQ(Eval(m, "x := data.p.b with data.q.v as 9"), "x=9");
  EXPECT_EQ(Eval(m, "x := data.p.c with data.p.f as 5"), "x=5");
  EXPECT_EQ(Eval(m, "x := data.p.c; y := data.p.c with data.p.f as 5"), "x=2 y=5");
}

TEST(EvalTest, ImportsAndRefHeads) {
  std::string m = R"(package p
import input.user as u
import data.lib
a.b.c := u.name
d := lib.v
)";
  QueryRequest req;
  req.modules = {{"test-0.rego", m}, {"test-1.rego", "package lib\nv := 3\n"}};
  req.query = "x := data.p";
  req.input = ParseJson(R"({"user": {"name": "ann"}})").value();
  QueryResult r = RunQuery(req);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(ToJson(r.rows[0][0].second), R"({"a":{"b":{"c":"ann"}},"d":3})");
}

TEST(EvalTest, BaseDataMergesWithRules) {
  std::string m = "package p\nr := 1\n";
  EXPECT_EQ(Eval(m, "x := data.p", "", R"({"p": {"base": 2}})"), "x={\"base\":2,\"r\":1}");
}

TEST(EvalTest, StrictBuiltinErrors) {
  EXPECT_EQ(Eval("", "x := 1 + \"a\""), "");
  EXPECT_EQ(Eval("", "x := 1 + \"a\"", "", "{}", true),
            "error: query:1: eval_type_error: plus: operand 2 must be number but got string");
  EXPECT_EQ(Eval("", "x := 1 / 0", "", "{}", true),
            "error: query:1: eval_builtin_error: div: divide by zero");
}

TEST(EvalTest, CoreBuiltins) {
  EXPECT_EQ(Eval("", "x := count(\"héllo\")"), "x=5");
  EXPECT_EQ(Eval("", "x := sum([1, 2.5])"), "x=3.5");
  EXPECT_EQ(Eval("", "x := sort({3, 1})"), "x=[1,3]");
  EXPECT_EQ(Eval("", "x := concat(\",\", [\"a\", \"b\"])"), "x=\"a,b\"");
  EXPECT_EQ(Eval("", "x := split(\"a.b\", \".\")"), "x=[\"a\",\"b\"]");
  EXPECT_EQ(Eval("", "x := sprintf(\"%v-%d-%s\", [[1], 2, \"s\"])"), "x=\"[1]-2-s\"");
  EXPECT_EQ(Eval("", "x := {1, 2} - {2}"), "x=[1]");
  EXPECT_EQ(Eval("", "x := {1, 2} & {2, 3}"), "x=[2]");
  EXPECT_EQ(Eval("", "x := object.get({\"a\": 1}, \"b\", 0)"), "x=0");
  EXPECT_EQ(Eval("", "x := numbers.range(1, 3)"), "x=[1,2,3]");
  EXPECT_EQ(Eval("", "x := json.unmarshal(json.marshal({\"a\": [1]}))"), "x={\"a\":[1]}");
  EXPECT_EQ(Eval("", "x := max([])"), "");
}

TEST(EvalTest, PreparedQueryEvaluatesRepeatedly) {
  QueryRequest req;
  req.modules = {{"test-0.rego", kTutorialV0}};
  req.query = "data.main.allow";
  req.dialect = ast::Dialect::kAuto;
  PreparedQuery pq = PreparedQuery::Prepare(req);
  ASSERT_FALSE(pq.error());
  Value data = Value::Object({});
  for (int i = 0; i < 3; ++i) {
    QueryResult ok = pq.Eval(data, ParseJson(R"({"accuracy": 0.95, "fairnessScoreEqualOpportunity": 1})").value());
    EXPECT_EQ(ok.rows.size(), 1u);
    QueryResult no = pq.Eval(data, ParseJson(R"({"accuracy": 0.5, "fairnessScoreEqualOpportunity": 1})").value());
    EXPECT_EQ(no.rows.size(), 0u);
  }
}

TEST(EvalTest, ParseAndCompileErrorsCarryOpaCodes) {
  EXPECT_EQ(Eval("package p\nq := ", "x := 1").substr(0, 38), "error: test-0.rego:2: rego_parse_error");
  EXPECT_EQ(Eval("package p\ndefault q := 1\ndefault q := 2\n", "x := 1"),
            "error: test-0.rego:3: rego_type_error: multiple default rules data.p.q found");
}

TEST(EvalTest, BodiesAreReorderedForSafety) {
  EXPECT_EQ(Eval("", "y > 1; y = 2"), "y=2");
  EXPECT_EQ(Eval("", "x == input.xs[x]", R"({"xs": [0, 5]})"), "x=0");
  std::string m = "package p\nq contains n if { n > 1; some n in [1, 2, 3] }\n";
  EXPECT_EQ(Eval(m, "x := data.p.q"), "x=[2,3]");
}

TEST(EvalTest, MockMayCallTheFunctionItReplaces) {
  std::string m = R"(package p
mock_count(x) := count(x) + 1
r := y if { y := count([1, 2]) with count as mock_count }
)";
  EXPECT_EQ(Eval(m, "x := data.p.r"), "x=3");
}

TEST(EvalTest, RefHeadsOfDifferentDepthsMerge) {
  std::string m = R"(package p
q[k].r := 1 if { some k in ["a"] }
q.b.s := 2
)";
  EXPECT_EQ(Eval(m, "x := data.p.q"), "x={\"a\":{\"r\":1},\"b\":{\"s\":2}}");
}

TEST(EvalTest, SetRefByStringKey) {
  std::string m = "package p\nq contains \"v\"\nr if { not q.w }\n";
  EXPECT_EQ(Eval(m, "x := [data.p.q.v, data.p.r]"), "x=[\"v\",true]");
}

TEST(EvalTest, EmptyPackageIsAnEmptyObject) {
  QueryRequest req;
  req.modules = {{"a.rego", "package a.b\n"}};
  req.query = "x := data.a";
  QueryResult r = RunQuery(req);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(ToJson(r.rows[0][0].second), R"({"b":{}})");
}

}  // namespace
}  // namespace sluice::policy
