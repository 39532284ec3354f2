#include "policy/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::policy {
namespace {

using ast::Dialect;
using ::testing::ElementsAre;

ParseOptions WithDialect(Dialect dialect) {
  ParseOptions options;
  options.dialect = dialect;
  return options;
}

ast::Module MustParse(std::string_view text, const ParseOptions& options = {}) {
  Result<ast::Module> m = ParseModule("test.rego", text, options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : ast::Module{};
}

// "kind: rule" for every rule.
std::vector<std::string> Rules(std::string_view text, const ParseOptions& options = {}) {
  std::vector<std::string> out;
  for (const ast::Rule& r : MustParse(text, options).rules) {
    out.push_back(std::string(ast::RuleKindName(r.head.kind)) + ": " + ast::ToString(r));
  }
  return out;
}

std::string Query(std::string_view text, const ParseOptions& options = {}) {
  Result<ast::Query> q = ParseQuery("query", text, options);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return q.ok() ? ast::ToString(q->body) : "";
}

std::string QueryError(std::string_view text, const ParseOptions& options = {}) {
  Result<ast::Query> q = ParseQuery("query", text, options);
  return q.ok() ? "ok" : q.status().message();
}

// The operator of the query's only expression ("eq", "internal.member_2", ...).
std::string OperatorOf(std::string_view text) {
  Result<ast::Query> q = ParseQuery("query", text);
  if (!q.ok() || q->body.size() != 1) return "?";
  const ast::Call* call = q->body[0].get_if<ast::Call>();
  return call == nullptr ? "-" : ast::OperatorName(*call);
}

constexpr std::string_view kTutorialV0 = R"(package main

allow {
  input.accuracy >= 0.9
}

deny[msg] {
  input.accuracy < 0.9
  msg := sprintf("accuracy %v is below 0.9", [input.accuracy])
}
)";

TEST(ParserTest, ReadsTheTutorialPolicyAsV0) {
  ast::Module m = MustParse(kTutorialV0);
  EXPECT_EQ(m.dialect, Dialect::kV0);
  EXPECT_EQ(ast::ToString(m.package.path), "data.main");
  ASSERT_EQ(m.rules.size(), 2u);
  const ast::Rule& allow = m.rules[0];
  EXPECT_EQ(allow.head.kind, ast::RuleKind::kComplete);
  EXPECT_EQ(allow.head.name(), "allow");
  EXPECT_TRUE(allow.head.value_generated);
  EXPECT_EQ(ast::ToString(*allow.head.value), "true");
  EXPECT_EQ(ast::ToString(allow.body), "input.accuracy >= 0.9");
  const ast::Rule& deny = m.rules[1];
  EXPECT_EQ(deny.head.kind, ast::RuleKind::kPartialSet);
  EXPECT_EQ(ast::ToString(deny.head.ref), "deny");
  EXPECT_EQ(ast::ToString(*deny.head.key), "msg");
  EXPECT_FALSE(deny.head.value);
  ASSERT_EQ(deny.body.size(), 2u);
  EXPECT_EQ(ast::ToString(deny.body[1]),
            "msg := sprintf(\"accuracy %v is below 0.9\", [input.accuracy])");
}

TEST(ParserTest, RejectsTheV0TutorialAsV1WithOpaMessages) {
  Result<ast::Module> m = ParseModule("policy.rego", kTutorialV0, WithDialect(Dialect::kV1));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "policy.rego:3:1: error: `if` keyword is required before rule body\n"
            "allow {\n"
            "^\n"
            "policy.rego:7:1: error: `if` keyword is required before rule body\n"
            "deny[msg] {\n"
            "^\n"
            "policy.rego:7:1: error: `contains` keyword is required for partial set rules\n"
            "deny[msg] {\n"
            "^");
}

