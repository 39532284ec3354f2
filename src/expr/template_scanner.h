// Template scanner: finds and parses the `<+...>` expressions in a text, and
// parses whole conditions.
//
// Text outside `<+...>` is never interpreted: quotes, `>` and `#` in a script
// are plain text. Inside, the lexer's closing rule applies (lexer.h). One
// fallback keeps scripts such as `export KEY_<+x>=value` working: when an
// expression containing `>=` fails to lex or parse, it is read again with
// every `>` closing, and the second reading is used if it succeeds. (A text
// like `<+a>=1 >f` still parses as `a >= 1`: write `<+a>""=1` or put a space
// after the `>` in such scripts.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/expr.h"

namespace sluice::expr {

// One top-level `<+...>` of a text: [begin, end) covers it, `<+` to `>`.
struct TemplateExpr {
  size_t begin = 0;
  size_t end = 0;
  NodePtr node;  // kTemplate
};

struct ScanOutput {
  std::vector<TemplateExpr> exprs;  // in text order; those before an error
  std::optional<ExprError> error;   // first syntax error
  size_t error_expr_begin = 0;      // offset of the `<+` whose expression failed
};

ScanOutput ScanTemplates(std::string_view text);

struct ConditionParse {
  NodePtr node;
  std::optional<ExprError> error;
};

ConditionParse ParseCondition(std::string_view condition);

// "<+foo bar" — the start of the expression at `begin` for messages: up to
// the end of its line, at most 60 bytes.
std::string ExpressionSnippet(std::string_view text, size_t begin);

}  // namespace sluice::expr
