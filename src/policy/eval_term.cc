// Terms: scalars, composites, comprehensions, refs (base and virtual
// documents) and unification.
#include "policy/eval.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {

Value ScalarValue(const ast::Term& term) {
  switch (term.kind()) {
    case ast::TermKind::kBoolean:
      return Value::Boolean(term.get_if<ast::Boolean>()->value);
    case ast::TermKind::kNumber: {
      Result<Number> n = Number::Parse(term.get_if<ast::Number>()->text);
      return n.ok() ? Value(std::move(n).value()) : Value();
    }
    case ast::TermKind::kString:
      return Value::String(term.get_if<ast::String>()->value);
    default:
      return Value();
  }
}

bool Evaluator::Bind(std::string_view name, const Value& v, Cont k) {
  bindings_.emplace_back(name, v);
  bool r = k();
  bindings_.pop_back();
  return r;
}

bool Evaluator::EvalItems(const std::vector<ast::Term>& items, size_t i, std::vector<Value>& acc,
                          Cont k) {
  if (i == items.size()) return k();
  return EvalTerm(items[i], [&](const Value& v) {
    acc.push_back(v);
    bool r = EvalItems(items, i + 1, acc, k);
    acc.pop_back();
    return r;
  });
}

bool Evaluator::EvalObjectItems(const std::vector<ast::ObjectItem>& items, size_t i,
                                std::vector<ObjectEntry>& acc, Cont k) {
  if (i == items.size()) return k();
  return EvalTerm(items[i].key, [&](const Value& key) {
    return EvalTerm(items[i].value, [&](const Value& val) {
      acc.push_back(ObjectEntry{key, val});
      bool r = EvalObjectItems(items, i + 1, acc, k);
      acc.pop_back();
      return r;
    });
  });
}

bool Evaluator::EvalTerm(const ast::Term& term, ValueCont k) {
  if (error_) return false;
  switch (term.kind()) {
    case ast::TermKind::kNull:
    case ast::TermKind::kBoolean:
    case ast::TermKind::kNumber:
    case ast::TermKind::kString:
      return k(ScalarValue(term));
    case ast::TermKind::kVar: {
      const Value* v = Lookup(term.get_if<ast::Var>()->name);
      if (v == nullptr) return UnsafeVar(term);
      Value copy = *v;  // the binding stack may grow under k
      return k(copy);
    }
    case ast::TermKind::kRef:
      return EvalRef(*term.get_if<ast::Ref>(), k);
    case ast::TermKind::kArray: {
      std::vector<Value> acc;
      const auto& items = term.get_if<ast::Array>()->items;
      return EvalItems(items, 0, acc, [&] { return k(Value::Array(acc)); });
    }
    case ast::TermKind::kSet: {
      std::vector<Value> acc;
      const auto& items = term.get_if<ast::Set>()->items;
      return EvalItems(items, 0, acc, [&] { return k(Value::Set(acc)); });
    }
    case ast::TermKind::kObject: {
      std::vector<ObjectEntry> acc;
      const auto& items = term.get_if<ast::Object>()->items;
      return EvalObjectItems(items, 0, acc, [&] { return k(Value::Object(acc)); });
    }
    case ast::TermKind::kArrayComprehension:
    case ast::TermKind::kSetComprehension:
    case ast::TermKind::kObjectComprehension:
      return Comprehension(term, k);
    case ast::TermKind::kCall: {
      const auto& call = *term.get_if<ast::Call>();
      return EvalCall(call, call.terms.size() - 1, term.location, k);
    }
    case ast::TermKind::kTemplateString:
      return TemplateString(*term.get_if<ast::TemplateString>(), k);
  }
  return true;
}