TEST(ParserTest, V1RefHeadWithVariableIsAnObjectNotASet) {
  EXPECT_THAT(Rules("package p\ndeny[msg] if { msg := \"x\" }"),
              ElementsAre("partial object: deny[msg] if { msg := \"x\" }"));
  ast::Module m = MustParse("package p\ndeny[msg] if { msg := \"x\" }");
  EXPECT_EQ(ast::ToString(*m.rules[0].head.key), "msg");
  EXPECT_EQ(ast::ToString(*m.rules[0].head.value), "true");
  EXPECT_THAT(Rules("package p\ndeny contains msg if { msg := \"x\" }"),
              ElementsAre("partial set: deny contains msg if { msg := \"x\" }"));
}

TEST(ParserTest, ClassifiesRuleForms) {
  EXPECT_THAT(
      Rules(R"(package p
import rego.v1
a := 1
b = 2
c if input.x
d := x if { x := 1 }
e.f.g := 3
h[k] := v if { some k, v in input }
i["k"] := 1
j[x].y := 1 if { x := 1 }
s contains x if { some x in [1] }
t.u contains 1
f(x) := y if { y := x }
g(x) if x > 1
default a := 0
default f(_) := 0
)"),
      ElementsAre("complete: a := 1", "complete: b = 2", "complete: c if { input.x }",
                  "complete: d := x if { x := 1 }", "complete: e.f.g := 3",
                  "partial object: h[k] := v if { some k, v in input }", "complete: i.k := 1",
                  "partial object: j[x].y := 1 if { x := 1 }",
                  "partial set: s contains x if { some x in [1] }", "partial set: t.u contains 1",
                  "function: f(x) := y if { y := x }", "function: g(x) if { x > 1 }",
                  "complete: default a := 0", "function: default f($0) := 0"));
}

TEST(ParserTest, ReadsV0RuleForms) {
  EXPECT_THAT(
      Rules(R"(package p
p[x] { x := 1 }
q[k] = v { k := "a"; v := 1 }
r = 1 { true }
s["a"] { true }
t[1]
u.v
w.x.y
f(x) = y { y := x }
g(1)
default z = false
)",
            WithDialect(Dialect::kV0)),
      ElementsAre("partial set: p contains x if { x := 1 }",
                  "partial object: q[k] = v if { k := \"a\"; v := 1 }",
                  "complete: r = 1 if { true }", "partial set: s contains \"a\" if { true }",
                  "partial set: t contains 1", "partial set: u contains \"v\"", "complete: w.x.y",
                  "function: f(x) = y if { y := x }", "function: g(1) = true",
                  "complete: default z = false"));
}

TEST(ParserTest, V0KeywordsNeedFutureImports) {
  // Without imports, `in`, `if`, `contains` and `every` are names in v0.
  EXPECT_THAT(
      Rules("package p\nx := contains(\"abc\", \"b\")\nin := 1\nif = 2", WithDialect(Dialect::kV0)),
      ElementsAre("complete: x := contains(\"abc\", \"b\")", "complete: in := 1",
                  "complete: if = 2"));
  EXPECT_THAT(
      Rules("package p\nimport future.keywords.in\np { 1 in [1] }", WithDialect(Dialect::kV0)),
      ElementsAre("complete: p if { 1 in [1] }"));
  ast::Module m = MustParse("package p\nimport future.keywords\np if { every x in [1] { x } }",
                            WithDialect(Dialect::kV0));
  EXPECT_EQ(m.dialect, Dialect::kV0);
  EXPECT_TRUE(m.keywords.has(ast::FutureKeyword::kEvery));
  EXPECT_FALSE(m.keywords.has(ast::FutureKeyword::kNot));
  // `import rego.v1` in a v0 module turns keywords and the v1 rules on.
  m = MustParse("package p\nimport rego.v1\np contains 1 if true", WithDialect(Dialect::kV0));
  EXPECT_TRUE(m.imports_rego_v1);
  EXPECT_FALSE(
      ParseModule("x.rego", "package p\nimport rego.v1\np[1] { true }", WithDialect(Dialect::kV0))
          .ok());
}

