// The recursive-descent parser behind parser.h (internal to src/policy).
//
// It walks the token vector from lexer.h and mirrors the structure of OPA's
// parser (v1/ast/parser.go) so its behaviour can be compared rule by rule:
// speculative parses save and restore the position, the error list and the
// wildcard counter (State), functions return nullopt after recording an
// error (or, where OPA returns nil without one, to let the caller try
// another reading). Unlike OPA it never re-parses a term just to continue it
// with infix operators: the *From() functions take the already parsed
// leftmost operand instead, so nested literals parse in linear time.
//
// One Parser parses one text once; it is not reusable or thread-safe.
// Split over parser.cc (API, helpers), parse_module.cc (statements, package,
// imports), parse_rule.cc (rules), parse_expr.cc (bodies, literals, some /
// every / with / and / or), parse_term.cc (operators, scalars, refs) and
// parse_composite.cc (arrays, sets, objects, comprehensions).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/ast.h"
#include "policy/lexer.h"
#include "policy/parser.h"

namespace sluice::policy::internal {

using lexer::Token;
using lexer::TokenKind;
using lexer::Word;

struct ParseError {
  int line = 0;
  int column = 0;
  std::string message;
};

class Parser {
 public:
  // `tokens` must end with kEnd; `source` must outlive the parser.
  Parser(const ast::Source* source, const std::vector<Token>* tokens, ast::Dialect dialect,
         const ParseOptions& options);

  // Enables future keywords from ParseOptions::future_keywords; false (with
  // an error) for an unknown one.
  bool ApplyOptionKeywords();

  // Fills everything but `source` and `comments`; nullopt when errors().
  std::optional<ast::Module> ParseModuleBody();
  std::optional<ast::Body> ParseQueryText();

  const std::vector<ParseError>& errors() const { return errors_; }
  // True when an error is one of the v1-only rules (missing `if` / `contains`).
  bool failed_on_v1_rule() const { return failed_on_v1_rule_; }

 private:
  struct State {
    size_t pos;
    size_t errors;
    int wildcard;
    size_t forced_ident;
  };
  using TermOpt = std::optional<ast::Term>;
  using ExprOpt = std::optional<ast::Expr>;

  // ---- tokens, keywords, locations, errors (parser.cc)
  const Token& tok() const { return (*tokens_)[pos_]; }
  const Token& Peek(size_t ahead = 1) const;
  void Next() {
    if (tok().kind != TokenKind::kEnd) ++pos_;
  }
  bool At(TokenKind kind) const { return tok().kind == kind; }
  State Save() const { return {pos_, errors_.size(), wildcard_, forced_ident_}; }
  void Restore(const State& s);

  // Whether `word` is a keyword at this point (dialect and imports so far).
  bool KeywordEnabled(Word word) const;
  // The token is a word that is a keyword here (and not forced to be an identifier).
  bool IsKeywordToken(const Token& t, size_t pos) const;
  // The current token is the keyword `word`.
  bool AtKeyword(Word word) const {
    return tok().word == word && word != Word::kNone && IsKeywordToken(tok(), pos_);
  }
  // The current token is an identifier (a non-keyword word, or a keyword forced to be one).
  bool AtIdent() const;
  // OPA's scanAheadRef: a keyword directly followed by `.` or `[` starts a
  // ref (`else.foo`, `not[x]`); it is then read as an identifier.
  bool ScanAheadRef();

  ast::Location Loc(const Token& t) const;
  ast::Location Span(const Token& start, uint32_t end) const;
  ast::Location SpanFrom(const ast::Location& start, uint32_t end) const;
  uint32_t LastEnd() const { return pos_ == 0 ? 0 : (*tokens_)[pos_ - 1].end; }

  void Error(int line, int column, std::string message);
  void Error(const Token& at, std::string message) {
    Error(at.line, at.column, std::move(message));
  }
  void Error(const ast::Location& at, std::string message) {
    Error(at.line, at.column, std::move(message));
  }
  // "unexpected X token[: note]" at the current token.
  void Illegal(std::string_view note = "");
  bool Enter();
  void Leave() { --depth_; }
  // After a limit was hit, makes its error the only one; returns whether one was.
  bool KeepLimitError();

  // ---- modules (parse_module.cc) and rules (parse_rule.cc)
  std::optional<ast::Package> ParsePackage();
  std::optional<ast::Import> ParseImport();
  void ApplyRegoImport(const ast::Import& imp, ast::Module* module);
  void ApplyFutureImport(const ast::Import& imp);
  // nullopt without a new error: not a rule, try a body.
  std::optional<std::vector<ast::Rule>> ParseRules();
  bool ParseHead(bool is_default, ast::RuleHead* head, bool* uses_contains);
  TermOpt ParseHeadFinish(ast::Term head);
  bool ParseElse(std::vector<ast::ElseClause>* out);
  bool ValidateDefaultRule(const ast::Rule& rule);
  std::optional<ast::Rule> RuleFromBody(ast::Body body);
  std::optional<ast::Rule> RuleFromEq(const ast::Expr& expr, const ast::Call& call);
  void Classify(ast::Rule* rule) const;
  void CheckV1(const ast::Rule& rule);

