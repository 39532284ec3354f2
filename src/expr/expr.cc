// The public entry points of expr.h over the scanner, parser and evaluator.
#include "expr/expr.h"

#include <functional>
#include <utility>

#include "expr/evaluator.h"
#include "expr/template_scanner.h"
#include "expr/value_ops.h"

namespace sluice::expr {
namespace {

Status SyntaxError(std::string_view text, const ScanOutput& scan) {
  return Status::InvalidArgument(
      "invalid expression " + ExpressionSnippet(text, scan.error_expr_begin) + ": " +
      scan.error->message + " (at offset " + std::to_string(scan.error->offset) + ")");
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Calls `visit(path_node, offset_of_innermost_template)` for each reference.
void VisitReferences(const Node& n, size_t template_offset,
                     const std::function<void(const Node&, size_t)>& visit) {
  if (n.kind == NodeKind::kTemplate) template_offset = n.begin;
  if (n.kind == NodeKind::kPath) {
    if (!(n.path.size() == 1 && IsFunctorName(n.path[0]))) visit(n, template_offset);
    return;
  }
  for (const NodePtr& child : n.children) VisitReferences(*child, template_offset, visit);
}

}  // namespace

bool HasExpressions(std::string_view text) { return text.find("<+") != std::string_view::npos; }

std::optional<ExprError> CheckTemplateSyntax(std::string_view text) {
  return ScanTemplates(text).error;
}

std::optional<ExprError> CheckConditionSyntax(std::string_view condition) {
  return ParseCondition(condition).error;
}

Result<Value> Render(std::string_view text, const Scope& scope) {
  ScanOutput scan = ScanTemplates(text);
  if (scan.error) return SyntaxError(text, scan);
  if (scan.exprs.empty()) return Value(std::string(text));

  size_t first = 0, last = text.size();
  while (first < last && IsBlank(text[first])) ++first;
  while (last > first && IsBlank(text[last - 1])) --last;
  if (scan.exprs.size() == 1 && scan.exprs[0].begin == first && scan.exprs[0].end == last) {
    return Evaluate(*scan.exprs[0].node, text, scope);
  }

  std::string out;
  size_t pos = 0;
  for (const TemplateExpr& e : scan.exprs) {
    out.append(text.substr(pos, e.begin - pos));
    SLUICE_ASSIGN_OR_RETURN(Value v, Evaluate(*e.node, text, scope));
    out += ToText(v);
    pos = e.end;
  }
  out.append(text.substr(pos));
  return Value(std::move(out));
}

Result<std::string> RenderString(std::string_view text, const Scope& scope) {
  SLUICE_ASSIGN_OR_RETURN(Value v, Render(text, scope));
  return ToText(v);
}

Result<bool> EvaluateCondition(std::string_view condition, const Scope& scope) {
  ConditionParse parsed = ParseCondition(condition);
  if (parsed.error) {
    return Status::InvalidArgument("invalid condition " + ExpressionSnippet(condition, 0) + ": " +
                                   parsed.error->message + " (at offset " +
                                   std::to_string(parsed.error->offset) + ")");
  }
  SLUICE_ASSIGN_OR_RETURN(Value v, Evaluate(*parsed.node, condition, scope));
  return IsTruthy(v);
}

std::string ReplaceWithPlaceholders(std::string_view text) {
  // A bare word: no quotes, operators or expansions, valid in any shell
  // context where the resolved value could appear. Broken expressions are
  // left as written (CheckTemplateSyntax reports them).
  constexpr std::string_view kPlaceholder = "__SLUICE_EXPR__";
  ScanOutput scan = ScanTemplates(text);
  std::string out;
  size_t pos = 0;
  for (const TemplateExpr& e : scan.exprs) {
    out.append(text.substr(pos, e.begin - pos));
    out += kPlaceholder;
    for (size_t i = e.begin; i < e.end; ++i) {
      if (text[i] == '\n') out += '\n';
    }
    pos = e.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::vector<Reference> CollectReferences(std::string_view text) {
  std::vector<Reference> refs;
  ScanOutput scan = ScanTemplates(text);
  for (const TemplateExpr& e : scan.exprs) {
    VisitReferences(*e.node, e.begin, [&](const Node& path, size_t offset) {
      refs.push_back(Reference{path.path, offset});
    });
  }
  return refs;
}

}  // namespace sluice::expr