TEST(ParserTest, AutoDialectPrefersV1) {
  EXPECT_EQ(MustParse("package p\np := 1").dialect, Dialect::kV1);
  EXPECT_EQ(MustParse("package p\np if true").dialect, Dialect::kV1);
  EXPECT_EQ(MustParse("package p\np { true }").dialect, Dialect::kV0);
  EXPECT_EQ(MustParse("package p\nx := in").dialect, Dialect::kV0);
  EXPECT_EQ(MustParse("package p\nimport rego.v1\np if true").dialect, Dialect::kV1);
  // When both fail, the v0 errors are shown for a v0-looking module ...
  Result<ast::Module> m = ParseModule("x.rego", "package p\np { true }\nq[x] { x := }");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "x.rego:3:13: error: unexpected } token\nq[x] { x := }\n            ^");
  // ... and the v1 ones otherwise.
  m = ParseModule("x.rego", "package p\np if { x := }");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "x.rego:2:13: error: unexpected } token\np if { x := }\n            ^");
}

TEST(ParserTest, ElseChains) {
  ast::Module m = MustParse(R"(package p
p := 1 if { input.a } else := 2 if { input.b } else = 3 if input.c else := 4
f(x) := "a" if x == 1 else := "b"
q if { false } else if { true }
)",
                            WithDialect(Dialect::kV1));
  ASSERT_EQ(m.rules.size(), 3u);
  const ast::Rule& p = m.rules[0];
  ASSERT_EQ(p.else_chain.size(), 3u);
  EXPECT_EQ(ast::ToString(p.else_chain[0].value), "2");
  EXPECT_TRUE(p.else_chain[0].assign);
  EXPECT_FALSE(p.else_chain[1].assign);
  EXPECT_EQ(ast::ToString(p.else_chain[1].body), "input.c");
  EXPECT_TRUE(p.else_chain[2].body_generated);
  EXPECT_EQ(p.else_chain[2].location.text(), "else := 4");
  EXPECT_EQ(m.rules[1].head.kind, ast::RuleKind::kFunction);
  EXPECT_EQ(ast::ToString(m.rules[1].else_chain[0].value), "\"b\"");
  // `else { ... }` without `if` is a v1 error; its value is true.
  Result<ast::Module> bad =
      ParseModule("x.rego", "package p\nq if { false } else { true }", WithDialect(Dialect::kV1));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              ::testing::HasSubstr("2:16: error: `if` keyword is required"));
  ast::Module v0 = MustParse("package p\nq { false } else { true }", WithDialect(Dialect::kV0));
  EXPECT_TRUE(v0.rules[0].else_chain[0].value_generated);
  EXPECT_EQ(ast::ToString(v0.rules[0].else_chain[0].value), "true");
}

TEST(ParserTest, RejectsElseWhereOpaDoes) {
  EXPECT_THAT(QueryError(""), ::testing::HasSubstr("empty query"));
  Result<ast::Module> m = ParseModule("x.rego", "package p\np[x] := 1 if { x := 1 } else := 2",
                                      WithDialect(Dialect::kV1));
  EXPECT_THAT(m.status().message(),
              ::testing::HasSubstr("else keyword cannot be used on rules with variables in head"));
  m = ParseModule("x.rego", "package p\np[\"a\"] { true } else { true }",
                  WithDialect(Dialect::kV0));
  EXPECT_THAT(m.status().message(),
              ::testing::HasSubstr("else keyword cannot be used on multi-value rules"));
}