bool Evaluator::Comprehension(const ast::Term& term, ValueCont k) {
  size_t mark = bindings_.size();
  std::vector<Value> elems;
  std::vector<ObjectEntry> entries;
  bool conflict = false;
  if (const auto* c = term.get_if<ast::ArrayComprehension>()) {
    (void)EvalBody(c->body, 0, [&] {
      return EvalTerm(*c->term, [&](const Value& v) {
        elems.push_back(v);
        return true;
      });
    });
  } else if (const auto* sc = term.get_if<ast::SetComprehension>()) {
    (void)EvalBody(sc->body, 0, [&] {
      return EvalTerm(*sc->term, [&](const Value& v) {
        elems.push_back(v);
        return true;
      });
    });
  } else if (const auto* oc = term.get_if<ast::ObjectComprehension>()) {
    (void)EvalBody(oc->body, 0, [&] {
      return EvalTerm(*oc->key, [&](const Value& key) {
        return EvalTerm(*oc->value, [&](const Value& val) {
          for (const ObjectEntry& e : entries) {
            if (e.key == key && !(e.value == val)) {
              conflict = true;
              return false;
            }
          }
          entries.push_back(ObjectEntry{key, val});
          return true;
        });
      });
    });
  }
  bindings_.resize(mark);
  if (conflict) {
    Fail(term.location, "eval_conflict_error", "object keys must be unique");
    return false;
  }
  if (error_) return false;
  if (term.is<ast::ArrayComprehension>()) return k(Value::Array(std::move(elems)));
  if (term.is<ast::SetComprehension>()) return k(Value::Set(std::move(elems)));
  return k(Value::Object(std::move(entries)));
}

bool Evaluator::TemplateString(const ast::TemplateString& ts, ValueCont k) {
  std::string out;
  for (const ast::TemplatePart& part : ts.parts) {
    if (const auto* t = std::get_if<ast::Term>(&part.value)) {
      if (const auto* s = t->get_if<ast::String>()) {
        out += s->value;
      } else {
        AppendRego(out, ScalarValue(*t));
      }
      continue;
    }
    const ast::Expr& e = std::get<ast::Expr>(part.value);
    std::optional<Value> got;
    size_t mark = bindings_.size();
    if (const auto* t = e.get_if<ast::Term>()) {
      auto capture = [&](Cont c) {
        return EvalTerm(*t, [&](const Value& v) {
          got = v;
          return c();
        });
      };
      (void)EvalWith(e, 0, capture, [] { return false; });
    } else if (const auto* c = e.get_if<ast::Call>()) {
      (void)EvalCall(*c, c->terms.size() - 1, e.location, [&](const Value& v) {
        got = v;
        return false;
      });
    }
    bindings_.resize(mark);
    if (error_) return false;
    if (!got) {
      out += "<undefined>";
    } else if (got->IsString()) {
      out += got->AsString();
    } else {
      AppendRego(out, *got);
    }
  }
  return k(Value::String(out));
}

// A term "needs binding" when it has an unbound variable where unification
// could bind it: at the top or inside array / object values (not in refs,
// calls or comprehensions, which evaluate).
bool Evaluator::NeedsBinding(const ast::Term& term) const {
  if (const auto* v = term.get_if<ast::Var>()) return Lookup(v->name) == nullptr;
  if (const auto* a = term.get_if<ast::Array>()) {
    for (const ast::Term& t : a->items) {
      if (NeedsBinding(t)) return true;
    }
  } else if (const auto* o = term.get_if<ast::Object>()) {
    for (const auto& item : o->items) {
      if (NeedsBinding(item.value)) return true;
    }
  }
  return false;
}

