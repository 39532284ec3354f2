#include "policy/compile.h"

#include <set>
#include <unordered_map>
#include <utility>

namespace sluice::policy {

using ast::Term;

PolicyError MakePolicyError(const ast::Location& loc, std::string code, std::string text) {
  PolicyError e;
  e.code = code;
  if (loc.known()) {
    e.message = std::string(loc.file()) + ":" + std::to_string(loc.line) + ": ";
  }
  e.message += code + ": " + text;
  return e;
}

const RuleNode* CompiledPolicy::Find(const std::vector<std::string>& steps) const {
  const RuleNode* node = &root_;
  for (const std::string& s : steps) {
    auto it = node->children.find(s);
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
  }
  return node;
}

const RuleMetadata* CompiledPolicy::Metadata(const ast::Rule* rule) const {
  auto it = metadata_.find(rule);
  return it == metadata_.end() ? nullptr : &it->second;
}

namespace {

// Names visible in one rule (or query) body while resolving.
struct Scope {
  const std::vector<Term>* package = nullptr;     // data.a.b as terms; null for queries
  const std::set<std::string>* rule_names = nullptr;
  const std::unordered_map<std::string, std::vector<Term>>* aliases = nullptr;
  std::set<std::string> locals;
};

void CollectVars(const Term& t, std::set<std::string>& out) {
  if (const auto* v = t.get_if<ast::Var>()) {
    out.insert(v->name);
  } else if (const auto* a = t.get_if<ast::Array>()) {
    for (const Term& i : a->items) CollectVars(i, out);
  } else if (const auto* o = t.get_if<ast::Object>()) {
    for (const auto& i : o->items) CollectVars(i.value, out);
  }
}

void CollectLocals(const ast::Body& body, std::set<std::string>& out);

void CollectLocalsTerm(const Term& t, std::set<std::string>& out) {
  if (const auto* ac = t.get_if<ast::ArrayComprehension>()) CollectLocals(ac->body, out);
  if (const auto* sc = t.get_if<ast::SetComprehension>()) CollectLocals(sc->body, out);
  if (const auto* oc = t.get_if<ast::ObjectComprehension>()) CollectLocals(oc->body, out);
}

void CollectLocals(const ast::Body& body, std::set<std::string>& out) {
  for (const ast::Expr& e : body) {
    if (const auto* c = e.get_if<ast::Call>()) {
      if (ast::OperatorName(*c) == "assign" && c->terms.size() == 3) CollectVars(c->terms[1], out);
      for (size_t i = 1; i < c->terms.size(); ++i) CollectLocalsTerm(c->terms[i], out);
    } else if (const auto* s = e.get_if<ast::SomeDecl>()) {
      for (const Term& sym : s->symbols) {
        if (const auto* call = sym.get_if<ast::Call>()) {
          for (size_t i = 1; i + 1 < call->terms.size(); ++i) CollectVars(call->terms[i], out);
        } else {
          CollectVars(sym, out);
        }
      }
    } else if (const auto* ev = e.get_if<ast::Every>()) {
      if (ev->key) CollectVars(*ev->key, out);
      CollectVars(ev->value, out);
      CollectLocals(ev->body, out);
    } else if (const auto* l = e.get_if<ast::Logical>()) {
      for (const auto& b : l->operands) CollectLocals(b, out);
    } else if (const auto* t = e.get_if<Term>()) {
      CollectLocalsTerm(*t, out);
    }
  }
}

void ResolveBody(ast::Body& body, const Scope& scope);

// Replaces the head var of a ref-like term sequence when it names a rule or
// an alias; returns true when replaced.
bool ResolveHead(std::vector<Term>& terms, const Scope& scope) {
  const auto* v = terms[0].get_if<ast::Var>();
  if (v == nullptr || scope.locals.count(v->name)) return false;
  if (scope.aliases) {
    auto it = scope.aliases->find(v->name);
    if (it != scope.aliases->end()) {
      std::vector<Term> out = it->second;
      out.insert(out.end(), terms.begin() + 1, terms.end());
      terms = std::move(out);
      return true;
    }
  }
  if (scope.package && scope.rule_names && scope.rule_names->count(v->name)) {
    std::vector<Term> out = *scope.package;
    out.push_back(ast::MakeString(v->name, terms[0].location));
    out.insert(out.end(), terms.begin() + 1, terms.end());
    terms = std::move(out);
    return true;
  }
  return false;
}

void ResolveCall(ast::Call& c, const Scope& scope);

void ResolveTerm(Term& t, const Scope& scope) {
  if (t.is<ast::Var>()) {
    std::vector<Term> terms{t};
    if (ResolveHead(terms, scope)) {
      ast::Location loc = t.location;
      t = ast::MakeTerm(ast::Ref{std::move(terms)}, loc);
    }
  } else if (auto* r = t.get_if<ast::Ref>()) {
    ResolveHead(r->terms, scope);
    for (size_t i = 1; i < r->terms.size(); ++i) ResolveTerm(r->terms[i], scope);
    if (!r->terms[0].is<ast::Var>()) ResolveTerm(r->terms[0], scope);
  } else if (auto* a = t.get_if<ast::Array>()) {
    for (Term& i : a->items) ResolveTerm(i, scope);
  } else if (auto* s = t.get_if<ast::Set>()) {
    for (Term& i : s->items) ResolveTerm(i, scope);
  } else if (auto* o = t.get_if<ast::Object>()) {
    for (auto& i : o->items) {
      ResolveTerm(i.key, scope);
      ResolveTerm(i.value, scope);
    }
  } else if (auto* ac = t.get_if<ast::ArrayComprehension>()) {
    ResolveTerm(*ac->term, scope);
    ResolveBody(ac->body, scope);
  } else if (auto* sc = t.get_if<ast::SetComprehension>()) {
    ResolveTerm(*sc->term, scope);
    ResolveBody(sc->body, scope);
  } else if (auto* oc = t.get_if<ast::ObjectComprehension>()) {
    ResolveTerm(*oc->key, scope);
    ResolveTerm(*oc->value, scope);
    ResolveBody(oc->body, scope);
  } else if (auto* call = t.get_if<ast::Call>()) {
    ResolveCall(*call, scope);
  } else if (auto* ts = t.get_if<ast::TemplateString>()) {
    for (auto& p : ts->parts) {
      if (auto* e = std::get_if<ast::Expr>(&p.value)) {
        ast::Body b;
        b.push_back(std::move(*e));
        ResolveBody(b, scope);
        *e = std::move(b[0]);
      }
    }
  }
}

void ResolveCall(ast::Call& c, const Scope& scope) {
  if (auto* op = c.terms[0].get_if<ast::Ref>()) ResolveHead(op->terms, scope);
  for (size_t i = 1; i < c.terms.size(); ++i) ResolveTerm(c.terms[i], scope);
}

void ResolveBody(ast::Body& body, const Scope& scope) {
  for (ast::Expr& e : body) {
    if (auto* t = e.get_if<Term>()) {
      ResolveTerm(*t, scope);
    } else if (auto* c = e.get_if<ast::Call>()) {
      ResolveCall(*c, scope);
    } else if (auto* s = e.get_if<ast::SomeDecl>()) {
      for (Term& sym : s->symbols) {
        if (auto* call = sym.get_if<ast::Call>()) ResolveCall(*call, scope);
      }
    } else if (auto* ev = e.get_if<ast::Every>()) {
      ResolveTerm(ev->domain, scope);
      ResolveBody(ev->body, scope);
    } else if (auto* l = e.get_if<ast::Logical>()) {
      for (auto& b : l->operands) ResolveBody(b, scope);
    }
    for (ast::With& w : e.with) {
      ResolveTerm(w.value, scope);
      if (w.target.is<ast::Var>()) {
        ResolveTerm(w.target, scope);
      } else if (auto* r = w.target.get_if<ast::Ref>()) {
        ResolveHead(r->terms, scope);
      }
    }
  }
}

// A function argument unification can match against a value: variables
// and scalars, in arrays and objects (with ground keys).
bool IsArgPattern(const Term& t) {
  switch (t.kind()) {
    case ast::TermKind::kVar:
    case ast::TermKind::kNull:
    case ast::TermKind::kBoolean:
    case ast::TermKind::kNumber:
    case ast::TermKind::kString:
      return true;
    case ast::TermKind::kArray:
      for (const Term& i : t.get_if<ast::Array>()->items) {
        if (!IsArgPattern(i)) return false;
      }
      return true;
    case ast::TermKind::kObject:
      for (const auto& i : t.get_if<ast::Object>()->items) {
        if (!ast::IsGround(i.key) || !IsArgPattern(i.value)) return false;
      }
      return true;
    default:
      return ast::IsGround(t);
  }
}

// A function argument that must be computed (a template string, a ref, a
// call) becomes a fresh variable compared with it at the end of the body
// (and of each else body), where it may use variables the body binds:
// `f($"{x}") if { x = "a" }`.
void ComputedArgsToBody(ast::Rule& rule) {
  for (size_t i = 0; i < rule.head.args.size(); ++i) {
    Term& arg = rule.head.args[i];
    if (IsArgPattern(arg)) continue;
    ast::Location loc = arg.location;
    Term var = ast::MakeVar("__arg" + std::to_string(i) + "__", loc);
    ast::Expr eq;
    eq.location = loc;
    eq.generated = true;
    eq.value = ast::Call{{ast::MakeOperatorRef("eq", loc), var, std::move(arg)}};
    arg = var;
    for (ast::ElseClause& el : rule.else_chain) el.body.push_back(eq);
    rule.body.push_back(std::move(eq));
  }
}

std::string PathString(const std::vector<std::string>& steps) {
  std::string s = "data";
  for (const auto& p : steps) s += "." + p;
  return s;
}

}  // namespace

class Compiler {
 public:
  explicit Compiler(PolicyError* error) : error_(error) {}