TEST(ParserTest, SeveralBodiesMakeSeveralRules) {
  ast::Module m = MustParse("package p\np { input.a } { input.b }\nf(_) { true } { false }",
                            WithDialect(Dialect::kV0));
  ASSERT_EQ(m.rules.size(), 4u);
  EXPECT_EQ(ast::ToString(m.rules[1]), "p if { input.b }");
  EXPECT_EQ(m.rules[1].location.text(), "{ input.b }");
  // Each copy of a function head gets its own wildcard.
  EXPECT_EQ(ast::ToString(m.rules[2].head.args[0]), "$0");
  EXPECT_EQ(ast::ToString(m.rules[3].head.args[0]), "$1");
}

TEST(ParserTest, PackagesImportsAndComments) {
  ast::Module m = MustParse(R"(# a comment
package a.b["c-d"]

import data.x.y as z
import input.foo
import future.keywords.in

# METADATA
# title: p
p := 1 # trailing
)");
  EXPECT_EQ(ast::ToString(m.package.path), "data.a.b[\"c-d\"]");
  ASSERT_EQ(m.imports.size(), 3u);
  EXPECT_EQ(ast::ToString(m.imports[0].path), "data.x.y");
  EXPECT_EQ(m.imports[0].alias, "z");
  EXPECT_EQ(m.imports[1].location.text(), "import input.foo");
  ASSERT_EQ(m.comments.size(), 4u);
  EXPECT_EQ(m.comments[1].text, " METADATA");
  EXPECT_EQ(m.comments[3].location.line, 10);
  EXPECT_EQ(m.source->file, "test.rego");
}

TEST(ParserTest, NormalisesOperatorsIntoBuiltinCalls) {
  EXPECT_EQ(OperatorOf("x = 1"), "eq");
  EXPECT_EQ(OperatorOf("x := 1"), "assign");
  EXPECT_EQ(OperatorOf("x == 1"), "equal");
  EXPECT_EQ(OperatorOf("x != 1"), "neq");
  EXPECT_EQ(OperatorOf("x < 1"), "lt");
  EXPECT_EQ(OperatorOf("x <= 1"), "lte");
  EXPECT_EQ(OperatorOf("x > 1"), "gt");
  EXPECT_EQ(OperatorOf("x >= 1"), "gte");
  EXPECT_EQ(OperatorOf("x + 1"), "plus");
  EXPECT_EQ(OperatorOf("x - 1"), "minus");
  EXPECT_EQ(OperatorOf("x * 1"), "mul");
  EXPECT_EQ(OperatorOf("x / 1"), "div");
  EXPECT_EQ(OperatorOf("x % 1"), "rem");
  EXPECT_EQ(OperatorOf("x & y"), "and");
  EXPECT_EQ(OperatorOf("x | y"), "or");
  EXPECT_EQ(OperatorOf("x in y"), "internal.member_2");
  EXPECT_EQ(OperatorOf("k, v in y"), "internal.member_3");
  EXPECT_EQ(OperatorOf("count(x)"), "count");
  EXPECT_EQ(OperatorOf("data.lib.f(x)"), "data.lib.f");
  EXPECT_EQ(OperatorOf("x"), "-");
}

TEST(ParserTest, FollowsOpaPrecedence) {
  // ToString adds parentheses only where the grouping differs from the parse.
  EXPECT_EQ(Query("x := 1 + 2 * 3 - 4"), "x := 1 + 2 * 3 - 4");
  EXPECT_EQ(Query("x := (1 + 2) * 3"), "x := (1 + 2) * 3");
  EXPECT_EQ(Query("x := 1 - (2 - 3)"), "x := 1 - (2 - 3)");
  EXPECT_EQ(Query("x := (1 - 2) - 3"), "x := 1 - 2 - 3");
  EXPECT_EQ(Query("a | b & c == d"), "a | b & c == d");
  EXPECT_EQ(Query("(a | b) & c"), "(a | b) & c");
  EXPECT_EQ(Query("a == b == c"), "a == b == c");
  // `in` binds loosest: this is x in (xs == true).
  EXPECT_EQ(OperatorOf("x in xs == true"), "internal.member_2");
  EXPECT_EQ(Query("(x in xs) == true"), "(x in xs) == true");
  EXPECT_EQ(Query("x := -1 - -2"), "x := -1 - -2");
  EXPECT_FALSE(ParseTerm("t", "1 + 2 * 3").ok());  // a call, not a term (as OPA)
  Result<ast::Query> q = ParseQuery("q", "x := 1 + 2 * 3");
  ASSERT_TRUE(q.ok());
  const ast::Call* plus = q->body[0].get_if<ast::Call>()->terms[2].get_if<ast::Call>();
  ASSERT_NE(plus, nullptr);
  EXPECT_EQ(ast::OperatorName(*plus), "plus");
  EXPECT_EQ(plus->terms[2].location.text(), "2 * 3");
}

