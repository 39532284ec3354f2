#include "policy/ast_json.h"

#include <string>
#include <utility>
#include <vector>

namespace sluice::policy {
namespace {

Value S(std::string_view s) { return Value::String(s); }

Value Obj(std::vector<std::pair<std::string_view, Value>> fields) {
  ObjectBuilder b;
  for (auto& [k, v] : fields) b.Insert(S(k), std::move(v));
  return std::move(b).Build();
}

Value TermJson(const ast::Term& t);
Value BodyJson(const ast::Body& body);

Value Terms(const std::vector<ast::Term>& terms) {
  std::vector<Value> out;
  out.reserve(terms.size());
  for (const ast::Term& t : terms) out.push_back(TermJson(t));
  return Value::Array(std::move(out));
}

Value Typed(std::string_view type, Value value) {
  return Obj({{"type", S(type)}, {"value", std::move(value)}});
}

Value TermJson(const ast::Term& t) {
  switch (t.kind()) {
    case ast::TermKind::kNull:
      return Typed("null", Value::Null());
    case ast::TermKind::kBoolean:
      return Typed("boolean", Value::Boolean(t.get_if<ast::Boolean>()->value));
    case ast::TermKind::kNumber: {
      Result<Number> n = Number::Parse(t.get_if<ast::Number>()->text);
      return Typed("number", n.ok() ? Value(std::move(n).value()) : Value::Null());
    }
    case ast::TermKind::kString:
      return Typed("string", S(t.get_if<ast::String>()->value));
    case ast::TermKind::kVar:
      return Typed("var", S(t.get_if<ast::Var>()->name));
    case ast::TermKind::kRef:
      return Typed("ref", Terms(t.get_if<ast::Ref>()->terms));
    case ast::TermKind::kArray:
      return Typed("array", Terms(t.get_if<ast::Array>()->items));
    case ast::TermKind::kSet:
      return Typed("set", Terms(t.get_if<ast::Set>()->items));
    case ast::TermKind::kObject: {
      std::vector<Value> items;
      for (const auto& i : t.get_if<ast::Object>()->items) {
        items.push_back(Value::Array({TermJson(i.key), TermJson(i.value)}));
      }
      return Typed("object", Value::Array(std::move(items)));
    }
    case ast::TermKind::kArrayComprehension: {
      const auto& c = *t.get_if<ast::ArrayComprehension>();
      return Typed("arraycomprehension", Obj({{"term", TermJson(*c.term)}, {"body", BodyJson(c.body)}}));
    }
    case ast::TermKind::kSetComprehension: {
      const auto& c = *t.get_if<ast::SetComprehension>();
      return Typed("setcomprehension", Obj({{"term", TermJson(*c.term)}, {"body", BodyJson(c.body)}}));
    }
    case ast::TermKind::kObjectComprehension: {
      const auto& c = *t.get_if<ast::ObjectComprehension>();
      return Typed("objectcomprehension", Obj({{"key", TermJson(*c.key)},
                                               {"value", TermJson(*c.value)},
                                               {"body", BodyJson(c.body)}}));
    }
    case ast::TermKind::kCall:
      return Typed("call", Terms(t.get_if<ast::Call>()->terms));
    case ast::TermKind::kTemplateString:
      return Typed("templatestring", S(ast::ToString(t)));
  }
  return Value::Null();
}

Value ExprTerms(const ast::Expr& e) {
  if (const auto* t = e.get_if<ast::Term>()) return TermJson(*t);
  if (const auto* c = e.get_if<ast::Call>()) return Terms(c->terms);
  if (const auto* s = e.get_if<ast::SomeDecl>()) return Obj({{"symbols", Terms(s->symbols)}});
  if (const auto* ev = e.get_if<ast::Every>()) {
    std::vector<std::pair<std::string_view, Value>> fields;
    if (ev->key) fields.emplace_back("key", TermJson(*ev->key));
    fields.emplace_back("value", TermJson(ev->value));
    fields.emplace_back("domain", TermJson(ev->domain));
    fields.emplace_back("body", BodyJson(ev->body));
    return Obj(std::move(fields));
  }
  if (const auto* l = e.get_if<ast::Logical>()) {
    std::vector<Value> operands;
    for (const ast::Body& b : l->operands) operands.push_back(BodyJson(b));
    return Obj({{"op", S(l->op == ast::LogicalOp::kAnd ? "and" : "or")},
                {"operands", Value::Array(std::move(operands))}});
  }
  return Value::Null();
}

Value BodyJson(const ast::Body& body) {
  std::vector<Value> out;
  for (size_t i = 0; i < body.size(); ++i) {
    const ast::Expr& e = body[i];
    std::vector<std::pair<std::string_view, Value>> fields;
    fields.emplace_back("index", Value::Int(static_cast<int64_t>(i)));
    fields.emplace_back("terms", ExprTerms(e));
    if (e.negated) fields.emplace_back("negated", Value::Boolean(true));
    if (!e.with.empty()) {
      std::vector<Value> with;
      for (const ast::With& w : e.with) {
        with.push_back(Obj({{"target", TermJson(w.target)}, {"value", TermJson(w.value)}}));
      }
      fields.emplace_back("with", Value::Array(std::move(with)));
    }
    out.push_back(Obj(std::move(fields)));
  }
  return Value::Array(std::move(out));
}

Value ElseJson(const std::vector<ast::ElseClause>& chain, size_t i, const ast::RuleHead& head) {
  const ast::ElseClause& el = chain[i];
  std::vector<std::pair<std::string_view, Value>> h;
  h.emplace_back("name", S(head.name()));
  h.emplace_back("ref", Terms(head.ref.terms));
  h.emplace_back("value", TermJson(el.value));
  if (el.assign) h.emplace_back("assign", Value::Boolean(true));
  std::vector<std::pair<std::string_view, Value>> fields;
  fields.emplace_back("head", Obj(std::move(h)));
  fields.emplace_back("body", BodyJson(el.body));
  if (i + 1 < chain.size()) fields.emplace_back("else", ElseJson(chain, i + 1, head));
  return Obj(std::move(fields));
}

Value RuleJson(const ast::Rule& r) {
  std::vector<std::pair<std::string_view, Value>> h;
  h.emplace_back("name", S(r.head.name()));
  h.emplace_back("ref", Terms(r.head.ref.terms));
  if (!r.head.args.empty()) h.emplace_back("args", Terms(r.head.args));
  if (r.head.key) h.emplace_back("key", TermJson(*r.head.key));
  if (r.head.value) h.emplace_back("value", TermJson(*r.head.value));
  if (r.head.assign) h.emplace_back("assign", Value::Boolean(true));
  std::vector<std::pair<std::string_view, Value>> fields;
  fields.emplace_back("head", Obj(std::move(h)));
  fields.emplace_back("body", BodyJson(r.body));
  if (r.is_default) fields.emplace_back("default", Value::Boolean(true));
  if (!r.else_chain.empty()) fields.emplace_back("else", ElseJson(r.else_chain, 0, r.head));
  return Obj(std::move(fields));
}

}  // namespace

Value ModuleToValue(const ast::Module& module) {
  std::vector<std::pair<std::string_view, Value>> fields;
  fields.emplace_back("package", Obj({{"path", Terms(module.package.path.terms)}}));
  if (!module.imports.empty()) {
    std::vector<Value> imports;
    for (const ast::Import& imp : module.imports) {
      std::vector<std::pair<std::string_view, Value>> f;
      f.emplace_back("path", Typed("ref", Terms(imp.path.terms)));
      if (!imp.alias.empty()) f.emplace_back("alias", S(imp.alias));
      imports.push_back(Obj(std::move(f)));
    }
    fields.emplace_back("imports", Value::Array(std::move(imports)));
  }
  if (!module.rules.empty()) {
    std::vector<Value> rules;
    for (const ast::Rule& r : module.rules) rules.push_back(RuleJson(r));
    fields.emplace_back("rules", Value::Array(std::move(rules)));
  }
  return Obj(std::move(fields));
}

}  // namespace sluice::policy
