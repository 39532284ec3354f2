#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

// Calls builtin `name` on JSON arguments: the value as Rego, "undefined",
// or "<code>: <message>".
std::string Call(const std::string& name, const std::vector<std::string>& json_args) {
  std::vector<Value> args;
  for (const std::string& j : json_args) args.push_back(*ParseJson(j));
  BuiltinOutcome out = DefaultBuiltins().Find(name)->fn(args);
  if (out.state == BuiltinOutcome::State::kUndefined) return "undefined";
  if (out.state == BuiltinOutcome::State::kError) return out.code + ": " + out.message;
  return ToRego(out.value);
}

TEST(ReplaceNTest, OnePassFirstKeyInOrderWins) {
  EXPECT_EQ(Call("strings.replace_n", {R"({"f": "x", "foo": "xxx"})", R"("foobar")"}), R"("xoobar")");
  // Replaced text is not scanned again.
  EXPECT_EQ(Call("strings.replace_n", {R"({"a": "b", "b": "a"})", R"("ab")"}), R"("ba")");
  EXPECT_EQ(Call("strings.replace_n", {R"({"": "-"})", R"("ab")"}), R"("-a-b-")");
  EXPECT_EQ(Call("strings.replace_n", {R"({"a": 1})", R"("ab")"}),
            "eval_type_error: operand 1 non-string value found in pattern object");
}

TEST(FormatIntTest, BigIntegersAndTruncatedFractions) {
  EXPECT_EQ(Call("format_int", {"18446744073709551617", "16"}), R"("10000000000000001")");
  EXPECT_EQ(Call("format_int", {"-18446744073709551617", "10"}), R"("-18446744073709551617")");
  EXPECT_EQ(Call("format_int", {"-15.9", "16"}), R"("-f")");
  EXPECT_EQ(Call("format_int", {"-0.5", "2"}), R"("0")");
  EXPECT_EQ(Call("format_int", {"0", "8"}), R"("0")");
}

}  // namespace
}  // namespace sluice::policy