TEST(ParserTest, WhitespaceMattersLikeInOpa) {
  EXPECT_EQ(Query("f(x)"), "f(x)");
  // `f (x)`: a var followed by a parenthesised term on the same line.
  EXPECT_THAT(QueryError("p if { f (x) }"), ::testing::HasSubstr("unexpected"));
  EXPECT_EQ(Query("x := a\n[1] = y"), "x := a; [1] = y");
  EXPECT_EQ(Query("x := a[1]"), "x := a[1]");
  // A line break ends an expression, but not inside an operator or brackets.
  EXPECT_EQ(Query("x := [1,\n2]\ny := 1 +\n2"), "x := [1, 2]; y := 1 + 2");
  EXPECT_EQ(Query("x := 1\n+ 2"), "x := 1 + 2");  // OPA continues here too
  EXPECT_EQ(Query("a; b\nc"), "a; b; c");
  ast::Module m = MustParse("package p\np [x] { x := 1 }", WithDialect(Dialect::kV0));
  EXPECT_EQ(m.rules[0].head.kind, ast::RuleKind::kPartialSet);  // heads allow `p [x]`
}

TEST(ParserTest, SomeEveryInAndWith) {
  EXPECT_EQ(Query("some x, y"), "some x, y");
  EXPECT_EQ(Query("some x in xs"), "some x in xs");
  EXPECT_EQ(Query("some k, v in {\"a\": 1}"), "some k, v in {\"a\": 1}");
  EXPECT_EQ(Query("every x in xs { x > 0 }"), "every x in xs { x > 0 }");
  EXPECT_EQ(Query("every k, v in xs { v > k }"), "every k, v in xs { v > k }");
  EXPECT_EQ(Query("not x in xs"), "not x in xs");
  EXPECT_EQ(Query("x := input with input as {} with data.f as g"),
            "x := input with input as {} with data.f as g");
  Result<ast::Query> q = ParseQuery("q", "every k, v in xs { true }");
  const ast::Every* every = q->body[0].get_if<ast::Every>();
  ASSERT_NE(every, nullptr);
  EXPECT_EQ(ast::ToString(*every->key), "k");
  EXPECT_EQ(ast::ToString(every->domain), "xs");
  q = ParseQuery("q", "some x in xs");
  const ast::SomeDecl* some = q->body[0].get_if<ast::SomeDecl>();
  ASSERT_NE(some, nullptr);
  ASSERT_EQ(some->symbols.size(), 1u);
  EXPECT_EQ(ast::OperatorName(*some->symbols[0].get_if<ast::Call>()), "internal.member_2");
  q = ParseQuery("q", "f(x) with f as g with input.a.b as 1");
  ASSERT_EQ(q->body[0].with.size(), 2u);
  EXPECT_EQ(ast::ToString(q->body[0].with[1].target), "input.a.b");
  EXPECT_EQ(q->body[0].with[1].location.text(), "with input.a.b as 1");
}