  std::unique_ptr<CompiledPolicy> Run(std::vector<ast::Module> modules,
                                      const BuiltinRegistry& builtins) {
    auto policy = std::make_unique<CompiledPolicy>();
    policy->builtins_ = &builtins;
    policy->modules_ = std::move(modules);
    // Rule names per package.
    std::map<std::string, std::set<std::string>> names;
    for (const ast::Module& m : policy->modules_) {
      for (const ast::Rule& r : m.rules) names[ast::ToString(m.package.path)].insert(r.head.name());
    }
    for (ast::Module& m : policy->modules_) {
      std::unordered_map<std::string, std::vector<Term>> aliases;
      for (const ast::Import& imp : m.imports) {
        const auto& terms = imp.path.terms;
        const auto* head = terms[0].get_if<ast::Var>();
        if (head == nullptr || (head->name != "data" && head->name != "input")) continue;
        std::string alias = imp.alias;
        if (alias.empty()) {
          if (const auto* s = terms.back().get_if<ast::String>()) {
            alias = s->value;
          } else if (const auto* v = terms.back().get_if<ast::Var>()) {
            alias = v->name;
          }
        }
        if (terms.size() == 1 && alias == head->name) continue;
        aliases[alias] = terms;
      }
      const std::set<std::string>& rule_names = names[ast::ToString(m.package.path)];
      std::vector<std::string> pkg_steps;
      for (size_t i = 1; i < m.package.path.terms.size(); ++i) {
        if (const auto* s = m.package.path.terms[i].get_if<ast::String>()) pkg_steps.push_back(s->value);
      }
      // Packages exist (as {}) even without rules.
      RuleNode* pkg_node = &policy->root_;
      for (const std::string& s : pkg_steps) {
        auto& child = pkg_node->children[s];
        if (!child) {
          child = std::make_unique<RuleNode>();
          child->name = s;
        }
        pkg_node = child.get();
      }
      for (ast::Rule& rule : m.rules) {
        Scope scope;
        scope.package = &m.package.path.terms;
        scope.rule_names = &rule_names;
        scope.aliases = &aliases;
        if (rule.head.kind == ast::RuleKind::kFunction) ComputedArgsToBody(rule);
        RenameShadowingLocals(rule);
        for (const Term& a : rule.head.args) CollectVars(a, scope.locals);
        CollectLocals(rule.body, scope.locals);
        for (auto& el : rule.else_chain) CollectLocals(el.body, scope.locals);
        // Head-only variables (`deny[msg]`) stay variables.
        ResolveBody(rule.body, scope);
        for (auto& el : rule.else_chain) {
          ResolveBody(el.body, scope);
          ResolveTerm(el.value, scope);
        }
        if (rule.head.value) ResolveTerm(*rule.head.value, scope);
        if (rule.head.key) ResolveTerm(*rule.head.key, scope);
        for (size_t i = 1; i < rule.head.ref.terms.size(); ++i) ResolveTerm(rule.head.ref.terms[i], scope);
        std::set<std::string> args;
        for (const Term& a : rule.head.args) CollectVars(a, args);
        ReorderForSafety(rule.body, args, builtins);
        for (auto& el : rule.else_chain) ReorderForSafety(el.body, args, builtins);
        if (!Place(policy->root_, pkg_steps, rule)) return nullptr;
      }
    }
    Result<MetadataMap> metadata = CollectMetadata(policy->modules_);
    if (!metadata.ok()) {
      *error_ = PolicyError{"rego_parse_error", metadata.status().message()};
      return nullptr;
    }
    policy->metadata_ = std::move(metadata).value();
    return policy;
  }

