#include "policy/ast.h"

namespace sluice::policy::ast {

std::string_view Location::text() const {
  if (source == nullptr || end < offset || end > source->text.size()) return {};
  return std::string_view(source->text).substr(offset, end - offset);
}

std::string_view Location::file() const {
  return source == nullptr ? std::string_view() : std::string_view(source->file);
}

SourceLocation Location::ToSourceLocation() const {
  return SourceLocation{std::string(file()), line, column};
}

std::string_view TermKindName(TermKind kind) {
  switch (kind) {
    case TermKind::kNull:
      return "null";
    case TermKind::kBoolean:
      return "boolean";
    case TermKind::kNumber:
      return "number";
    case TermKind::kString:
      return "string";
    case TermKind::kVar:
      return "var";
    case TermKind::kRef:
      return "ref";
    case TermKind::kArray:
      return "array";
    case TermKind::kObject:
      return "object";
    case TermKind::kSet:
      return "set";
    case TermKind::kArrayComprehension:
      return "arraycomprehension";
    case TermKind::kSetComprehension:
      return "setcomprehension";
    case TermKind::kObjectComprehension:
      return "objectcomprehension";
    case TermKind::kCall:
      return "call";
    case TermKind::kTemplateString:
      return "templatestring";
  }
  return "term";
}

std::string_view RuleKindName(RuleKind kind) {
  switch (kind) {
    case RuleKind::kComplete:
      return "complete";
    case RuleKind::kPartialSet:
      return "partial set";
    case RuleKind::kPartialObject:
      return "partial object";
    case RuleKind::kFunction:
      return "function";
  }
  return "rule";
}

std::string_view DialectName(Dialect dialect) {
  switch (dialect) {
    case Dialect::kAuto:
      return "auto";
    case Dialect::kV0:
      return "v0";
    case Dialect::kV1:
      return "v1";
  }
  return "?";
}

std::optional<FutureKeyword> KeywordSet::FromName(std::string_view word) {
  if (word == "in") return FutureKeyword::kIn;
  if (word == "every") return FutureKeyword::kEvery;
  if (word == "if") return FutureKeyword::kIf;
  if (word == "contains") return FutureKeyword::kContains;
  if (word == "not") return FutureKeyword::kNot;
  if (word == "and") return FutureKeyword::kAnd;
  if (word == "or") return FutureKeyword::kOr;
  return std::nullopt;
}

const std::string& RuleHead::name() const {
  static const std::string kEmpty;
  if (ref.terms.empty()) return kEmpty;
  const Var* v = ref.terms[0].get_if<Var>();
  return v != nullptr ? v->name : kEmpty;
}

Term MakeTerm(TermValue value, const Location& location) {
  Term t;
  t.location = location;
  t.value = std::move(value);
  return t;
}

Term MakeVar(std::string name, const Location& location) {
  return MakeTerm(Var{std::move(name)}, location);
}

Term MakeString(std::string value, const Location& location) {
  return MakeTerm(String{std::move(value)}, location);
}

Term MakeBoolean(bool value, const Location& location) {
  return MakeTerm(Boolean{value}, location);
}

Term MakeOperatorRef(std::string_view dotted_name, const Location& location) {
  Ref ref;
  size_t start = 0;
  while (true) {
    size_t dot = dotted_name.find('.', start);
    std::string part(dotted_name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (ref.terms.empty()) {
      ref.terms.push_back(MakeVar(std::move(part), location));
    } else {
      ref.terms.push_back(MakeString(std::move(part), location));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return MakeTerm(std::move(ref), location);
}

bool IsGround(const Term& term) {
  switch (term.kind()) {
    case TermKind::kNull:
    case TermKind::kBoolean:
    case TermKind::kNumber:
    case TermKind::kString:
      return true;
    case TermKind::kArray:
      for (const Term& t : std::get<Array>(term.value).items) {
        if (!IsGround(t)) return false;
      }
      return true;
    case TermKind::kSet:
      for (const Term& t : std::get<Set>(term.value).items) {
        if (!IsGround(t)) return false;
      }
      return true;
    case TermKind::kObject:
      for (const ObjectItem& item : std::get<Object>(term.value).items) {
        if (!IsGround(item.key) || !IsGround(item.value)) return false;
      }
      return true;
    case TermKind::kTemplateString:
      for (const TemplatePart& part : std::get<TemplateString>(term.value).parts) {
        const Term* t = std::get_if<Term>(&part.value);
        if (t == nullptr || !IsGround(*t)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace sluice::policy::ast