TEST(ParserTest, CompositesAndComprehensions) {
  EXPECT_EQ(Query("x := [1, \"a\", null, true, {}, set(), {1}, {\"k\": [2]}]"),
            "x := [1, \"a\", null, true, {}, set(), {1}, {\"k\": [2]}]");
  EXPECT_EQ(Query("x := [y | y := input[_]]"), "x := [y | y := input[$0]]");
  EXPECT_EQ(Query("x := {y | y := 1}"), "x := {y | y := 1}");
  EXPECT_EQ(Query("x := {k: v | some k, v in input}"), "x := {k: v | some k, v in input}");
  EXPECT_EQ(Query("x := {k + 1: v | k := 1; v := 2}"), "x := {k + 1: v | k := 1; v := 2}");
  // `|` is set union where no comprehension body follows.
  EXPECT_EQ(Query("x := {a | b, c}"), "x := {a | b, c}");
  Result<ast::Query> q = ParseQuery("q", "x := {a | b, c}");
  const ast::Call* assign = q->body[0].get_if<ast::Call>();
  EXPECT_EQ(assign->terms[2].kind(), ast::TermKind::kSet);
  EXPECT_EQ(Query("x := [a | b, c]"), "x := [a | b, c]");
  EXPECT_EQ(Query("x := {\"a\": 1 | 2, \"b\": 3}"), "x := {\"a\": 1 | 2, \"b\": 3}");
  EXPECT_EQ(Query("x := [1, 2,]"), "x := [1, 2]");
  EXPECT_EQ(Query("x := [a + 1, b]"), "x := [a + 1, b]");
  EXPECT_EQ(Query("x := {a + 1, b}"), "x := {a + 1, b}");
  EXPECT_EQ(Query("x := {a: b + 1}"), "x := {a: b + 1}");
  EXPECT_EQ(Query("x := [1][0]"), "x := [1][0]");
  EXPECT_EQ(Query("x := {\"a\": 1}.a"), "x := {\"a\": 1}.a");
  EXPECT_EQ(Query("x := f(1).y[0]"), "x := f(1).y[0]");
}

TEST(ParserTest, ScalarsKeepTheirSourceForm) {
  ast::ParsedTerm t =
      std::move(ParseTerm("t", "[-1.50e+3, .5, -.25, 0.0, 1e400, 12345678901234567890123]"))
          .value();
  const ast::Array* a = t.term.get_if<ast::Array>();
  ASSERT_NE(a, nullptr);
  std::vector<std::string> texts;
  for (const ast::Term& item : a->items) texts.push_back(item.get_if<ast::Number>()->text);
  EXPECT_THAT(texts,
              ElementsAre("-1.50e+3", ".5", "-.25", "0.0", "1e400", "12345678901234567890123"));
  t = std::move(ParseTerm("t", R"(["a\tb", `c\td`])")).value();
  EXPECT_EQ(t.term.get_if<ast::Array>()->items[0].get_if<ast::String>()->value, "a\tb");
  EXPECT_EQ(t.term.get_if<ast::Array>()->items[1].get_if<ast::String>()->value, "c\\td");
  EXPECT_THAT(QueryError("x := 01"), ::testing::HasSubstr("expected number without leading zero"));
  EXPECT_THAT(QueryError("x := 1e99999"), ::testing::HasSubstr("number too big"));
  EXPECT_THAT(QueryError("x := -y"), ::testing::HasSubstr("expected number"));
}

