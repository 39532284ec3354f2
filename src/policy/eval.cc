// Bodies and expressions: negation, `some ... in`, `every`, logical
// operators and `with`.
#include "policy/eval.h"

namespace sluice::policy {

Evaluator::Evaluator(const CompiledPolicy& policy, const Value& data,
                     const std::optional<Value>& input, bool strict_builtin_errors)
    : policy_(policy), strict_(strict_builtin_errors) {
  state_.data = data;
  state_.input = input;
  bindings_.reserve(32);
}

void Evaluator::EvalQuery(const ast::Body& body, Cont on_solution) {
  (void)EvalBody(body, 0, on_solution);
}

const Value* Evaluator::Lookup(std::string_view name) const {
  for (size_t i = bindings_.size(); i > frame_base_; --i) {
    if (bindings_[i - 1].first == name) return &bindings_[i - 1].second;
  }
  return nullptr;
}

void Evaluator::Fail(const ast::Location& loc, std::string code, std::string text) {
  if (!error_) error_ = MakePolicyError(loc, std::move(code), std::move(text));
}

bool Evaluator::UnsafeVar(const ast::Term& var) {
  const auto* v = var.get_if<ast::Var>();
  Fail(var.location, "rego_unsafe_var_error", "var " + (v ? v->name : ast::ToString(var)) + " is unsafe");
  return false;
}

bool Evaluator::EvalBody(const ast::Body& body, size_t i, Cont k) {
  if (error_) return false;
  if (i == body.size()) return k();
  if ((++steps_ & 4095) == 0 && (limits_.cancel != nullptr || limits_.deadline)) {
    bool late = limits_.deadline && std::chrono::steady_clock::now() >= *limits_.deadline;
    if (late || (limits_.cancel != nullptr && limits_.cancel->cancelled())) {
      Fail(ast::Location{}, "eval_cancel_error",
           late ? "caller cancelled query execution: time limit reached" : "caller cancelled query execution");
      return false;
    }
  }
  return EvalExpr(body[i], [&] { return EvalBody(body, i + 1, k); });
}

bool Evaluator::EvalExpr(const ast::Expr& expr, Cont k) {
  if (expr.with.empty()) return EvalExprNoWith(expr, k);
  return EvalWith(expr, 0, [&](Cont c) { return EvalExprNoWith(expr, c); }, k);
}

bool Evaluator::EvalExprNoWith(const ast::Expr& expr, Cont k) {
  if (!expr.negated) return EvalExprPositive(expr, k);
  size_t mark = bindings_.size();
  bool found = false;
  (void)EvalExprPositive(expr, [&] {
    found = true;
    return false;
  });
  bindings_.resize(mark);
  if (error_) return false;
  if (found) return true;
  return k();
}

bool Evaluator::EvalExprPositive(const ast::Expr& expr, Cont k) {
  switch (expr.kind()) {
    case ast::ExprKind::kTerm:
      return EvalTerm(*expr.get_if<ast::Term>(), [&](const Value& v) {
        if (v.IsBoolean() && !v.AsBool()) return true;
        return k();
      });
    case ast::ExprKind::kCall:
      return EvalCallExpr(*expr.get_if<ast::Call>(), expr.location, k);
    case ast::ExprKind::kSome: {
      const auto& some = *expr.get_if<ast::SomeDecl>();
      if (!some.symbols.empty()) {
        if (const auto* call = some.symbols[0].get_if<ast::Call>()) return EvalSomeIn(*call, k);
      }
      return k();
    }
    case ast::ExprKind::kEvery:
      return EvalEvery(*expr.get_if<ast::Every>(), k);
    case ast::ExprKind::kLogical:
      return EvalLogical(*expr.get_if<ast::Logical>(), k);
  }
  return true;
}

bool Evaluator::EvalSomeIn(const ast::Call& call, Cont k) {
  bool three = call.terms.size() == 4;
  const ast::Term& domain = call.terms.back();
  return EvalTerm(domain, [&](const Value& coll) {
    auto visit = [&](const Value& key, const Value& val) {
      if (!three) return UnifyValue(call.terms[1], val, k);
      return UnifyValue(call.terms[1], key, [&] { return UnifyValue(call.terms[2], val, k); });
    };
    if (coll.IsArray()) {
      auto elems = coll.ArrayElems();
      for (size_t i = 0; i < elems.size(); ++i) {
        if (!visit(Value::Int(static_cast<int64_t>(i)), elems[i])) return false;
      }
    } else if (coll.IsObject()) {
      for (const ObjectEntry& e : coll.ObjectEntries()) {
        if (!visit(e.key, e.value)) return false;
      }
    } else if (coll.IsSet()) {
      for (const Value& e : coll.SetElems()) {
        if (!visit(e, e)) return false;
      }
    }
    return true;
  });
}

bool Evaluator::EvalEvery(const ast::Every& every, Cont k) {
  return EvalTerm(every.domain, [&](const Value& coll) {
    if (!coll.IsCollection()) return true;  // OPA: not iterable, so `every` fails
    bool all = true;
    auto check = [&](const Value& key, const Value& val) {
      size_t mark = bindings_.size();
      bool found = false;
      auto body = [&] {
        return EvalBody(every.body, 0, [&] {
          found = true;
          return false;
        });
      };
      if (every.key) {
        (void)UnifyValue(*every.key, key, [&] { return UnifyValue(every.value, val, body); });
      } else {
        (void)UnifyValue(every.value, val, body);
      }
      bindings_.resize(mark);
      if (!found) all = false;
      return found && !error_;
    };
    if (coll.IsArray()) {
      auto elems = coll.ArrayElems();
      for (size_t i = 0; i < elems.size() && all; ++i) {
        if (!check(Value::Int(static_cast<int64_t>(i)), elems[i])) break;
      }
    } else if (coll.IsObject()) {
      for (const ObjectEntry& e : coll.ObjectEntries()) {
        if (!check(e.key, e.value)) break;
      }
    } else if (coll.IsSet()) {
      for (const Value& e : coll.SetElems()) {
        if (!check(e, e)) break;
      }
    }
    if (error_) return false;
    return all ? k() : true;
  });
}

bool Evaluator::EvalLogical(const ast::Logical& logical, Cont k) {
  size_t mark = bindings_.size();
  auto holds = [&](const ast::Body& body) {
    bool found = false;
    (void)EvalBody(body, 0, [&] {
      found = true;
      return false;
    });
    bindings_.resize(mark);
    return found;
  };
  bool result = logical.op == ast::LogicalOp::kAnd;
  for (const ast::Body& b : logical.operands) {
    bool h = holds(b);
    if (error_) return false;
    if (logical.op == ast::LogicalOp::kAnd && !h) {
      result = false;
      break;
    }
    if (logical.op == ast::LogicalOp::kOr && h) {
      result = true;
      break;
    }
  }
  return result ? k() : true;
}

void Evaluator::SwapState(State& s) { std::swap(state_, s); }

namespace {

Value Upsert(const Value& doc, const std::vector<Value>& path, size_t i, const Value& v) {
  if (i == path.size()) return v;
  ObjectBuilder b;
  Value child = Value::Object({});
  for (const ObjectEntry& e : doc.ObjectEntries()) {
    if (e.key == path[i]) {
      child = e.value;
    } else {
      b.Insert(e.key, e.value);
    }
  }
  b.Insert(path[i], Upsert(child, path, i + 1, v));
  return std::move(b).Build();
}

}  // namespace

// Applies with[i..] one by one, evaluates the expression under them, and
// restores the outer state around each continuation call.
bool Evaluator::EvalWith(const ast::Expr& expr, size_t i, FnRef<bool(Cont)> body, Cont k) {
  if (i == expr.with.size()) return body(k);
  const ast::With& w = expr.with[i];
  const ast::Term& target = w.target;
  const ast::Ref* ref = target.get_if<ast::Ref>();
  const ast::Var* head = ref ? ref->terms[0].get_if<ast::Var>() : target.get_if<ast::Var>();
  bool is_input = head && head->name == "input";
  bool is_data = head && head->name == "data" && FunctionNode(target) == nullptr;

  auto run_with = [&](State& inner) {
    SwapState(inner);
    bool r = EvalWith(expr, i + 1, body, [&] {
      SwapState(inner);
      bool kr = k();
      SwapState(inner);
      return kr;
    });
    SwapState(inner);
    return r;
  };

  if (!is_input && !is_data) {
    // A function or builtin replaced by another function or by a value.
    std::string name = ref ? ast::ToString(*ref) : head->name;
    if (ref && ref->terms.size() > 1) {
      name.clear();
      for (size_t j = 0; j < ref->terms.size(); ++j) {
        if (j) name += ".";
        if (const auto* v = ref->terms[j].get_if<ast::Var>()) name += v->name;
        if (const auto* s = ref->terms[j].get_if<ast::String>()) name += s->value;
      }
    }
    const ast::Term& val = w.value;
    bool is_fn = FunctionNode(val) != nullptr ||
                 (val.is<ast::Var>() && policy_.builtins().Find(val.get_if<ast::Var>()->name)) ||
                 (val.is<ast::Ref>() && policy_.builtins().Find(ast::ToString(val)));
    State inner = state_;
    inner.cache.clear();
    if (is_fn) {
      inner.overrides[name] = Override{&val, Value(), false};
      return run_with(inner);
    }
    return EvalTerm(val, [&](const Value& v) {
      State in2 = state_;
      in2.cache.clear();
      in2.overrides[name] = Override{nullptr, v, true};
      return run_with(in2);
    });
  }

  return EvalTerm(w.value, [&](const Value& v) {
    // The path below input / data; only ground string-ish steps.
    std::vector<Value> path;
    bool ok = true;
    if (ref) {
      for (size_t j = 1; j < ref->terms.size(); ++j) {
        const ast::Term& t = ref->terms[j];
        if (const auto* s = t.get_if<ast::String>()) {
          path.push_back(Value::String(s->value));
        } else if (ast::IsGround(t)) {
          path.push_back(ScalarValue(t));
        } else {
          ok = false;
        }
      }
    }
    if (!ok) {
      Fail(w.location, "rego_compile_error", "with keyword target must be ground");
      return false;
    }
    State inner = state_;
    inner.cache.clear();
    if (is_input) {
      inner.input = Upsert(inner.input.value_or(Value::Object({})), path, 0, v);
    } else {
      inner.data = Upsert(inner.data, path, 0, v);
      const RuleNode* node = &policy_.root();
      for (const Value& step : path) {
        if (node == nullptr) break;
        if (!step.IsString()) {
          node = nullptr;
          break;
        }
        auto it = node->children.find(std::string(step.AsString()));
        node = it == node->children.end() ? nullptr : it->second.get();
        if (node && node->HasRules()) break;
      }
      if (node != nullptr) inner.masked.insert(node);
    }
    return run_with(inner);
  });
}

}  // namespace sluice::policy
