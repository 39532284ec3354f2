#include "expr/template_scanner.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "expr/lexer.h"
#include "expr/parser.h"

namespace sluice::expr {
namespace {

struct Attempt {
  NodePtr node;
  std::optional<ExprError> error;
  size_t end = 0;
  bool saw_ambiguous_ge = false;
};

template <typename Lex, typename Parse>
Attempt Try(Lex lex, Parse parse) {
  Attempt a;
  LexOutput tokens = lex();
  a.saw_ambiguous_ge = tokens.saw_ambiguous_ge;
  a.end = tokens.end;
  if (tokens.error) {
    a.error = tokens.error;
    return a;
  }
  ParseResult parsed = parse(tokens.tokens);
  if (auto* e = std::get_if<ExprError>(&parsed)) {
    a.error = *e;
  } else {
    a.node = std::move(std::get<NodePtr>(parsed));
  }
  return a;
}

// Strict reading first; the `>`-always-closes reading only when the strict
// one failed on text that had a `>=` in it.
template <typename Lex, typename Parse>
Attempt TryBothReadings(Lex lex, Parse parse) {
  Attempt strict = Try([&] { return lex(false); }, parse);
  if (!strict.error || !strict.saw_ambiguous_ge) return strict;
  Attempt relaxed = Try([&] { return lex(true); }, parse);
  return relaxed.error ? std::move(strict) : std::move(relaxed);
}

}  // namespace

ScanOutput ScanTemplates(std::string_view text) {
  ScanOutput out;
  size_t pos = 0;
  while (true) {
    const size_t begin = text.find("<+", pos);
    if (begin == std::string_view::npos) break;
    Attempt a = TryBothReadings(
        [&](bool ge_closes) { return LexTemplate(text, begin, ge_closes); },
        [](const std::vector<Token>& tokens) { return ParseTemplateTokens(tokens); });
    if (a.error) {
      out.error = a.error;
      out.error_expr_begin = begin;
      break;
    }
    out.exprs.push_back(TemplateExpr{begin, a.end, std::move(a.node)});
    pos = a.end;
  }
  return out;
}

ConditionParse ParseCondition(std::string_view condition) {
  Attempt a = TryBothReadings(
      [&](bool ge_closes) { return LexCondition(condition, ge_closes); },
      [](const std::vector<Token>& tokens) { return ParseConditionTokens(tokens); });
  return ConditionParse{std::move(a.node), std::move(a.error)};
}

std::string ExpressionSnippet(std::string_view text, size_t begin) {
  constexpr size_t kMaxSnippet = 60;
  std::string_view rest = text.substr(std::min(begin, text.size()));
  size_t cut = std::min(rest.find('\n'), rest.size());
  bool truncated = cut < rest.size();
  if (cut > kMaxSnippet) {
    cut = kMaxSnippet;
    truncated = true;
  }
  std::string s(rest.substr(0, cut));
  if (truncated) s += "...";
  return s;
}

}  // namespace sluice::expr