TEST(ParserTest, TemplateStrings) {
  Result<ast::Query> q = ParseQuery("q", R"(x := $"Hello {input.name}, {1} {{"a"}}!")");
  ASSERT_TRUE(q.ok()) << q.status().message();
  const ast::Term& t = q->body[0].get_if<ast::Call>()->terms[2];
  const ast::TemplateString* ts = t.get_if<ast::TemplateString>();
  ASSERT_NE(ts, nullptr);
  EXPECT_FALSE(ts->raw);
  ASSERT_EQ(ts->parts.size(), 7u);
  EXPECT_EQ(std::get<ast::Term>(ts->parts[0].value).get_if<ast::String>()->value, "Hello ");
  EXPECT_EQ(ast::ToString(std::get<ast::Expr>(ts->parts[1].value)), "input.name");
  EXPECT_EQ(ast::ToString(std::get<ast::Term>(ts->parts[3].value)), "1");  // scalars stay terms
  EXPECT_EQ(ast::ToString(std::get<ast::Expr>(ts->parts[5].value)), "{\"a\"}");
  EXPECT_EQ(t.location.text(), R"($"Hello {input.name}, {1} {{"a"}}!")");
  q = ParseQuery("q", "x := $`multi\nline {y} \\{z}`");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->body[0].get_if<ast::Call>()->terms[2].get_if<ast::TemplateString>()->raw);
  EXPECT_THAT(QueryError(R"(x := $"{y := 1}")"),
              ::testing::HasSubstr("unexpected assignment (':=') in template-string expression"));
  EXPECT_THAT(QueryError(R"(x := $"{not y}")"),
              ::testing::HasSubstr("unexpected negation ('not') in template-string expression"));
  EXPECT_THAT(QueryError(R"(x := $"{y")"), ::testing::HasSubstr("expected } to end template"));
}

TEST(ParserTest, KeywordsInRefs) {
  EXPECT_THAT(
      Rules(R"(package p
p if {
  as.foo == 1
  data.foo.if.contains == 2
  not.x[1]
}
else.foo := 1
default.bar := 2
import.baz := 3
)"),
      ElementsAre("complete: p if { as.foo == 1; data.foo[\"if\"][\"contains\"] == 2; not.x[1] }",
                  "complete: else.foo := 1", "complete: default.bar := 2",
                  "complete: import.baz := 3"));
}

TEST(ParserTest, WildcardsAndGeneratedNames) {
  EXPECT_EQ(Query("x := input[_][_]"), "x := input[$0][$1]");
  EXPECT_EQ(Query("__local0__ = 1; __localq1__ = 2"), "__local0__ = 1; __localq1__ = 2");
}

TEST(ParserTest, RecordsLocations) {
  ast::Module m = MustParse("package p\n\nallow if {\n\tinput.x == 1\n}\n");
  const ast::Rule& r = m.rules[0];
  EXPECT_EQ(r.location.line, 3);
  EXPECT_EQ(r.location.column, 1);
  EXPECT_EQ(r.location.file(), "test.rego");
  const ast::Expr& e = r.body[0];
  EXPECT_EQ(e.location.line, 4);
  EXPECT_EQ(e.location.column, 2);
  EXPECT_EQ(e.location.text(), "input.x == 1");
  EXPECT_EQ(e.location.ToSourceLocation().ToString(), "test.rego:4:2");
  const ast::Call* call = e.get_if<ast::Call>();
  EXPECT_EQ(call->terms[0].location.text(), "==");
  EXPECT_EQ(call->terms[1].location.text(), "input.x");
  EXPECT_EQ(call->terms[1].get_if<ast::Ref>()->terms[1].location.text(), "x");
  // Query expressions keep their text, as `opa eval` shows it.
  Result<ast::Query> q = ParseQuery("q", "data.p.q = x;  y := 2 # c");
  EXPECT_EQ(q->body[0].location.text(), "data.p.q = x");
  EXPECT_EQ(q->body[1].location.text(), "y := 2");
  EXPECT_EQ(q->body[1].location.column, 16);
}