  // ---- bodies and literals (parse_expr.cc)
  std::optional<ast::Body> ParseBody(TokenKind end);
  std::optional<ast::Body> ParseQuery(bool require_semicolon, TokenKind end);
  ExprOpt ParseLiteral();
  ExprOpt ParseSimpleLiteral();
  ExprOpt ParseLiteralExpr(bool negated, bool with_allowed);
  ExprOpt ParseExpr();
  bool ParseWith(std::vector<ast::With>* out);
  ExprOpt ParseSome();
  ExprOpt ParseEvery();
  bool LogicalSyntax() const;
  ExprOpt ParseLogicalLiteral();
  ExprOpt ParseLogical(ast::LogicalOp op, bool first_is_operand);
  ExprOpt ParseLogicalUnit(bool is_operand);

  // ---- terms (parse_term.cc; lists and composites in parse_composite.cc)
  TermOpt ParseTermInfixCall();        // keyVal: `k, v in xs` allowed
  TermOpt ParseTermInfixCallInList();  // inside [...], {...}, (...)
  // Continues an infix term whose leftmost primary is already parsed.
  TermOpt ParseTermInfixCallInListFrom(ast::Term first);
  TermOpt ParseTermIn(std::optional<ast::Term>* first, bool key_value);
  // Operators binding at least as tightly as `min_precedence` (1: all).
  TermOpt ParseBinary(std::optional<ast::Term>* first, int min_precedence);
  ast::Term MakeCall(const Token& op_token, std::string_view op_name, ast::Term lhs,
                     ast::Term rhs) const;
  TermOpt ParseTerm();
  TermOpt ParseTermFinish(ast::Term head);
  TermOpt ParseRef(ast::Term head, bool first_may_follow_space);
  TermOpt ParseCall(ast::Term op, const ast::Location& start);
  bool ParseTermList(TokenKind end, std::vector<ast::Term>* out);
  bool ParseTermPairList(TokenKind end, std::vector<ast::ObjectItem>* out);
  TermOpt ParseArray();
  TermOpt ParseSetOrObject();
  TermOpt ParseSet(const State& s, ast::Term head, bool potential_comprehension, const Token& open);
  TermOpt ParseObject(ast::Term key, bool potential_comprehension, const Token& open);
  TermOpt ParseObjectFinish(ast::Term* key, ast::Term* value, bool potential_comprehension,
                            const Token& open);
  TermOpt ParseNumber();
  TermOpt ParseTemplateString();
  ast::Term ParseVar();  // the current identifier; `_` becomes a fresh "$N"
  ast::Var NewWildcard();

  const ast::Source* source_;
  const std::vector<Token>* tokens_;
  ast::Dialect dialect_;
  const ParseOptions& options_;
  ast::KeywordSet keywords_;
  size_t pos_ = 0;
  std::vector<ParseError> errors_;
  int wildcard_ = 0;
  size_t forced_ident_ = static_cast<size_t>(-1);
  int depth_ = 0;
  // Enter() calls so far and their budget: the speculative parses (is `[x |`
  // a comprehension or a union?) re-read nested text, and on crafted input
  // that would take exponential time.
  size_t work_ = 0;
  size_t work_budget_;
  // Set when the depth or work limit is hit: parsing then stops and this is
  // the one error reported.
  std::optional<ParseError> limit_error_;
  bool failed_on_v1_rule_ = false;
};

// ---- small helpers shared by the parser's files

// A keyword of Rego v1 (OPA's IsKeywordInRegoVersion(.., RegoV1)).
inline bool IsV1Keyword(std::string_view name) {
  lexer::Word w = lexer::ClassifyWord(name);
  return w != lexer::Word::kNone && w != lexer::Word::kAnd && w != lexer::Word::kOr;
}

inline const std::string* StringPart(const ast::Term& t) {
  const ast::String* s = t.get_if<ast::String>();
  return s == nullptr ? nullptr : &s->value;
}

inline bool RefIsGroundAfterHead(const ast::Ref& ref) {
  for (size_t i = 1; i < ref.terms.size(); ++i) {
    if (!ast::IsGround(ref.terms[i])) return false;
  }
  return true;
}

inline ast::Term TrueTerm(const ast::Location& loc) { return ast::MakeBoolean(true, loc); }

inline ast::Expr TrueExpr(const ast::Location& loc) {
  ast::Expr e;
  e.location = loc;
  e.generated = true;
  e.value = TrueTerm(loc);
  return e;
}

// Builtin operator names the parser produces.
inline constexpr std::string_view kMember2 = "internal.member_2";
inline constexpr std::string_view kMember3 = "internal.member_3";

}  // namespace sluice::policy::internal
