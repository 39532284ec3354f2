#include <gtest/gtest.h>

#include "expr/expr.h"

namespace sluice::expr {
namespace {

TEST(JsonScopeTest, WalksObjectsAndArrays) {
  JsonScope scope(Value::parse(R"({"a": {"b": [10, {"c": "x"}], "n": null}})"));
  EXPECT_EQ(*scope.Lookup({"a", "b", "0"}), 10);
  EXPECT_EQ(*scope.Lookup({"a", "b", "1", "c"}), "x");
  EXPECT_TRUE(scope.Lookup({"a", "n"})->is_null());
  EXPECT_TRUE(scope.Lookup({"a", "n", "deeper", "still"})->is_null());
}

TEST(JsonScopeTest, MissingPartsAreNamed) {
  JsonScope scope(Value::parse(R"({"a": {"b": [10], "s": "str"}})"));
  struct Case {
    std::vector<std::string> path;
    const char* message;
  } cases[] = {
      {{"z"}, "\"z\" is not defined"},
      {{"a", "z"}, "a has no \"z\""},
      {{"a", "b", "3"}, "a.b has no element \"3\" (it is a list of 1)"},
      {{"a", "b", "x"}, "a.b has no element \"x\" (it is a list of 1)"},
      {{"a", "s", "t"}, "a.s is a string, so it has no \"t\""},
  };
  for (const Case& c : cases) {
    Result<Value> r = scope.Lookup(c.path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(JsonScopeTest, ServesSecrets) {
  JsonScope scope(Value::object(), Value{{"git_pat", "ghp"}});
  EXPECT_EQ(*scope.GetSecret("git_pat"), "ghp");
  EXPECT_EQ(scope.GetSecret("other").status().message(), "secret \"other\" is not defined");
}

}  // namespace
}  // namespace sluice::expr
