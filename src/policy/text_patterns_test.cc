#include <gtest/gtest.h>

#include <string>

#include "policy/glob.h"
#include "policy/glob_intersection.h"
#include "policy/go_regexp.h"

namespace sluice::policy::internal {
namespace {

bool GlobMatches(const std::string& pattern, const std::u32string& separators, const std::string& s) {
  Result<Glob> g = Glob::Compile(pattern, separators);
  EXPECT_TRUE(g.ok()) << pattern;
  return g.ok() && g->Match(s);
}

TEST(RegoGlobTest, StarStopsAtSeparatorsSuperStarDoesNot) {
  EXPECT_TRUE(GlobMatches("*.github.com", U".", "api.github.com"));
  EXPECT_FALSE(GlobMatches("*.github.com", U".", "api.cdn.github.com"));
  EXPECT_TRUE(GlobMatches("api.**.com", U".", "api.cdn.github.com"));
  EXPECT_TRUE(GlobMatches("*", U"", "foo.bar"));
  EXPECT_FALSE(GlobMatches("?at", U"f", "fat"));
}

TEST(RegoGlobTest, ClassesAndAlternatives) {
  EXPECT_TRUE(GlobMatches("[!a-c]at", U".", "fat"));
  EXPECT_FALSE(GlobMatches("[!abc]at", U".", "cat"));
  EXPECT_TRUE(GlobMatches("{cat,bat,[fr]at}", U".", "rat"));
  EXPECT_FALSE(GlobMatches("{cat,bat,[fr]at}", U".", "at"));
  EXPECT_TRUE(GlobMatches("a{b,{c,d}e}f", U".", "adef"));
  EXPECT_TRUE(GlobMatches("x,y}", U".", "x,y}"));  // outside braces , and } are text
}

TEST(RegoGlobTest, UnclosedClassOrBraceIsAnError) {
  EXPECT_FALSE(Glob::Compile("[abc", U".").ok());
  EXPECT_FALSE(Glob::Compile("{a,b", U".").ok());
  EXPECT_EQ(GlobQuoteMeta("*.{a}[b]?\\"), "\\*.\\{a\\}\\[b\\]\\?\\\\");
}

std::shared_ptr<const GoRegexp> Re(const std::string& p) {
  auto re = GoRegexp::Compile(p);
  EXPECT_TRUE(re.ok()) << p;
  return *re;
}

TEST(GoRegexpTest, ErrorsReadAsGo) {
  auto bad = GoRegexp::Compile("[");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "error parsing regexp: missing closing ]: `[`");
  EXPECT_FALSE(GoRegexp::IsValid("++"));
  EXPECT_FALSE(GoRegexp::IsValid("(?<=a)b"));  // no lookbehind in RE2 syntax
}

TEST(GoRegexpTest, AngleBracketNamedGroupsAsGo) {
  EXPECT_EQ(Re("(?<w>o+)")->ReplaceAll("foo", "[${w}]"), "f[oo]");
  EXPECT_EQ(Re("[(?<x>]+")->ReplaceAll("a(?<x>", "-"), "a-");  // inside a class: literal
  EXPECT_EQ(Re("\\(?<")->ReplaceAll("(?<", "-"), "(?-");  // escaped: an optional ( then <
}

TEST(GoRegexpTest, ReplaceAllSkipsEmptyMatchAfterMatchAndExpandsGroups) {
  EXPECT_EQ(Re("a*")->ReplaceAll("baaac", "X"), "XbXcX");
  EXPECT_EQ(Re("(foo)")->ReplaceAll("foo", "$1$1"), "foofoo");
  EXPECT_EQ(Re("(?P<w>o+)")->ReplaceAll("foo", "[${w}]$$"), "f[oo]$");
  EXPECT_EQ(Re("(o)")->ReplaceAll("foo", "$1x"), "f");  // $1x names group "1x"
  EXPECT_EQ(Re("^[a-z]")->ReplaceAll("foo", "F"), "Foo");
}

TEST(GoRegexpTest, FindAllAndSplit) {
  EXPECT_EQ(Re("a.")->FindAll("paranormal", 2).size(), 2u);
  EXPECT_EQ(Re("x*")->FindAll("axb", -1).size(), 3u);  // "", "x", "" (none right after "x")
  auto parts = Re("^[a-z ]+$")->Split("foobar baz");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "");
  EXPECT_EQ(Re("x")->Split("").size(), 1u);
}

TEST(GlobsIntersectTest, SharedStringsAndErrors) {
  EXPECT_TRUE(*GlobsIntersect("a.a.[0-9]+z", ".b.b2359825792*594823z"));
  EXPECT_TRUE(*GlobsIntersect("[a-z]+\\[[0-9]+\\]", "foo\\[1\\]"));
  EXPECT_FALSE(*GlobsIntersect("[a-z]+\\[[0-9]+\\]", "foo[\"bar\"]"));
  EXPECT_TRUE(*GlobsIntersect("a*b", "ab*"));
  EXPECT_FALSE(*GlobsIntersect("a+", "b*"));
  auto bad = GlobsIntersect("pqrs]", "[a-b]+");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid");
}

}  // namespace
}  // namespace sluice::policy::internal
