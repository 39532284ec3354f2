// Parser: tokens (lexer.h) to a syntax tree (ast.h).
//
// Grammar, lowest precedence first (JEXL's order):
//   ternary   := or ('?' ternary ':' ternary)?
//   or        := and (('||' | 'or') and)*
//   and       := equality (('&&' | 'and') equality)*
//   equality  := relation (('==' | '!=' | '=~' | '!~' | '=^' | '=$') relation)*
//   relation  := additive (('<' | '<=' | '>' | '>=') additive)*
//   additive  := term (('+' | '-') term)*
//   term      := unary (('*' | '/' | '%') unary)*
//   unary     := ('!' | 'not' | '-') unary | postfix
//   postfix   := primary ('.' name | '.' name '(' args ')' | '[' ternary ']')*
//   primary   := number | string | true | false | null | name
//              | '(' ternary ')' | '<+' ternary '>' | '[' (ternary (',' ternary)*)? ']'
// Errors are ExprError values with the offset of the offending token.
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "expr/ast.h"
#include "expr/lexer.h"

namespace sluice::expr {

using ParseResult = std::variant<NodePtr, ExprError>;

// Parses tokens from LexTemplate: exactly one `<+ ... >`; returns its
// kTemplate node.
ParseResult ParseTemplateTokens(const std::vector<Token>& tokens);

// Parses tokens from LexCondition: one expression up to the end.
ParseResult ParseConditionTokens(const std::vector<Token>& tokens);

}  // namespace sluice::expr