TEST(ParserTest, ParsesStandaloneTerms) {
  Result<ast::ParsedTerm> t = ParseTerm("input_term", "{\"x\": {1, 2}, \"y\": [set()]}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ast::ToString(t->term), "{\"x\": {1, 2}, \"y\": [set()]}");
  EXPECT_TRUE(ast::IsGround(t->term));
  EXPECT_FALSE(ParseTerm("t", "x = 1").ok());
  EXPECT_FALSE(ParseTerm("t", "1; 2").ok());
  EXPECT_FALSE(ParseTerm("t", "not x").ok());
  EXPECT_FALSE(ParseTerm("t", "").ok());
}

TEST(ParserTest, DataAndInputAreAlwaysRefs) {
  Result<ast::ParsedTerm> t = ParseTerm("t", "input");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->term.kind(), ast::TermKind::kRef);
  t = ParseTerm("t", "[data, x]");
  EXPECT_EQ(t->term.get_if<ast::Array>()->items[0].kind(), ast::TermKind::kRef);
  EXPECT_EQ(t->term.get_if<ast::Array>()->items[1].kind(), ast::TermKind::kVar);
}

TEST(ParserTest, ExperimentalLogicOperators) {
  ParseOptions options;
  options.experimental_keywords = true;
  ast::Module m = MustParse(R"(package p
import future.keywords.and
import future.keywords.or
p if {
  input.a or input.b and input.c or input.d
  { a := 1; a > 0 } and not { b }
  x > 0 and y > 0 with input as {}
}
)",
                            options);
  const ast::Body& body = m.rules[0].body;
  ASSERT_EQ(body.size(), 3u);
  const ast::Logical* ors = body[0].get_if<ast::Logical>();
  ASSERT_NE(ors, nullptr);
  EXPECT_EQ(ors->op, ast::LogicalOp::kOr);
  ASSERT_EQ(ors->operands.size(), 3u);
  EXPECT_EQ(ast::ToString(ors->operands[1]), "input.b and input.c");
  const ast::Logical* ands = body[1].get_if<ast::Logical>();
  ASSERT_NE(ands, nullptr);
  EXPECT_EQ(ast::ToString(ands->operands[0]), "a := 1; a > 0");  // a block's own body
  EXPECT_TRUE(ands->operands[1][0].negated);
  EXPECT_EQ(body[2].with.size(), 1u);  // `with` applies to the whole expression
  // Without the import the words are names; without the option the import fails.
  EXPECT_FALSE(ParseModule("x.rego", "package p\nimport future.keywords.and\n").ok());
  EXPECT_EQ(Query("and := 1"), "and := 1");
}

TEST(ParserTest, FutureNotBlocks) {
  ParseOptions options;
  options.future_keywords = {"not"};
  EXPECT_EQ(Query("not { a; b }", options), "not { a; b }");
  EXPECT_EQ(Query("not {1, 2}", options), "not {1, 2}");  // still a set
  ast::Module m = MustParse("package p\nimport future.keywords.not\np if not input.x");
  EXPECT_TRUE(m.keywords.has(ast::FutureKeyword::kNot));
  EXPECT_FALSE(ParseQuery("q", "x",
                          [] {
                            ParseOptions o;
                            o.future_keywords = {"bogus"};
                            return o;
                          }())
                   .ok());
}

TEST(ParserTest, ModuleLevelBuiltinCallsNeedTheBuiltinList) {
  ParseOptions options;
  options.is_builtin = [](std::string_view name) { return name == "count"; };
  Result<ast::Module> m = ParseModule("x.rego", "package p\ncount(1)", options);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), ::testing::HasSubstr("rule name conflicts with built-in"));
  EXPECT_EQ(MustParse("package p\ncount(1)").rules[0].head.kind, ast::RuleKind::kFunction);
}

TEST(ParserTest, AppendsDiagnostics) {
  DiagnosticList diags;
  Result<ast::Module> m = ParseModule("x.rego", "package p\np if {", {}, &diags);
  ASSERT_FALSE(m.ok());
  ASSERT_EQ(diags.error_count(), 1);
  EXPECT_EQ(diags.items()[0].location.ToString(), "x.rego:2:7");
  EXPECT_EQ(diags.items()[0].message, "unexpected eof token");
}

}  // namespace
}  // namespace sluice::policy
