// Parse errors: the exact text users see, and robustness on hostile input
// (random bytes, truncated and mutated policies, deep nesting).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "policy/parser.h"

namespace sluice::policy {
namespace {

using ::testing::HasSubstr;

std::string ModuleError(std::string_view text, ast::Dialect dialect = ast::Dialect::kAuto) {
  ParseOptions options;
  options.dialect = dialect;
  Result<ast::Module> m = ParseModule("test.rego", text, options);
  return m.ok() ? "ok" : m.status().message();
}

std::string QueryError(std::string_view text) {
  Result<ast::Query> q = ParseQuery("query", text);
  return q.ok() ? "ok" : q.status().message();
}

TEST(ParserErrorTest, PointsAtTheOffendingToken) {
  EXPECT_EQ(ModuleError("package p\n\np if {\n  x := [1, 2\n}\n"),
            "test.rego:5:1: error: unexpected } token: expected \",\" or \"]\"\n"
            "}\n"
            "^");
  EXPECT_EQ(ModuleError("package p\np if {\n\tx := \"abc\n}"),
            "test.rego:3:7: error: non-terminated string\n"
            "\tx := \"abc\n"
            "\t     ^");
  EXPECT_EQ(QueryError("data.p.q = "),
            "query:1:12: error: unexpected eof token\n"
            "data.p.q = \n"
            "           ^");
  EXPECT_EQ(ModuleError("package p\np if { x := 1 2 }"),
            "test.rego:2:15: error: unexpected number token: expected \\n or ; or }\n"
            "p if { x := 1 2 }\n"
            "              ^");
  // At the top of a query, as in OPA, each expression may follow the previous
  // one directly: this is `x := 1; 2`.
  EXPECT_EQ(QueryError("x := 1 2"), "ok");
  EXPECT_EQ(QueryError("x := @"), "query:1:6: error: illegal token\nx := @\n     ^");
  EXPECT_EQ(QueryError("x := {1: 2"),
            "query:1:11: error: unexpected eof token: non-terminated object\n"
            "x := {1: 2\n"
            "          ^");
}

TEST(ParserErrorTest, OpaMessagesForModules) {
  EXPECT_THAT(ModuleError("p := 1"), HasSubstr("test.rego:1:1: error: package expected"));
  EXPECT_THAT(ModuleError(""), HasSubstr("test.rego: error: empty module"));
  EXPECT_THAT(ModuleError("# just a comment\n"), HasSubstr("empty module"));
  EXPECT_THAT(ModuleError("package p\npackage q"), HasSubstr("2:1: error: unexpected package"));
  EXPECT_THAT(ModuleError("package p\nimport foo.bar"),
              HasSubstr("2:8: error: unexpected import path, must begin with one of: {data, "
                        "future, input, rego}, got: foo"));
  EXPECT_THAT(ModuleError("package p\nimport rego.v2"),
              HasSubstr("invalid import `rego.v2`, must be `rego.v1`"));
  EXPECT_THAT(ModuleError("package p\nimport future.keywords.in as x", ast::Dialect::kV0),
              HasSubstr("`future` imports cannot be aliased"));
  EXPECT_THAT(ModuleError("package p\nimport data.x as"), HasSubstr("expected var"));
  EXPECT_THAT(ModuleError("package p\ndefault p := x"),
              HasSubstr("illegal default rule (value cannot contain var)"));
  EXPECT_THAT(ModuleError("package p\ndefault f(x, x) := 1"),
              HasSubstr("illegal default rule (arguments cannot be repeated x)"));
  EXPECT_THAT(ModuleError("package p\ndefault f(1) := 1"),
              HasSubstr("illegal default rule (arguments cannot contain number)"));
  EXPECT_THAT(ModuleError("package p\nx"), HasSubstr("var cannot be used for rule name"));
  EXPECT_THAT(ModuleError("package p\n\"x\" = 1"),
              HasSubstr("string cannot be used for rule name"));
  EXPECT_THAT(ModuleError("package p\np := 1; q := 2"),
              HasSubstr("multiple expressions cannot be used for rule head"));
  EXPECT_THAT(ModuleError("package p\nnot p"),
              HasSubstr("negated expressions cannot be used for rule head"));
  EXPECT_THAT(ModuleError("package p\np := 1 with input as 2"),
              HasSubstr("expressions using with keyword cannot be used for rule head"));
  EXPECT_THAT(ModuleError("package p\np if { some }", ast::Dialect::kV1),
              HasSubstr("unexpected } token: expected var"));
  EXPECT_THAT(ModuleError("package p\np if { not some x }", ast::Dialect::kV1),
              HasSubstr("unexpected some keyword: illegal negation of 'some'"));
  EXPECT_THAT(ModuleError("package p\np if { every x in xs }", ast::Dialect::kV1),
              HasSubstr("missing body"));
  EXPECT_THAT(ModuleError("package p\np if { every 1 in xs { true } }", ast::Dialect::kV1),
              HasSubstr("expected value to be a variable"));
  EXPECT_THAT(ModuleError("package p\np if { x with 1 as 2 }", ast::Dialect::kV1),
              HasSubstr("unexpected number token: expected ident"));
  EXPECT_THAT(ModuleError("package p\np if { x := (1 + 2 }", ast::Dialect::kV1),
              HasSubstr("non-terminated expression"));
  EXPECT_THAT(ModuleError("package p\np if { }", ast::Dialect::kV0), HasSubstr("found empty body"));
  EXPECT_THAT(ModuleError("package p\np := \"a\".b"),
              HasSubstr("illegal ref (head cannot be string)"));
  EXPECT_THAT(ModuleError("package p\na.b.c", ast::Dialect::kV1),
              HasSubstr("rule must have value assignment and/or body declaration"));
  EXPECT_THAT(ModuleError("package p\nf(x) { true }", ast::Dialect::kV1),
              HasSubstr("`if` keyword is required before function body"));
  // In v0 without imports `contains` is a name: three bodiless statements.
  EXPECT_THAT(ModuleError("package p\np contains x", ast::Dialect::kV0),
              HasSubstr("2:3: error: var cannot be used for rule name"));
}

TEST(ParserErrorTest, AppliesLimits) {
  for (std::string_view open : {"[", "{", "(", "f(", "[x | ", "{1: ", "$\"{", "a["}) {
    std::string text = "x := ";
    for (int i = 0; i < 100000; ++i) text += open;
    EXPECT_THAT(QueryError(text), HasSubstr("max parsing recursion depth exceeded")) << open;
  }
  std::string ok = "x := ";
  for (int i = 0; i < 100; ++i) ok += "[";
  ok += std::string(100, ']');
  EXPECT_EQ(QueryError(ok), "ok");
}

TEST(ParserErrorTest, BacktrackingStaysLinear) {
  // Each `{x: 1 | ...}` is first tried as a comprehension, then re-read as an
  // object whose value is `1 | ...`; nested, that doubles per level.
  std::vector<std::string> texts;
  std::string a = "x := ";
  for (int i = 0; i < 200; ++i) a += "{x: 1 | ";
  texts.push_back(a);
  std::string b = "x := ";
  for (int i = 0; i < 60; ++i) b += "[x | ";
  b += "a, ";
  for (int i = 0; i < 60; ++i) b += "], ";
  texts.push_back(b);
  for (const std::string& text : texts) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_NE(QueryError(text), "ok");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  }
}

// Policies exercising most of the grammar, cut and mutated below.
const char* const kCorpus[] = {
    R"(package main

allow {
  input.accuracy >= 0.9
}

deny[msg] {
  input.equal_opportunity_gap > 19
  msg := sprintf("gap %v too large", [input.equal_opportunity_gap])
}
)",
    R"(package rbac
import rego.v1
import data.roles as r

default allow := false

allow if {
	some grant in user_is_granted
	input.action == grant.action
}

user_is_granted contains grant if {
	some role in data.user_roles[input.user]
	some grant in data.role_grants[role]
}

f(x, _) := y if { y := x * 2 + 1 } else := 0
obj[k] := v if { some k, v in {"a": 1, "b": [1, 2.5e3, -3]} }
s := {x | x := input.xs[_]; x != null}
o := {k: count(v) | some k, v in input.m}
t := $"user {input.user} has {count(input.roles)} roles, raw $`{1}`"
every_ok if { every k, v in input.m { v > k } }
w if { x := data.y with input.a as `raw
string` with data.z as {"q": set()} }
)",
    R"(package logic
