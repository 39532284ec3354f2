// Body reordering for safety, after OPA's reorderBodyForSafety (v1/ast/
// compile.go), simplified: each expression gets the variables it needs bound
// before it runs (builtin and function inputs, negated expressions, free
// variables of comprehensions and `every`) and the ones it can bind (unified
// patterns, ref keys, outputs); expressions are then taken greedily in source
// order, each as soon as its needs are met. What cannot be placed keeps its
// order, and the evaluator reports the unsafe variable when it gets there.
#include <set>
#include <string>

#include "policy/compile.h"

namespace sluice::policy {
namespace {

using ast::Term;
using Names = std::set<std::string>;

void AllVars(const ast::Body& body, Names& out, bool deep = true);

void AllVarsTerm(const Term& t, Names& out, bool deep = true) {
  if (const auto* v = t.get_if<ast::Var>()) {
    out.insert(v->name);
  } else if (const auto* r = t.get_if<ast::Ref>()) {
    for (const Term& x : r->terms) AllVarsTerm(x, out, deep);
  } else if (const auto* a = t.get_if<ast::Array>()) {
    for (const Term& x : a->items) AllVarsTerm(x, out, deep);
  } else if (const auto* s = t.get_if<ast::Set>()) {
    for (const Term& x : s->items) AllVarsTerm(x, out, deep);
  } else if (const auto* o = t.get_if<ast::Object>()) {
    for (const auto& i : o->items) {
      AllVarsTerm(i.key, out, deep);
      AllVarsTerm(i.value, out, deep);
    }
  } else if (const auto* c = t.get_if<ast::Call>()) {
    for (size_t i = 1; i < c->terms.size(); ++i) AllVarsTerm(c->terms[i], out, deep);
  } else if (!deep) {
    return;
  } else if (const auto* ac = t.get_if<ast::ArrayComprehension>()) {
    AllVarsTerm(*ac->term, out);
    AllVars(ac->body, out);
  } else if (const auto* sc = t.get_if<ast::SetComprehension>()) {
    AllVarsTerm(*sc->term, out);
    AllVars(sc->body, out);
  } else if (const auto* oc = t.get_if<ast::ObjectComprehension>()) {
    AllVarsTerm(*oc->key, out);
    AllVarsTerm(*oc->value, out);
    AllVars(oc->body, out);
  }
}

void AllVarsExpr(const ast::Expr& e, Names& out, bool deep = true) {
  if (const auto* t = e.get_if<Term>()) AllVarsTerm(*t, out, deep);
  if (const auto* c = e.get_if<ast::Call>()) {
    for (size_t i = 1; i < c->terms.size(); ++i) AllVarsTerm(c->terms[i], out, deep);
  }
  if (const auto* s = e.get_if<ast::SomeDecl>()) {
    for (const Term& x : s->symbols) AllVarsTerm(x, out, deep);
  }
  if (const auto* ev = e.get_if<ast::Every>()) {
    if (ev->key) AllVarsTerm(*ev->key, out, deep);
    AllVarsTerm(ev->value, out, deep);
    AllVarsTerm(ev->domain, out, deep);
    if (deep) AllVars(ev->body, out);
  }
  if (const auto* l = e.get_if<ast::Logical>()) {
    if (deep) {
      for (const auto& b : l->operands) AllVars(b, out);
    }
  }
  for (const ast::With& w : e.with) AllVarsTerm(w.value, out, deep);
}

void AllVars(const ast::Body& body, Names& out, bool deep) {
  for (const ast::Expr& e : body) AllVarsExpr(e, out, deep);
}

bool IsRoot(const std::string& name) { return name == "data" || name == "input"; }

struct Analysis {
  Names needs;
  Names outs;
  const Names* outer = nullptr;  // variables of the rest of the enclosing body

  // Variables inside a nested scope that come from the enclosing one.
  void Closure(const Names& inner) {
    for (const std::string& v : inner) {
      if (outer->count(v) && !IsRoot(v)) needs.insert(v);
    }
  }

