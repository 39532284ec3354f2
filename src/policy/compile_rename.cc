// Renames locals that `:=` (or `some`) declares in a nested body -- an
// operand of `and` / `or`, a comprehension, an `every` body -- when the
// enclosing body already uses the name: in OPA the inner declaration is a
// new variable that shadows the outer one for that body only. The evaluator
// resolves variables by name within a rule's frame, so the shadowing local
// gets a name of its own ("a" -> "a__s1").
#include <initializer_list>
#include <set>
#include <string>

#include "policy/compile.h"

namespace sluice::policy {
namespace {

using ast::Body;
using ast::Term;

// Calls f on every Var term of a term or body. Shallow walks stay in the
// body's own scope: they skip nested bodies (comprehensions, every, and /
// or operands) and the variables those declare.
template <typename F>
struct VarWalk {
  F& f;
  bool deep;

  void InBody(Body& body) {
    for (ast::Expr& e : body) {
      if (auto* t = e.get_if<Term>()) {
        InTerm(*t);
      } else if (auto* c = e.get_if<ast::Call>()) {
        for (Term& x : c->terms) InTerm(x);
      } else if (auto* s = e.get_if<ast::SomeDecl>()) {
        for (Term& x : s->symbols) InTerm(x);
      } else if (auto* ev = e.get_if<ast::Every>()) {
        InTerm(ev->domain);
        if (deep) {
          if (ev->key) InTerm(*ev->key);
          InTerm(ev->value);
          InBody(ev->body);
        }
      } else if (auto* l = e.get_if<ast::Logical>()) {
        if (deep) {
          for (Body& b : l->operands) InBody(b);
        }
      }
      for (ast::With& w : e.with) InTerm(w.value);
    }
  }

  void InTerm(Term& t) {
    if (t.is<ast::Var>()) {
      f(t);
    } else if (auto* r = t.get_if<ast::Ref>()) {
      for (Term& x : r->terms) InTerm(x);
    } else if (auto* a = t.get_if<ast::Array>()) {
      for (Term& x : a->items) InTerm(x);
    } else if (auto* s = t.get_if<ast::Set>()) {
      for (Term& x : s->items) InTerm(x);
    } else if (auto* o = t.get_if<ast::Object>()) {
      for (auto& i : o->items) {
        InTerm(i.key);
        InTerm(i.value);
      }
    } else if (auto* ac = t.get_if<ast::ArrayComprehension>()) {
      if (!deep) return;
      InTerm(*ac->term);
      InBody(ac->body);
    } else if (auto* sc = t.get_if<ast::SetComprehension>()) {
      if (!deep) return;
      InTerm(*sc->term);
      InBody(sc->body);
    } else if (auto* oc = t.get_if<ast::ObjectComprehension>()) {
      if (!deep) return;
      InTerm(*oc->key);
      InTerm(*oc->value);
      InBody(oc->body);
    } else if (auto* c = t.get_if<ast::Call>()) {
      for (Term& x : c->terms) InTerm(x);
    } else if (auto* ts = t.get_if<ast::TemplateString>()) {
      for (auto& p : ts->parts) {
        if (auto* e = std::get_if<ast::Expr>(&p.value)) {
          Body b;
          b.push_back(std::move(*e));
          InBody(b);
          *e = std::move(b[0]);
        }
      }
    }
  }
};

void AddVars(const Term& t, std::set<std::string>& out) {
  if (const auto* v = t.get_if<ast::Var>()) {
    out.insert(v->name);
  } else if (const auto* a = t.get_if<ast::Array>()) {
    for (const Term& i : a->items) AddVars(i, out);
  } else if (const auto* o = t.get_if<ast::Object>()) {
    for (const auto& i : o->items) AddVars(i.value, out);
  }
}

// Variables declared at the top level of `body` by `:=` or `some`.
std::set<std::string> Declared(const Body& body) {
  std::set<std::string> out;
  for (const ast::Expr& e : body) {
    if (const auto* c = e.get_if<ast::Call>()) {
      if (ast::OperatorName(*c) == "assign" && c->terms.size() == 3) AddVars(c->terms[1], out);
    } else if (const auto* s = e.get_if<ast::SomeDecl>()) {
      for (const Term& sym : s->symbols) {
        if (const auto* call = sym.get_if<ast::Call>()) {
          for (size_t i = 1; i + 1 < call->terms.size(); ++i) AddVars(call->terms[i], out);
        } else {
          AddVars(sym, out);
        }
      }
    }
  }
  return out;
}

class Renamer {
 public:
  // `outer`: names the enclosing scopes use.
  void Body(ast::Body& body, const std::set<std::string>& outer) {
    std::set<std::string> seen = outer;
    auto collect = [&](Term& v) { seen.insert(v.get_if<ast::Var>()->name); };
    VarWalk<decltype(collect)>{collect, false}.InBody(body);
    for (ast::Expr& e : body) Nested(e, seen);
  }

 private:
  // Renames the shadowing declarations of one nested body, then recurses.
  // `heads`: the comprehension's term(s), which see the body's variables.
  void Scope(ast::Body& body, const std::set<std::string>& outer,
             std::initializer_list<Term*> heads = {}) {
    std::set<std::string> clash;
    for (const std::string& name : Declared(body)) {
      if (outer.count(name)) clash.insert(name);
    }
    if (!clash.empty()) {
      std::string suffix = "__s" + std::to_string(++counter_);
      auto rename = [&](Term& v) {
        auto* var = v.get_if<ast::Var>();
        if (clash.count(var->name)) var->name += suffix;
      };
      VarWalk<decltype(rename)> walk{rename, true};
      walk.InBody(body);
      for (Term* h : heads) walk.InTerm(*h);
    }
    Body(body, outer);
  }

  void NestedTerm(Term& t, const std::set<std::string>& outer) {
    if (auto* ac = t.get_if<ast::ArrayComprehension>()) {
      Scope(ac->body, outer, {&*ac->term});
    } else if (auto* sc = t.get_if<ast::SetComprehension>()) {
      Scope(sc->body, outer, {&*sc->term});
    } else if (auto* oc = t.get_if<ast::ObjectComprehension>()) {
      Scope(oc->body, outer, {&*oc->key, &*oc->value});
    } else if (auto* c = t.get_if<ast::Call>()) {
      for (Term& x : c->terms) NestedTerm(x, outer);
    } else if (auto* a = t.get_if<ast::Array>()) {
      for (Term& x : a->items) NestedTerm(x, outer);
    } else if (auto* o = t.get_if<ast::Object>()) {
      for (auto& i : o->items) NestedTerm(i.value, outer);
    }
  }

  void Nested(ast::Expr& e, const std::set<std::string>& outer) {
    if (auto* l = e.get_if<ast::Logical>()) {
      for (ast::Body& b : l->operands) Scope(b, outer);
    } else if (auto* ev = e.get_if<ast::Every>()) {
      Scope(ev->body, outer);
    } else if (auto* t = e.get_if<Term>()) {
      NestedTerm(*t, outer);
    } else if (auto* c = e.get_if<ast::Call>()) {
      for (Term& x : c->terms) NestedTerm(x, outer);
    }
  }

  int counter_ = 0;
};

}  // namespace

void RenameShadowingLocals(ast::Rule& rule) {
  std::set<std::string> outer;
  for (const Term& a : rule.head.args) AddVars(a, outer);
  Renamer r;
  r.Body(rule.body, outer);
  for (ast::ElseClause& el : rule.else_chain) r.Body(el.body, outer);
}

}  // namespace sluice::policy