 private:
  bool Place(RuleNode& root, const std::vector<std::string>& pkg_steps, const ast::Rule& rule) {
    std::vector<std::string> steps = pkg_steps;
    const auto& ref = rule.head.ref.terms;
    steps.push_back(rule.head.name());
    size_t i = 1;
    for (; i < ref.size(); ++i) {
      const auto* s = ref[i].get_if<ast::String>();
      if (s == nullptr) break;
      steps.push_back(s->value);
    }
    RuleNode* node = &root;
    for (const std::string& s : steps) {
      auto& child = node->children[s];
      if (!child) {
        child = std::make_unique<RuleNode>();
        child->name = s;
      }
      node = child.get();
    }
    node->path = PathString(steps);
    ast::RuleKind kind = rule.head.kind;
    if (node->HasRules() && node->kind != kind) {
      *error_ = MakePolicyError(rule.location, "rego_type_error",
                                "conflicting rules " + node->path + " found");
      return false;
    }
    if (node->kind == ast::RuleKind::kFunction && !node->rules.empty() &&
        node->rules[0]->head.args.size() != rule.head.args.size()) {
      *error_ = MakePolicyError(rule.location, "rego_type_error",
                                "conflicting rules " + node->path + " found");
      return false;
    }
    node->kind = kind;
    if (rule.is_default) {
      if (node->default_rule != nullptr) {
        *error_ = MakePolicyError(rule.location, "rego_type_error",
                                  "multiple default rules " + node->path + " found");
        return false;
      }
      node->default_rule = &rule;
      return true;
    }
    node->rules.push_back(&rule);
    std::vector<const Term*> suffix;
    for (; i < ref.size(); ++i) suffix.push_back(&ref[i]);
    node->suffixes.push_back(std::move(suffix));
    return true;
  }

  PolicyError* error_;
};

std::unique_ptr<CompiledPolicy> Compile(std::vector<ast::Module> modules,
                                        const BuiltinRegistry& builtins, PolicyError* error) {
  return Compiler(error).Run(std::move(modules), builtins);
}

void ResolveQuery(ast::Body& body, const BuiltinRegistry& builtins) {
  Scope scope;
  ResolveBody(body, scope);
  ReorderForSafety(body, {}, builtins);
}

}  // namespace sluice::policy