bool Evaluator::Unify(const ast::Term& a, const ast::Term& b, Cont k) {
  if (!NeedsBinding(a)) return EvalTerm(a, [&](const Value& va) { return UnifyValue(b, va, k); });
  if (!NeedsBinding(b)) return EvalTerm(b, [&](const Value& vb) { return UnifyValue(a, vb, k); });
  const auto* aa = a.get_if<ast::Array>();
  const auto* ba = b.get_if<ast::Array>();
  if (aa && ba) {
    if (aa->items.size() != ba->items.size()) return true;
    // Pairwise, each pair re-checked as earlier pairs bind variables.
    struct Step {
      Evaluator* self;
      const std::vector<ast::Term>& x;
      const std::vector<ast::Term>& y;
      Cont k;
      bool Run(size_t i) {
        if (i == x.size()) return k();
        return self->Unify(x[i], y[i], [&] { return Run(i + 1); });
      }
    };
    Step step{this, aa->items, ba->items, k};
    return step.Run(0);
  }
  const auto* ao = a.get_if<ast::Object>();
  const auto* bo = b.get_if<ast::Object>();
  if (ao && bo) {
    if (ao->items.size() != bo->items.size()) return true;
    // Match items by (ground) key, then unify the values pairwise.
    std::vector<std::pair<const ast::Term*, const ast::Term*>> pairs;
    for (const auto& ai : ao->items) {
      if (!ast::IsGround(ai.key)) return UnsafeVar(a);
      Value ak = ScalarValue(ai.key);
      const ast::Term* match = nullptr;
      for (const auto& bi : bo->items) {
        if (ast::IsGround(bi.key) && ScalarValue(bi.key) == ak) match = &bi.value;
      }
      if (match == nullptr) return true;
      pairs.emplace_back(&ai.value, match);
    }
    struct Step {
      Evaluator* self;
      const std::vector<std::pair<const ast::Term*, const ast::Term*>>& pairs;
      Cont k;
      bool Run(size_t i) {
        if (i == pairs.size()) return k();
        return self->Unify(*pairs[i].first, *pairs[i].second, [&] { return Run(i + 1); });
      }
    };
    Step step{this, pairs, k};
    return step.Run(0);
  }
  if ((aa && bo) || (ba && ao)) return true;
  return UnsafeVar(a.is<ast::Var>() ? a : b);
}

bool Evaluator::UnifyItems(const std::vector<ast::Term>& pats, std::span<const Value> vals,
                           size_t i, Cont k) {
  if (i == pats.size()) return k();
  return UnifyValue(pats[i], vals[i], [&] { return UnifyItems(pats, vals, i + 1, k); });
}

bool Evaluator::UnifyObject(const ast::Object& pat, const Value& v, size_t i, Cont k) {
  if (i == pat.items.size()) return k();
  return EvalTerm(pat.items[i].key, [&](const Value& key) {
    const Value* got = v.Find(key);
    if (got == nullptr) return true;
    Value copy = *got;
    return UnifyValue(pat.items[i].value, copy, [&] { return UnifyObject(pat, v, i + 1, k); });
  });
}

bool Evaluator::UnifyValue(const ast::Term& pattern, const Value& v, Cont k) {
  if (error_) return false;
  if (const auto* var = pattern.get_if<ast::Var>()) {
    const Value* bound = Lookup(var->name);
    if (bound != nullptr) return *bound == v ? k() : true;
    return Bind(var->name, v, k);
  }
  if (const auto* a = pattern.get_if<ast::Array>()) {
    if (!v.IsArray() || v.size() != a->items.size()) return true;
    return UnifyItems(a->items, v.ArrayElems(), 0, k);
  }
  if (const auto* o = pattern.get_if<ast::Object>()) {
    if (NeedsBinding(pattern)) {
      if (!v.IsObject() || v.size() != o->items.size()) return true;
      return UnifyObject(*o, v, 0, k);
    }
  }
  return EvalTerm(pattern, [&](const Value& x) { return x == v ? k() : true; });
}

bool Evaluator::EvalRef(const ast::Ref& ref, ValueCont k) {
  const ast::Term& head = ref.terms[0];
  if (const auto* v = head.get_if<ast::Var>()) {
    if (v->name == "input") {
      if (!state_.input) return true;
      Value in = *state_.input;
      return WalkValue(in, ref, 1, k);
    }
    if (v->name == "data") {
      Value base = state_.data;
      return EvalDataRef(&policy_.root(), &base, ref, 1, k);
    }
    const Value* bound = Lookup(v->name);
    if (bound == nullptr) return UnsafeVar(head);
    Value copy = *bound;
    return WalkValue(copy, ref, 1, k);
  }
  return EvalTerm(head, [&](const Value& hv) { return WalkValue(hv, ref, 1, k); });
}

