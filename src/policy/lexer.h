// Lexer for Rego source text: the whole text to a vector of tokens, in one
// pass without regular expressions.
//
// It follows OPA's scanner (v1/ast/internal/scanner): identifiers are ASCII
// letters, digits and `_` (not starting with a digit); numbers are JSON-like
// (`1`, `1.5`, `1e3`; the sign and a leading `.` are separate tokens that the
// parser joins); strings take JSON escapes including \uXXXX surrogate pairs
// and are decoded here; raw strings are backtick-quoted and may span lines;
// `#` starts a comment to the end of the line. Keywords are not decided here:
// every word is a kIdent, because which words are keywords depends on the
// dialect and on `import future.keywords...` (the parser knows both).
//
// Whitespace is not a token, but Rego is whitespace-sensitive in places
// (`f(x)` is a call while `f (x)` is not; a line break separates body
// expressions), so every token records whether whitespace or a comment came
// directly before it and whether that included a line break.
//
// Template strings ($"a{x}b", $`a{x}b`) are split around their expressions:
// kTemplateHead `$"a{`, the expression's tokens, kTemplateMiddle `}b{` ...,
// kTemplateTail `}b"`; one without expressions is a single kTemplateFull.
// Braces inside an expression are counted so the `}` that ends it is found.
//
// Errors (bad characters, unterminated strings, bad escapes, invalid UTF-8)
// become a kIllegal token whose text is OPA's message; lexing stops there, so
// the parser reports it with its location when it gets that far.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/ast.h"

namespace sluice::policy::lexer {

enum class TokenKind : uint8_t {
  kEnd,
  kIllegal,  // text: the error message
  kIdent,    // also every keyword
  kNumber,   // text: as written, unsigned ("12", "1.5e3")
  kString,   // text: decoded value; raw = backtick string
  kTemplateFull,
  kTemplateHead,
  kTemplateMiddle,
  kTemplateTail,
  kLBrack,
  kRBrack,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kComma,
  kSemicolon,
  kColon,
  kDot,
  kAssign,  // :=
  kUnify,   // =
  kEqual,   // ==
  kNeq,     // !=
  kLt,
  kLte,
  kGt,
  kGte,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kAmp,
  kPipe,
};

// The words that are (or may become) keywords, classified once by the lexer
// so the parser compares bytes instead of strings. Whether a word is a
// keyword at a given point is the parser's decision.
enum class Word : uint8_t {
  kNone,  // any other word
  // Keywords in every dialect.
  kAs,
  kDefault,
  kElse,
  kFalse,
  kImport,
  kNot,
  kNull,
  kPackage,
  kSome,
  kTrue,
  kWith,
  // Future keywords (always on in v1 except and / or).
  kIn,
  kEvery,
  kIf,
  kContains,
  kAnd,
  kOr,
};

Word ClassifyWord(std::string_view word);

// OPA's name for the token in "unexpected X token" messages: "identifier",
// "number", "string", "}", "assign", "eq", "plus", "eof", ...
std::string_view TokenName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  bool space_before = false;    // whitespace or a comment directly before
  bool newline_before = false;  // ... including a line break
  bool raw = false;             // kString and template parts: backtick form
  Word word = Word::kNone;      // kIdent
  uint32_t offset = 0;          // byte range of the token's text
  uint32_t end = 0;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in code points
  std::string text;
};

struct LexOutput {
  std::vector<Token> tokens;  // ends with kEnd, or with kIllegal then kEnd
  std::vector<ast::Comment> comments;
};

// Lexes `text`; comment locations point at `source` (may be null in tests).
LexOutput Lex(std::string_view text, const ast::Source* source = nullptr);

}  // namespace sluice::policy::lexer
