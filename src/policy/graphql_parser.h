// Internal to src/policy: the GraphQL lexer and the parser state shared by
// the query and schema grammars (graphql_parse_query.cc,
// graphql_parse_schema.cc).
//
// The error behaviour is gqlparser's, which the builtins' messages expose:
// a lexer error makes an <Invalid> token whose own message only surfaces
// when the parser consumes that token; otherwise the parser reports it as
// "Unexpected <Invalid>". After the first error the parser keeps running
// but every peek / next returns the previous token, so it winds down
// without reporting anything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/graphql.h"

namespace sluice::policy::graphql::internal {

enum class Tok {
  kInvalid, kEof, kBang, kDollar, kAmp, kParenL, kParenR, kSpread, kColon, kEquals, kAt,
  kBracketL, kBracketR, kBraceL, kBraceR, kPipe, kName, kInt, kFloat, kString, kBlockString,
};

// "<EOF>", "!", "Name", "String", ...
std::string_view TokName(Tok kind);

struct Token {
  Tok kind = Tok::kInvalid;
  std::string value;
  Pos pos;

  // gqlparser's Token.String(): the kind, then the quoted value if any.
  std::string Describe() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}
  // The next token; on a lexical error an kInvalid token and `*error` set.
  Token Read(std::optional<Diagnostic>* error);

 private:
  void SkipWhitespace();
  Token Make(Tok kind, std::string value) const;
  Token Fail(std::optional<Diagnostic>* error, std::string message) const;
  Token ReadNumber(std::optional<Diagnostic>* error);
  Token ReadString(std::optional<Diagnostic>* error);
  Token ReadBlockString(std::optional<Diagnostic>* error);
  bool AcceptByte(std::string_view any);
  int AcceptDigits();
  std::string DescribeNext() const;
  void Advance(size_t bytes, int runes) {
    end_ += bytes;
    end_runes_ += runes;
  }
  void Back(int n) {  // over ASCII bytes only
    end_ -= static_cast<size_t>(n);
    end_runes_ -= n;
  }

  std::string_view in_;
  size_t start_ = 0, end_ = 0;  // bytes
  int start_runes_ = 0, end_runes_ = 0;
  int line_ = 1;
  int line_start_runes_ = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view input) : lexer_(input) {}

  const std::optional<Diagnostic>& error() const { return err_; }

  const Token& Peek();
  Token Next();
  bool Skip(Tok kind);
  Token Expect(Tok kind);
  Token ExpectKeyword(std::string_view value);
  void Error(const Token& tok, std::string message);
  void Unexpected() { Unexpected(Peek()); }
  void Unexpected(const Token& tok) { Error(tok, "Unexpected " + tok.Describe()); }
  Pos PeekPos() { return err_ ? Pos{} : Peek().pos; }
  const Token& Prev() const { return prev_; }

  // Nesting guard for the recursive rules (lists, objects, list types,
  // selection sets): gqlparser has none, but a document nested thousands
  // deep would exhaust our stack, so past kMaxDepth it is a syntax error.
  static constexpr int kMaxDepth = 500;
  bool Enter() {
    if (++depth_ <= kMaxDepth) return true;
    Error(Peek(), "Exceeded the maximum nesting depth of " + std::to_string(kMaxDepth));
    return false;
  }
  void Leave() { --depth_; }

  // `open` item* `close`, or nothing if the next token is not `open`.
  template <class F>
  void Many(Tok open, Tok close, F item) {
    if (!Skip(open)) return;
    while (Peek().kind != close && !err_) item();
    Next();
  }
  // Like Many, but at least one item.
  template <class F>
  void Some(Tok open, Tok close, F item) {
    if (!Skip(open)) return;
    bool called = false;
    while (Peek().kind != close && !err_) {
      called = true;
      item();
    }
    if (!called) {
      Error(Peek(), "expected at least one definition, found " + std::string(TokName(Peek().kind)));
      return;
    }
    Next();
  }

  // Grammar shared by queries and schemas (graphql_parse_query.cc).
  std::string ParseName() { return Expect(Tok::kName).value; }
  std::string ParseVariable();
  ValueRef ParseValueLiteral(bool is_const);
  std::vector<Argument> ParseArguments(bool is_const);
  std::vector<Directive> ParseDirectives(bool is_const);
  TypeRef ParseTypeReference();
  std::string ParseOperationType();

 private:
  Lexer lexer_;
  std::optional<Diagnostic> err_;
  bool peeked_ = false;
  Token peek_;
  std::optional<Diagnostic> peek_error_;
  Token prev_;
  int depth_ = 0;
};

}  // namespace sluice::policy::graphql::internal
