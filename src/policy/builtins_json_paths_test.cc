#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

// Calls builtin `name` on JSON arguments; the value printed as Rego, or
// "undefined", or "<code>: <message>".
std::string Call(const std::string& name, const std::vector<std::string>& json_args) {
  std::vector<Value> args;
  for (const std::string& j : json_args) args.push_back(*ParseJson(j));
  const Builtin* b = DefaultBuiltins().Find(name);
  if (b == nullptr) return "missing";
  BuiltinOutcome out = b->fn(args);
  if (out.state == BuiltinOutcome::State::kUndefined) return "undefined";
  if (out.state == BuiltinOutcome::State::kError) return out.code + ": " + out.message;
  return ToRego(out.value);
}

TEST(JsonPathBuiltinsTest, FilterKeepsNamedPathsAndArrayIndexes) {
  EXPECT_EQ(Call("json.filter", {R"({"a": {"b": {"c": 7, "d": 8}}, "e": 9})", R"(["a/b/c", "e"])"}),
            R"({"a": {"b": {"c": 7}}, "e": 9})");
  EXPECT_EQ(Call("json.filter", {R"({"a": [{"1": ["b", "c", "d"]}, {"x": "y"}]})", R"(["a/0/1/2"])"}),
            R"({"a": [{"1": ["d"]}]})");
}

TEST(JsonPathBuiltinsTest, RemoveShiftsArraysAndShorterPathWins) {
  EXPECT_EQ(Call("json.remove", {R"({"a": [{"b": 7, "c": 8}, {"d": 9}]})", R"(["a/0/b", "a/1"])"}),
            R"({"a": [{"c": 8}]})");
  EXPECT_EQ(Call("json.remove", {R"({"a": {"b": 7}, "c": 1})", R"(["a", "a/b"])"}), R"({"c": 1})");
  EXPECT_EQ(Call("json.remove", {R"("x")", R"([])"}),
            "eval_type_error: operand 1 must be object but got string");
  EXPECT_EQ(Call("json.remove", {R"({})", R"("a")"}),
            "eval_type_error: operand 2 must be one of {set, array} but got string");
}

TEST(JsonPathBuiltinsTest, SemVerOrdersPreReleasesBeforeReleases) {
  EXPECT_EQ(Call("semver.is_valid", {R"("1.0.0-rc.1+build.5")"}), "true");
  EXPECT_EQ(Call("semver.is_valid", {R"("1.0")"}), "false");
  EXPECT_EQ(Call("semver.is_valid", {"1"}), "false");
  EXPECT_EQ(Call("semver.compare", {R"("1.0.0-alpha")", R"("1.0.0")"}), "-1");
  EXPECT_EQ(Call("semver.compare", {R"("1.0.0-alpha.2")", R"("1.0.0-alpha.10")"}), "-1");
  EXPECT_EQ(Call("semver.compare", {R"("10.0.0")", R"("9.9.9")"}), "1");
  EXPECT_EQ(Call("semver.compare", {R"("1")", R"("1.0.0")"}),
            "eval_builtin_error: operand 1: string \"1\" is not a valid SemVer");
}

TEST(JsonPathBuiltinsTest, UrlQueryEscapesLikeGo) {
  EXPECT_EQ(Call("urlquery.encode", {R"("a=b+1 c")"}), R"("a%3Db%2B1+c")");
  EXPECT_EQ(Call("urlquery.decode", {R"("a%3Db%2B1+c")"}), R"("a=b+1 c")");
  EXPECT_EQ(Call("urlquery.decode", {R"("%zz")"}),
            "eval_builtin_error: invalid URL escape \"%zz\"");
  EXPECT_EQ(Call("urlquery.encode_object", {R"({"c": "d", "a": ["b+1", "c+2"]})"}),
            R"("a=b%2B1&a=c%2B2&c=d")");
  EXPECT_EQ(Call("urlquery.decode_object", {R"("a=1&b&a=2")"}),
            R"({"a": ["1", "2"], "b": [""]})");
}

TEST(JsonPathBuiltinsTest, UnitsScaleExactly) {
  EXPECT_EQ(Call("units.parse", {R"("1.1Ki")"}), "1126.4");
  EXPECT_EQ(Call("units.parse", {R"("500m")"}), "0.5");
  EXPECT_EQ(Call("units.parse", {R"("0.0005K")"}), "0.5");
  EXPECT_EQ(Call("units.parse", {R"("-3.5E2m")"}), "-0.35");
  EXPECT_EQ(Call("units.parse", {R"("2.5e3K")"}), "2500000");
  EXPECT_EQ(Call("units.parse", {R"("10Ei")"}), "11529215046068469760");
  EXPECT_EQ(Call("units.parse_bytes", {R"("4.1Mi")"}), "4299161");
  EXPECT_EQ(Call("units.parse_bytes", {R"("128GiB")"}), "137438953472");
  EXPECT_EQ(Call("units.parse_bytes", {R"("GB")"}),
            "eval_builtin_error: no byte amount provided");
  EXPECT_EQ(Call("units.parse", {R"(".5.2")"}),
            "eval_builtin_error: could not parse amount to a number");
  EXPECT_EQ(Call("units.parse", {R"("10e10000000Ei")"}), "eval_builtin_error: exponent too large");
}

TEST(JsonPathBuiltinsTest, PatchAppliesOperationsAtomically) {
  EXPECT_EQ(Call("json.patch", {R"({"a": [1, 2]})",
                                R"([{"op": "add", "path": "/a/-", "value": 3},
                                    {"op": "move", "from": "/a/0", "path": "/b"},
                                    {"op": "test", "path": "/b", "value": 1}])"}),
            R"({"a": [2, 3], "b": 1})");
  EXPECT_EQ(Call("json.patch", {R"({"a": 1})", R"([{"op": "remove", "path": "/x"}])"}),
            "undefined");
  EXPECT_EQ(Call("json.patch", {R"({})", R"([{"path": "/x"}])"}),
            "eval_type_error: operand 2 patch is missing 'op' attribute");
}

}  // namespace
}  // namespace sluice::policy
