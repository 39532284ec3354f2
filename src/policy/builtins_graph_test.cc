#include <gtest/gtest.h>

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

// Runs a query without modules; the rows as "x=1; x=2" or "error: ...".
std::string Rows(const std::string& query, bool strict = true) {
  QueryRequest req;
  req.query = query;
  req.data = ParseJson("{}").value();
  req.dialect = ast::Dialect::kV1;
  req.strict_builtin_errors = strict;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  std::string out;
  for (const Bindings& row : r.rows) {
    for (const auto& [name, value] : row) {
      if (!out.empty()) out += "; ";
      out += name + "=" + ToJson(value);
    }
  }
  return out;
}

TEST(BuiltinsGraphTest, WalkEnumeratesEveryPathDepthFirst) {
  EXPECT_EQ(Rows(R"(walk({"a": [1, 2]}, x))"),
            R"(x=[[],{"a":[1,2]}]; x=[["a"],[1,2]]; x=[["a",0],1]; x=[["a",1],2])");
}

TEST(BuiltinsGraphTest, WalkUnifiesThePatternWithEachResult) {
  EXPECT_EQ(Rows(R"([["a", i], v] := walk({"a": [5, 6], "b": 7}))"), "i=0; v=5; i=1; v=6");
}

TEST(BuiltinsGraphTest, WalkStopsWhenTheConsumerIsSatisfied) {
  EXPECT_EQ(Rows(R"(x := [p | walk([1, [2, 3]], [p, 3])])"), R"(x=[[1,1]])");
  EXPECT_EQ(Rows(R"(x := true; walk({1, {2}}, [[{2}, 2], 2]))"), "x=true");
}

TEST(BuiltinsGraphTest, ReachableFollowsEdgesOfArraysAndSets) {
  EXPECT_EQ(Rows(R"(x := graph.reachable({"a": ["b"], "b": {"c"}, "c": ["a"], "d": []}, {"b"}))"),
            R"(x=["a","b","c"])");
  EXPECT_EQ(Rows(R"(x := graph.reachable({"a": null}, ["a", "z"]))"), R"(x=["a"])");
}

TEST(BuiltinsGraphTest, ReachablePathsEndAtLeavesMissingNodesAndCycles) {
  EXPECT_EQ(Rows(R"(x := graph.reachable_paths({"a": ["b", "c"], "b": ["a", "z"], "c": []}, ["a"]))"),
            R"(x=[["a","b"],["a","c"]])");
}

TEST(BuiltinsGraphTest, ReachableRejectsANonCollectionStart) {
  EXPECT_EQ(Rows(R"(x := graph.reachable({}, "a"))"),
            "error: query:1: eval_type_error: graph.reachable: operand 2 must be one of {array, set} but got string");
}

}  // namespace
}  // namespace sluice::policy
