#include <gtest/gtest.h>

#include "expr/expr.h"
#include "expr/expr_test_util.h"

namespace sluice::expr {
namespace {

TEST(ExprMethodsTest, StringMethods) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    Value want;
  } cases[] = {
      {R"(<+"abc".contains("b")>)", true},
      {R"(<+"abc".contains("x")>)", false},
      {R"(<+"abc".startsWith("ab")>)", true},
      {R"(<+"abc".startsWith("abcd")>)", false},
      {R"(<+"abc".endsWith("bc")>)", true},
      {R"(<+"AbC".toLowerCase()>)", "abc"},
      {R"(<+"AbC".toUpperCase()>)", "ABC"},
      {R"(<+"abc".length()>)", 3},
      {R"(<+"".length()>)", 0},
      {R"(<+"a-b-c".replace("-", "+")>)", "a+b+c"},
      {R"(<+"ab".replace("", "-")>)", "-a-b-"},
      {R"(<+"a,b,,c,,".split(",")>)", Value{"a", "b", "", "c"}},
      {R"(<+"a.b".split("\\.")>)", Value{"a", "b"}},
      {R"(<+"abc".split("")>)", Value{"a", "b", "c"}},
      {R"(<+"  x y \n".trim()>)", "x y"},
      {R"(<+"abcdef".substring(2)>)", "cdef"},
      {R"(<+"abcdef".substring(1, 3)>)", "bc"},
      {R"(<+"abcabc".indexOf("c")>)", 2},
      {R"(<+"abcabc".indexOf("c", 3)>)", 5},
      {R"(<+"abc".indexOf("x")>)", -1},
      {R"(<+"abc".equals("abc")>)", true},
      {R"(<+"abc".equals("ABC")>)", false},
      {R"(<+"abc".equalsIgnoreCase("ABC")>)", true},
      {R"(<+"ab".concat("cd")>)", "abcd"},
      {R"(<+"v1.2".matches("v[0-9.]+")>)", true},
      {R"(<+"v1.2x".matches("v[0-9.]+")>)", false},
      {R"(<+"".isEmpty()>)", true},
      {"<+pipeline.variables.count.toString().length()>", 2},
      {"<+pipeline.variables.count.contains(1)>", true},
      {"<+pipeline.variables.tags.length()>", 3},
      {"<+pipeline.variables.tags.size()>", 3},
      {R"(<+pipeline.variables.tags.contains("z")>)", true},
      {"<+pipeline.variables.tags.get(0)>", "x"},
      {R"(<+pipeline.variables.meta.get("owner")>)", "ml"},
      {R"(<+pipeline.variables.meta.containsKey("nope")>)", false},
      {R"(<+pipeline.variables.env.concat("-").concat(pipeline.executionId)>)", "prod-abc123"},
  };
  for (const Case& c : cases) {
    Result<Value> r = Render(c.text, scope);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.text;
  }
}

TEST(ExprMethodsTest, BadCallsSayWhatIsWrong) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {R"(<+"abc".substring(2, 9)>)",
       R"(cannot evaluate <+"abc".substring(2, 9)>: substring(2, 9) is out of range for a string of length 3)"},
      {R"(<+"abc".substring()>)",
       R"(cannot evaluate <+"abc".substring()>: substring() takes 1 or 2 arguments, got 0)"},
      {R"(<+"abc".substring("1")>)",
       R"(cannot evaluate <+"abc".substring("1")>: substring() argument 1 must be an integer, got string "1")"},
      {R"(<+"abc".trim(1)>)",
       R"(cannot evaluate <+"abc".trim(1)>: trim() takes 0 arguments, got 1)"},
      {R"(<+"abc".contains(null)>)",
       R"(cannot evaluate <+"abc".contains(null)>: contains() argument 1 must be a string, got null)"},
      {R"(<+"abc".split("[")>)",
       nullptr},  // message comes from std::regex; only the prefix is ours
      {"<+pipeline.variables.tags.trim()>",
       "cannot evaluate <+pipeline.variables.tags.trim()>: array has no method trim()"},
      {R"(<+secrets.fetch("x")>)",
       R"(cannot evaluate <+secrets.fetch("x")>: unknown function secrets.fetch() (use secrets.getValue("id")))"},
  };
  for (const Case& c : cases) {
    Result<Value> r = Render(c.text, scope);
    ASSERT_FALSE(r.ok()) << c.text;
    if (c.message) {
      EXPECT_EQ(r.status().message(), c.message) << c.text;
    } else {
      EXPECT_EQ(r.status().message().rfind(
                    R"(cannot evaluate <+"abc".split("[")>: invalid regular expression "[": )", 0),
                0u)
          << r.status().message();
    }
  }
}

}  // namespace
}  // namespace sluice::expr