bool Evaluator::WalkValue(const Value& v, const ast::Ref& ref, size_t i, ValueCont k) {
  if (i == ref.terms.size()) return k(v);
  const ast::Term& key = ref.terms[i];
  if (!NeedsBinding(key)) {
    if (const auto* s = key.get_if<ast::String>(); s != nullptr && !v.IsSet()) {
      const Value* next = v.Find(s->value);
      if (next == nullptr) return true;
      return WalkValue(*next, ref, i + 1, k);
    }
    return EvalTerm(key, [&](const Value& kv) {
      const Value* next = v.Get(kv);
      if (next == nullptr) return true;
      return WalkValue(*next, ref, i + 1, k);
    });
  }
  // Iterate the collection, unifying the key pattern with each key.
  if (v.IsArray()) {
    auto elems = v.ArrayElems();
    for (size_t j = 0; j < elems.size(); ++j) {
      if (!UnifyValue(key, Value::Int(static_cast<int64_t>(j)),
                      [&] { return WalkValue(elems[j], ref, i + 1, k); })) {
        return false;
      }
    }
  } else if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (!UnifyValue(key, e.key, [&] { return WalkValue(e.value, ref, i + 1, k); })) return false;
    }
  } else if (v.IsSet()) {
    for (const Value& e : v.SetElems()) {
      if (!UnifyValue(key, e, [&] { return WalkValue(e, ref, i + 1, k); })) return false;
    }
  }
  return true;
}

namespace {

const Value* StoreGet(const Value& doc, const Value& key) {
  const Value* v = doc.Get(key);
  if (v == nullptr && key.IsNumber() && doc.IsObject()) v = doc.Find(ToJson(key));
  return v;
}

}  // namespace

bool Evaluator::WalkBase(const Value& v, const ast::Ref& ref, size_t i, ValueCont k) {
  if (i == ref.terms.size() || NeedsBinding(ref.terms[i])) return WalkValue(v, ref, i, k);
  return EvalTerm(ref.terms[i], [&](const Value& kv) {
    const Value* next = StoreGet(v, kv);
    if (next == nullptr) return true;
    return WalkBase(*next, ref, i + 1, k);
  });
}

bool Evaluator::EvalDataRef(const RuleNode* node, const Value* base, const ast::Ref& ref, size_t i,
                            ValueCont k) {
  if (node == nullptr || state_.masked.count(node)) {
    if (base == nullptr) return true;
    return WalkBase(*base, ref, i, k);
  }
  if (node->HasRules()) {
    if (node->kind == ast::RuleKind::kFunction) return true;
    std::optional<Value> v = NodeMerged(*node);
    if (error_) return false;
    if (!v) return true;
    return WalkValue(*v, ref, i, k);
  }
  if (i < ref.terms.size() && !NeedsBinding(ref.terms[i])) {
    return EvalTerm(ref.terms[i], [&](const Value& kv) {
      const Value* sub = base ? StoreGet(*base, kv) : nullptr;
      const RuleNode* child = nullptr;
      if (kv.IsString()) {
        auto it = node->children.find(std::string(kv.AsString()));
        if (it != node->children.end()) child = it->second.get();
      }
      if (child == nullptr) {
        if (sub == nullptr) return true;
        return WalkBase(*sub, ref, i + 1, k);
      }
      return EvalDataRef(child, sub, ref, i + 1, k);
    });
  }
  std::optional<Value> full = NodeFullValue(node, base);
  if (error_) return false;
  if (!full) return true;
  if (node == &policy_.root() && full->IsObject()) {
    // OPA hides data.system from reads of the whole data document.
    ObjectBuilder visible;
    for (const ObjectEntry& e : full->ObjectEntries()) {
      if (!(e.key.IsString() && e.key.AsString() == "system")) visible.Insert(e.key, e.value);
    }
    Value v = std::move(visible).Build();
    return WalkValue(v, ref, i, k);
  }
  return WalkValue(*full, ref, i, k);
}

}  // namespace sluice::policy
