#include "policy/term_value.h"

#include <string>
#include <utility>
#include <variant>

#include "policy/parser.h"

namespace sluice::policy {

namespace {

Status NotAValue(const ast::Term& term) {
  std::string where =
      term.location.known() ? term.location.ToSourceLocation().ToString() + ": " : std::string();
  return Status::InvalidArgument(where + std::string(ast::TermKindName(term.kind())) +
                                 " is not a value (input_term must be ground)");
}

}  // namespace

Result<Value> GroundTermToValue(const ast::Term& term) {
  switch (term.kind()) {
    case ast::TermKind::kNull:
      return Value::Null();
    case ast::TermKind::kBoolean:
      return Value::Boolean(std::get<ast::Boolean>(term.value).value);
    case ast::TermKind::kNumber: {
      Result<Number> n = Number::Parse(std::get<ast::Number>(term.value).text);
      if (!n.ok()) return n.status();
      return Value(std::move(n).value());
    }
    case ast::TermKind::kString:
      return Value::String(std::get<ast::String>(term.value).value);
    case ast::TermKind::kArray: {
      ArrayBuilder out;
      for (const ast::Term& item : std::get<ast::Array>(term.value).items) {
        Result<Value> v = GroundTermToValue(item);
        if (!v.ok()) return v;
        out.Push(std::move(v).value());
      }
      return std::move(out).Build();
    }
    case ast::TermKind::kSet: {
      SetBuilder out;
      for (const ast::Term& item : std::get<ast::Set>(term.value).items) {
        Result<Value> v = GroundTermToValue(item);
        if (!v.ok()) return v;
        out.Push(std::move(v).value());
      }
      return std::move(out).Build();
    }
    case ast::TermKind::kObject: {
      ObjectBuilder out;
      for (const ast::ObjectItem& item : std::get<ast::Object>(term.value).items) {
        Result<Value> k = GroundTermToValue(item.key);
        if (!k.ok()) return k;
        Result<Value> v = GroundTermToValue(item.value);
        if (!v.ok()) return v;
        out.Insert(std::move(k).value(), std::move(v).value());
      }
      return std::move(out).Build();
    }
    default:
      return NotAValue(term);
  }
}

Result<Value> ParseGroundTerm(std::string_view text, std::string_view file) {
  Result<ast::ParsedTerm> parsed = ParseTerm(std::string(file), text);
  if (!parsed.ok()) return parsed.status();
  // The term's locations point into parsed->source, alive until we return.
  return GroundTermToValue(parsed->term);
}

}  // namespace sluice::policy