import future.keywords.and
import future.keywords.or
import future.keywords.not
p if {
  input.a or input.b and not { input.c or input.d }
  { a := 1; a > 0 } and { some n in [1, 2]; n > 1 }
}
)",
};

// Parses `text` every way; only checks that nothing crashes or hangs.
void ParseEveryWay(const std::string& text) {
  for (ast::Dialect d : {ast::Dialect::kAuto, ast::Dialect::kV0, ast::Dialect::kV1}) {
    ParseOptions options;
    options.dialect = d;
    options.experimental_keywords = true;
    Result<ast::Module> m = ParseModule("fuzz.rego", text, options);
    if (!m.ok()) {
      EXPECT_FALSE(m.status().message().empty());
    } else {
      for (const ast::Rule& r : m->rules) (void)ast::ToString(r);
    }
    Result<ast::Query> q = ParseQuery("fuzz", text, options);
    if (q.ok()) (void)ast::ToString(q->body);
    (void)ParseTerm("fuzz", text, options).ok();
  }
}

TEST(ParserErrorTest, SurvivesTruncatedPolicies) {
  for (const char* policy : kCorpus) {
    std::string text = policy;
    for (size_t n = 0; n <= text.size(); ++n) ParseEveryWay(text.substr(0, n));
  }
}