  void Collect(const Term& t, bool output) {
    if (const auto* v = t.get_if<ast::Var>()) {
      if (IsRoot(v->name)) return;
      (output || v->IsWildcard() ? outs : needs).insert(v->name);
    } else if (const auto* r = t.get_if<ast::Ref>()) {
      if (r->terms[0].is<ast::Var>()) {
        Collect(r->terms[0], false);
      } else {
        Collect(r->terms[0], false);
      }
      for (size_t i = 1; i < r->terms.size(); ++i) Collect(r->terms[i], true);
    } else if (const auto* a = t.get_if<ast::Array>()) {
      for (const Term& x : a->items) Collect(x, output);
    } else if (const auto* s = t.get_if<ast::Set>()) {
      for (const Term& x : s->items) Collect(x, false);
    } else if (const auto* o = t.get_if<ast::Object>()) {
      for (const auto& i : o->items) {
        Collect(i.key, false);
        Collect(i.value, output);
      }
    } else if (const auto* c = t.get_if<ast::Call>()) {
      for (size_t i = 1; i < c->terms.size(); ++i) Collect(c->terms[i], false);
    } else if (t.is<ast::ArrayComprehension>() || t.is<ast::SetComprehension>() ||
               t.is<ast::ObjectComprehension>()) {
      Names inner;
      AllVarsTerm(t, inner);
      Closure(inner);
    }
  }
};

Analysis Analyze(const ast::Expr& e, const Names& outer, const BuiltinRegistry& builtins) {
  Analysis a;
  a.outer = &outer;
  if (e.negated) {
    Names inner;
    AllVarsExpr(e, inner);
    for (const std::string& v : inner) {
      if (!IsRoot(v) && v[0] != '$' && outer.count(v)) a.needs.insert(v);
    }
    return a;
  }
  if (const auto* t = e.get_if<Term>()) {
    a.Collect(*t, false);
  } else if (const auto* c = e.get_if<ast::Call>()) {
    std::string name = ast::OperatorName(*c);
    size_t nargs = c->terms.size() - 1;
    if (name == "eq" || name == "assign") {
      a.Collect(c->terms[1], true);
      a.Collect(c->terms[2], true);
    } else {
      const Builtin* b = builtins.Find(name);
      // User functions' arities are not known here: their last argument may
      // be an output.
      bool has_output = b == nullptr ||
                        (b->arity >= 0 && nargs == static_cast<size_t>(b->arity) + 1);
      for (size_t i = 1; i <= nargs; ++i) a.Collect(c->terms[i], has_output && i == nargs);
    }
  } else if (const auto* s = e.get_if<ast::SomeDecl>()) {
    for (const Term& sym : s->symbols) {
      if (const auto* call = sym.get_if<ast::Call>()) {
        for (size_t i = 1; i + 1 < call->terms.size(); ++i) a.Collect(call->terms[i], true);
        a.Collect(call->terms.back(), false);
      }
    }
  } else {
    Names inner;
    AllVarsExpr(e, inner);
    a.Closure(inner);
  }
  for (const ast::With& w : e.with) a.Collect(w.value, false);
  for (const std::string& v : a.outs) a.needs.erase(v);
  return a;
}

void ReorderTermBodies(Term& t, const Names& bound, const BuiltinRegistry& builtins);

void ReorderNested(ast::Expr& e, const Names& bound, const BuiltinRegistry& builtins) {
  if (auto* t = e.get_if<Term>()) ReorderTermBodies(*t, bound, builtins);
  if (auto* c = e.get_if<ast::Call>()) {
    for (Term& x : c->terms) ReorderTermBodies(x, bound, builtins);
  }
  if (auto* ev = e.get_if<ast::Every>()) {
    Names inner = bound;
    if (ev->key) AllVarsTerm(*ev->key, inner);
    AllVarsTerm(ev->value, inner);
    ReorderForSafety(ev->body, inner, builtins);
  }
  if (auto* l = e.get_if<ast::Logical>()) {
    for (auto& b : l->operands) ReorderForSafety(b, bound, builtins);
  }
}

void ReorderTermBodies(Term& t, const Names& bound, const BuiltinRegistry& builtins) {
  if (auto* ac = t.get_if<ast::ArrayComprehension>()) ReorderForSafety(ac->body, bound, builtins);
  if (auto* sc = t.get_if<ast::SetComprehension>()) ReorderForSafety(sc->body, bound, builtins);
  if (auto* oc = t.get_if<ast::ObjectComprehension>()) ReorderForSafety(oc->body, bound, builtins);
  if (auto* a = t.get_if<ast::Array>()) {
    for (Term& x : a->items) ReorderTermBodies(x, bound, builtins);
  }
  if (auto* c = t.get_if<ast::Call>()) {
    for (Term& x : c->terms) ReorderTermBodies(x, bound, builtins);
  }
}

}  // namespace

void ReorderForSafety(ast::Body& body, const std::set<std::string>& bound_in,
                      const BuiltinRegistry& builtins) {
  // Variables of the body's own scope: bound before it, or used at the top
  // of one of its expressions (not only inside nested bodies).
  Names all = bound_in;
  AllVars(body, all, /*deep=*/false);
  std::vector<Analysis> info;
  info.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    Names outer = bound_in;
    for (size_t j = 0; j < body.size(); ++j) {
      if (j != i) AllVarsExpr(body[j], outer, /*deep=*/false);
    }
    info.push_back(Analyze(body[i], outer, builtins));
  }
  Names bound = bound_in;
  std::vector<bool> placed(body.size(), false);
  std::vector<size_t> order;
  while (order.size() < body.size()) {
    bool progress = false;
    for (size_t i = 0; i < body.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (const std::string& v : info[i].needs) {
        if (!bound.count(v)) {
          ready = false;
          break;
        }
      }
      if (!ready) continue;
      placed[i] = true;
      order.push_back(i);
      bound.insert(info[i].outs.begin(), info[i].outs.end());
      progress = true;
      break;  // restart from the first expression: keep source order where possible
    }
    if (!progress) {
      for (size_t i = 0; i < body.size(); ++i) {
        if (!placed[i]) order.push_back(i);
      }
      break;
    }
  }
  ast::Body out;
  out.reserve(body.size());
  for (size_t i : order) out.push_back(std::move(body[i]));
  body = std::move(out);
  for (ast::Expr& e : body) ReorderNested(e, all, builtins);
}

}  // namespace sluice::policy
