// Lexer for the JEXL subset inside `<+...>` and in `when.condition`s.
//
// The lexer works on the caller's whole text and reports absolute byte
// offsets, so errors point into the text the user wrote. It tracks how many
// `<+` are open, because `>` means two things:
//   * outside any `<+` (condition mode) it is the greater-than operator;
//   * inside `<+` it closes the innermost expression, except that `>=` is the
//     operator. `>==`, `>=~`, `>=^` and `>=$` are a close followed by the
//     `==`/`=~`/... operator (no operator starts with `=` followed by those), so
//     `<+a>=="x"` reads as intended.
// A `>` inside a string literal is text. With `ge_closes` set, every `>`
// inside `<+` closes (used to retry `KEY_<+x>=v` in scripts, see
// template_scanner.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expr.h"

namespace sluice::expr {

enum class TokenKind {
  kIdentifier,  // also the keywords and/or/not/true/false/null (the parser decides)
  kNumber,
  kString,         // `text` holds the unescaped value
  kTemplateOpen,   // <+
  kTemplateClose,  // > closing a <+
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kDot,
  kComma,
  kQuestion,
  kColon,
  kEqual,         // ==
  kNotEqual,      // !=
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // > (condition mode only)
  kGreaterEqual,  // >=
  kRegexMatch,    // =~
  kRegexNoMatch,  // !~
  kStartsWith,    // =^
  kEndsWith,      // =$
  kAndAnd,        // &&
  kOrOr,          // ||
  kBang,          // !
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEnd,
};

// Spelling of a token kind for error messages ("')'", "end of condition").
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;  // absolute byte offset of the first character
  size_t length = 0;  // bytes of source text covered
  std::string text;   // identifier name, unescaped string value, number text
  Value number;       // kNumber: integer or double
};

struct LexOutput {
  std::vector<Token> tokens;       // ends with kEnd unless `error` is set
  size_t end = 0;                  // offset just past the last token read
  bool saw_ambiguous_ge = false;   // a `>=` was read as an operator inside <+
  std::optional<ExprError> error;  // first error; tokens are then partial
};

// Lexes one expression that starts with `<+` at `start` and stops right after
// its matching `>`. Errors: "unclosed <+ expression" (at `start`), unterminated
// strings, unexpected characters.
LexOutput LexTemplate(std::string_view text, size_t start, bool ge_closes = false);

// Lexes a whole condition (JEXL with embedded `<+...>`) up to the end of text.
LexOutput LexCondition(std::string_view text, bool ge_closes = false);

}  // namespace sluice::expr