TEST(ParserErrorTest, SurvivesMutatedPolicies) {
  std::mt19937 rng(20240501);
  const std::string alphabet = "[]{}()|&:=;,.\"'`$#\\\n \t_aAzZ019-+*/%<>!@\x80\xff";
  for (const char* policy : kCorpus) {
    std::string original = policy;
    for (int i = 0; i < 300; ++i) {
      std::string text = original;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        size_t pos = rng() % (text.size() + 1);
        char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0:
            text.insert(pos, 1, c);
            break;
          case 1:
            if (pos < text.size()) text.erase(pos, 1);
            break;
          default:
            if (pos < text.size()) text[pos] = c;
            break;
        }
      }
      ParseEveryWay(text);
    }
  }
}

TEST(ParserErrorTest, SurvivesRandomBytes) {
  std::mt19937 rng(7);
  const std::vector<std::string> words = {
      "package", "import", "default", "if", "contains", "else", "some",  "every", "in",
      "not",     "with",   "as",      "p",  "x",        "data", "input", "true",  "null",
      "and",     "or",     ":=",      "=",  "==",       "{",    "}",     "[",     "]",
      "(",       ")",      "|",       ",",  ";",        ".",    "\n",    " ",     "\"s\"",
      "`r`",     "$\"{",   "}\"",     "1",  "-",        "_",    "1.5e3", "#c\n",  "&"};
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    size_t len = rng() % 60;
    bool bytes = i % 3 == 0;
    if (i % 2 == 0) text = "package p\n";
    for (size_t j = 0; j < len; ++j) {
      if (bytes) {
        text.push_back(static_cast<char>(rng() % 256));
      } else {
        text += words[rng() % words.size()];
        if (rng() % 2) text += ' ';
      }
    }
    ParseEveryWay(text);
  }
}

}  // namespace
}  // namespace sluice::policy
