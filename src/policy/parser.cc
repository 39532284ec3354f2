// Parser API, and the parser's token, keyword and error helpers.
#include "policy/parser.h"

#include <algorithm>
#include <memory>

#include "policy/parser_internal.h"

namespace sluice::policy {
namespace internal {

using ast::Location;

namespace {

// Nesting limit: terms and bodies inside each other (`[[1]]` is 2 levels,
// `[x | [y | true]]` 4). A level costs up to about 3 KB of stack in an
// optimised build (some ten frames), so deep input fails cleanly well
// within even a 2 MB thread stack instead of overflowing it; real policies
// nest a few dozen levels at most. (OPA allows 100000, with Go's growable
// stacks.)
constexpr int kMaxDepth = 250;
constexpr size_t kWorkPerToken = 64;
constexpr char kDepthError[] = "max parsing recursion depth exceeded";
constexpr char kWorkError[] = "text too complex to parse (nested comprehension fallbacks)";

}  // namespace

Parser::Parser(const ast::Source* source, const std::vector<Token>* tokens, ast::Dialect dialect,
               const ParseOptions& options)
    : source_(source),
      tokens_(tokens),
      dialect_(dialect),
      options_(options),
      work_budget_(tokens->size() * kWorkPerToken + 10000) {
  if (dialect_ == ast::Dialect::kV1) {
    keywords_.add(ast::FutureKeyword::kIn);
    keywords_.add(ast::FutureKeyword::kEvery);
    keywords_.add(ast::FutureKeyword::kIf);
    keywords_.add(ast::FutureKeyword::kContains);
  }
}

bool Parser::ApplyOptionKeywords() {
  for (const std::string& word : options_.future_keywords) {
    std::optional<ast::FutureKeyword> kw = ast::KeywordSet::FromName(word);
    bool experimental = kw == ast::FutureKeyword::kAnd || kw == ast::FutureKeyword::kOr;
    if (!kw || (experimental && !options_.experimental_keywords)) {
      Error(0, 0, "unknown future keyword: " + word);
      return false;
    }
    keywords_.add(*kw);
    if (*kw == ast::FutureKeyword::kEvery) keywords_.add(ast::FutureKeyword::kIn);
  }
  return true;
}

const Token& Parser::Peek(size_t ahead) const {
  size_t i = std::min(pos_ + ahead, tokens_->size() - 1);
  return (*tokens_)[i];
}

void Parser::Restore(const State& s) {
  pos_ = s.pos;
  errors_.resize(std::min(errors_.size(), s.errors));
  wildcard_ = s.wildcard;
  forced_ident_ = s.forced_ident;
}

bool Parser::KeywordEnabled(Word word) const {
  switch (word) {
    case Word::kNone:
      return false;
    case Word::kIn:
      return keywords_.has(ast::FutureKeyword::kIn);
    case Word::kEvery:
      return keywords_.has(ast::FutureKeyword::kEvery);
    case Word::kIf:
      return keywords_.has(ast::FutureKeyword::kIf);
    case Word::kContains:
      return keywords_.has(ast::FutureKeyword::kContains);
    case Word::kAnd:
      return keywords_.has(ast::FutureKeyword::kAnd);
    case Word::kOr:
      return keywords_.has(ast::FutureKeyword::kOr);
    default:
      return true;  // `not` is always a keyword; kNot only changes what it means
  }
}

bool Parser::IsKeywordToken(const Token& t, size_t pos) const {
  return t.kind == TokenKind::kIdent && pos != forced_ident_ && KeywordEnabled(t.word);
}

bool Parser::AtIdent() const {
  return tok().kind == TokenKind::kIdent && !IsKeywordToken(tok(), pos_);
}

bool Parser::ScanAheadRef() {
  if (!IsKeywordToken(tok(), pos_)) return false;
  const Token& next = Peek();
  if (!next.space_before && (next.kind == TokenKind::kDot || next.kind == TokenKind::kLBrack)) {
    forced_ident_ = pos_;
    return true;
  }
  return false;
}

Location Parser::Loc(const Token& t) const {
  return Location{source_, t.offset, t.end, t.line, t.column};
}

Location Parser::Span(const Token& start, uint32_t end) const {
  return Location{source_, start.offset, std::max(end, start.offset), start.line, start.column};
}

Location Parser::SpanFrom(const Location& start, uint32_t end) const {
  Location loc = start;
  loc.end = std::max(end, start.offset);
  return loc;
}

void Parser::Error(int line, int column, std::string message) {
  errors_.push_back(ParseError{line, column, std::move(message)});
}

void Parser::Illegal(std::string_view note) {
  const Token& t = tok();
  if (t.kind == TokenKind::kIllegal) {
    Error(t, t.text);
    return;
  }
  std::string msg = "unexpected ";
  if (t.kind == TokenKind::kIdent) {
    bool keyword = IsKeywordToken(t, pos_);
    msg += keyword ? t.text : "identifier";
    msg += keyword ? " keyword" : " token";
  } else if (t.kind == TokenKind::kTemplateMiddle || t.kind == TokenKind::kTemplateTail) {
    msg += "} token";  // what ends a template-string expression
  } else {
    msg += lexer::TokenName(t.kind);
    msg += " token";
  }
  if (!note.empty()) {
    msg += ": ";
    msg += note;
  }
  Error(t, std::move(msg));
}

bool Parser::Enter() {
  if (limit_error_) return false;
  const char* limit = depth_ >= kMaxDepth      ? kDepthError
                      : ++work_ > work_budget_ ? kWorkError
                                               : nullptr;
  if (limit != nullptr) {
    limit_error_ = ParseError{tok().line, tok().column, limit};
    Error(tok(), limit);
    return false;
  }
  ++depth_;
  return true;
}

bool Parser::KeepLimitError() {
  if (!limit_error_) return false;
  errors_ = {*limit_error_};
  return true;
}

}  // namespace internal

// ---- API -------------------------------------------------------------------------

namespace {

using internal::ParseError;
using internal::Parser;

Status Failure(const ast::Source& source, const std::vector<ParseError>& errors,
               DiagnosticList* diags) {
  std::string message;
  for (const ParseError& e : errors) {
    Diagnostic d;
    d.location = SourceLocation{source.file, e.line, e.column};
    d.message = e.message;
    message += FormatDiagnostic(d, source.text);
    if (diags != nullptr) diags->Add(std::move(d));
  }
  if (!message.empty() && message.back() == '\n') message.pop_back();
  return Status::InvalidArgument(std::move(message));
}

struct Attempt {
  std::optional<ast::Module> module;
  std::vector<ParseError> errors;
  bool failed_on_v1_rule = false;
};

Attempt ParseModuleAs(const ast::Source& source, const lexer::LexOutput& lexed,
                      ast::Dialect dialect, const ParseOptions& options) {
  Parser parser(&source, &lexed.tokens, dialect, options);
  Attempt a;
  if (parser.ApplyOptionKeywords()) a.module = parser.ParseModuleBody();
  a.errors = parser.errors();
  a.failed_on_v1_rule = parser.failed_on_v1_rule();
  return a;
}

}  // namespace

Result<ast::Module> ParseModule(std::string file, std::string_view text,
                                const ParseOptions& options, DiagnosticList* diags) {
  auto source = std::make_shared<ast::Source>(ast::Source{std::move(file), std::string(text)});
  lexer::LexOutput lexed = lexer::Lex(source->text, source.get());
  Attempt result;
  if (options.dialect == ast::Dialect::kAuto) {
    result = ParseModuleAs(*source, lexed, ast::Dialect::kV1, options);
    if (!result.module) {
      Attempt v0 = ParseModuleAs(*source, lexed, ast::Dialect::kV0, options);
      if (v0.module || result.failed_on_v1_rule) result = std::move(v0);
    }
  } else {
    result = ParseModuleAs(*source, lexed, options.dialect, options);
  }
  if (!result.module) return Failure(*source, result.errors, diags);
  result.module->source = source;
  result.module->comments = std::move(lexed.comments);
  return std::move(*result.module);
}

Result<ast::Query> ParseQuery(std::string file, std::string_view text, const ParseOptions& options,
                              DiagnosticList* diags) {
  auto source = std::make_shared<ast::Source>(ast::Source{std::move(file), std::string(text)});
  lexer::LexOutput lexed = lexer::Lex(source->text, source.get());
  ast::Dialect dialect =
      options.dialect == ast::Dialect::kAuto ? ast::Dialect::kV1 : options.dialect;
  Parser parser(source.get(), &lexed.tokens, dialect, options);
  std::optional<ast::Body> body;
  if (parser.ApplyOptionKeywords()) body = parser.ParseQueryText();
  if (!body) return Failure(*source, parser.errors(), diags);
  return ast::Query{source, std::move(*body)};
}

Result<ast::ParsedTerm> ParseTerm(std::string file, std::string_view text,
                                  const ParseOptions& options, DiagnosticList* diags) {
  Result<ast::Query> query = ParseQuery(std::move(file), text, options, diags);
  if (!query.ok()) return query.status();
  const ast::Source& source = *query->source;
  auto fail = [&](const ast::Location& loc, std::string message) {
    return Failure(source, {ParseError{loc.line, loc.column, std::move(message)}}, diags);
  };
  if (query->body.size() != 1) {
    return fail(query->body[1].location, "expected exactly one term");
  }
  ast::Expr& expr = query->body[0];
  ast::Term* term = expr.get_if<ast::Term>();
  if (term == nullptr || expr.negated || !expr.with.empty()) {
    return fail(expr.location, "expected term but got " + ast::ToString(expr));
  }
  return ast::ParsedTerm{query->source, std::move(*term)};
}

}  // namespace sluice::policy
