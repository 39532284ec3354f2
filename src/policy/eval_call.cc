// Calls: operators, builtins (through the registry), user functions, and
// `with` replacements of either.
#include "policy/builtins.h"
#include "policy/eval.h"

namespace sluice::policy {

const RuleNode* Evaluator::FunctionNode(const ast::Term& op) const {
  const auto* ref = op.get_if<ast::Ref>();
  if (ref == nullptr) return nullptr;
  const auto* head = ref->terms[0].get_if<ast::Var>();
  if (head == nullptr || head->name != "data") return nullptr;
  const RuleNode* node = &policy_.root();
  for (size_t i = 1; i < ref->terms.size(); ++i) {
    const auto* s = ref->terms[i].get_if<ast::String>();
    if (s == nullptr) return nullptr;
    auto it = node->children.find(s->value);
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
  }
  return node->kind == ast::RuleKind::kFunction && node->HasRules() ? node : nullptr;
}

// Evaluates call.terms[1..end] into vals[0..end-1]. Arguments that are
// unbound variables go last, so that a ref argument can bind them first
// (`x == xs[x]`).
bool Evaluator::EvalArgs(const ast::Call& call, size_t i, size_t end, std::vector<Value>& vals,
                         Cont k) {
  vals.assign(end, Value());
  uint64_t late = 0;  // bit per argument (calls have few)
  for (size_t j = 1; j <= end && j < 64; ++j) {
    if (call.terms[j].is<ast::Var>() && NeedsBinding(call.terms[j])) late |= uint64_t{1} << j;
  }
  struct Step {
    Evaluator* self;
    const ast::Call& call;
    size_t end;
    uint64_t late;
    std::vector<Value>& vals;
    Cont k;
    // pass 0: arguments not in `late`; pass 1: the rest.
    bool Run(size_t j, int pass) {
      if (j > end) return pass == 0 && late != 0 ? Run(1, 1) : k();
      bool is_late = j < 64 && ((late >> j) & 1u);
      if (is_late != (pass == 1)) return Run(j + 1, pass);
      return self->EvalTerm(call.terms[j], [&](const Value& v) {
        vals[j - 1] = v;
        return Run(j + 1, pass);
      });
    }
  };
  Step step{this, call, end, late, vals, k};
  return step.Run(i, 0);
}

bool Evaluator::EvalCallExpr(const ast::Call& call, const ast::Location& loc, Cont k) {
  std::string name = ast::OperatorName(call);
  size_t nargs = call.terms.size() - 1;
  if (name == "eq" || name == "assign") return Unify(call.terms[1], call.terms[2], k);
  if (name == "print") return k();
  size_t arity = nargs;
  if (const RuleNode* fn = FunctionNode(call.terms[0])) {
    arity = fn->rules.empty() ? fn->default_rule->head.args.size() : fn->rules[0]->head.args.size();
  } else if (const Builtin* b = policy_.builtins().Find(name)) {
    if (b->arity >= 0) arity = static_cast<size_t>(b->arity);
  }
  if (nargs == arity + 1) {
    return EvalCall(call, arity, loc,
                    [&](const Value& v) { return UnifyValue(call.terms.back(), v, k); });
  }
  return EvalCall(call, nargs, loc, [&](const Value& v) {
    if (v.IsBoolean() && !v.AsBool()) return true;
    return k();
  });
}

bool Evaluator::EvalCall(const ast::Call& call, size_t n_inputs, const ast::Location& loc,
                         ValueCont k) {
  std::string name = ast::OperatorName(call);
  const ast::Term* op = &call.terms[0];
  bool mocked = false;
  std::vector<Value> vals;
  vals.reserve(n_inputs);
  if (!state_.overrides.empty()) {
    auto it = state_.overrides.find(name);
    if (it != state_.overrides.end()) {
      if (it->second.is_value) {
        // The arguments are still evaluated: undefined ones make the call
        // undefined, as in OPA.
        Value v = it->second.value;
        return EvalArgs(call, 1, n_inputs, vals, [&] { return k(v); });
      }
      op = it->second.replacement;
      mocked = true;
      name.clear();
      const auto* r = op->get_if<ast::Ref>();
      if (r == nullptr) {
        name = op->get_if<ast::Var>() ? op->get_if<ast::Var>()->name : ast::ToString(*op);
      } else {
        for (size_t j = 0; j < r->terms.size(); ++j) {
          if (j) name += ".";
          if (const auto* v = r->terms[j].get_if<ast::Var>()) name += v->name;
          if (const auto* s = r->terms[j].get_if<ast::String>()) name += s->value;
        }
      }
    }
  }
  if (const RuleNode* fn = FunctionNode(*op)) {
    if (!mocked) {
      return EvalArgs(call, 1, n_inputs, vals, [&] { return CallFunction(*fn, vals, loc, k); });
    }
    // Inside a mock no mock applies (it may call the function it replaces),
    // and nothing it computes may reach the mocked state's cache.
    return EvalArgs(call, 1, n_inputs, vals, [&] {
      std::map<std::string, Override> saved_overrides;
      std::unordered_map<const RuleNode*, std::optional<Value>> saved_cache;
      std::swap(saved_overrides, state_.overrides);
      std::swap(saved_cache, state_.cache);
      std::optional<Value> got;
      (void)CallFunction(*fn, vals, loc, [&](const Value& v) {
        got = v;
        return true;
      });
      std::swap(saved_overrides, state_.overrides);
      std::swap(saved_cache, state_.cache);
      if (error_) return false;
      return got ? k(*got) : true;
    });
  }
  if (name == "rego.metadata.rule" || name == "rego.metadata.chain") {
    // Compile-time values in OPA: the annotations of the rule being evaluated.
    const RuleMetadata* m = current_rule_ ? policy_.Metadata(current_rule_) : nullptr;
    if (m == nullptr) return k(name == "rego.metadata.rule" ? Value::Object({}) : Value::Array({}));
    return k(name == "rego.metadata.rule" ? m->rule : m->chain);
  }
  const Builtin* b = policy_.builtins().Find(name);
  if (b == nullptr || !b->callable()) {
    if (name == "print") return k(Value::Boolean(true));
    Fail(loc, "rego_type_error", "undefined function " + name);
    return false;
  }
  if (b->arity >= 0 && n_inputs != static_cast<size_t>(b->arity)) {
    Fail(loc, "rego_type_error",
         name + ": arity mismatch: expected " + std::to_string(b->arity) + " arguments");
    return false;
  }
  return EvalArgs(call, 1, n_inputs, vals, [&] {
    bool stopped = false;
    BuiltinOutcome out;
    if (b->relation != nullptr) {
      out = b->relation(vals, [&](const Value& v) {
        if (k(v) && !error_) return true;
        stopped = true;
        return false;
      });
      if (stopped) return false;
    } else {
      out = b->fn ? b->fn(vals) : b->context_fn(vals, builtin_context_);
    }
    switch (out.state) {
      case BuiltinOutcome::State::kValue:
        return k(out.value);
      case BuiltinOutcome::State::kUndefined:
        return true;
      case BuiltinOutcome::State::kError:
        if (strict_ && !builtin_error_) {
          builtin_error_ = MakePolicyError(loc, out.code, name + ": " + out.message);
        }
        return true;
    }
    return true;
  });
}

bool Evaluator::CallFunction(const RuleNode& node, const std::vector<Value>& args,
                             const ast::Location& loc, ValueCont k) {
  // Functions may recurse only through different arguments in OPA's
  // compiler, which rejects recursion statically; we have no static check
  // yet, so a deep call chain is reported as recursion instead of
  // overflowing the stack.
  if (call_depth_ >= 64) {
    const ast::Rule* first = node.rules.empty() ? node.default_rule : node.rules[0];
    Fail(first->location, "rego_recursion_error", "rule " + node.path + " is recursive");
    return false;
  }
  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& depth) : d(depth) { ++d; }
    ~DepthGuard() { --d; }
  } guard(call_depth_);
  std::optional<Value> result;
  for (const ast::Rule* rule : node.rules) {
    size_t saved_base = frame_base_;
    size_t mark = bindings_.size();
    frame_base_ = mark;
    (void)UnifyItems(rule->head.args, args, 0, [&] {
      return EvalRuleBodies(*rule, [&](const ast::Term& value) {
        return EvalTerm(value, [&](const Value& v) {
          if (result && !(*result == v)) {
            Fail(rule->location, "eval_conflict_error",
                 "functions must not produce multiple outputs for same inputs");
            return false;
          }
          result = v;
          return true;
        });
      });
    });
    bindings_.resize(mark);
    frame_base_ = saved_base;
    if (error_) return false;
  }
  if (!result && node.default_rule != nullptr && node.default_rule->head.value) {
    size_t saved_base = frame_base_;
    frame_base_ = bindings_.size();
    (void)EvalTerm(*node.default_rule->head.value, [&](const Value& v) {
      result = v;
      return false;
    });
    frame_base_ = saved_base;
  }
  (void)loc;
  if (error_) return false;
  if (!result) return true;
  Value v = *result;
  return k(v);
}

}  // namespace sluice::policy
