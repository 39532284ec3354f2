// Virtual documents: the value of a rule-tree node (complete rules, partial
// sets, partial objects, defaults and else chains), cached per evaluation.
#include <cstdint>
#include <map>

#include "policy/eval.h"

namespace sluice::policy {
namespace {

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Compare(a, b) < 0; }
};

struct PathValue {
  std::vector<Value> path;
  Value value;
  bool set_member = false;  // a partial set's element: leaves collect into a set
};

// Nests entries by their paths; false on two different values at one path,
// or a value where another entry needs an object.
bool BuildNested(const std::vector<const PathValue*>& entries, size_t depth, Value& out) {
  std::map<Value, std::vector<const PathValue*>, ValueLess> groups;
  for (const PathValue* e : entries) groups[e->path[depth]].push_back(e);
  ObjectBuilder b;
  for (auto& [key, group] : groups) {
    bool leaf = group[0]->path.size() == depth + 1;
    for (const PathValue* e : group) {
      if ((e->path.size() == depth + 1) != leaf) return false;
      if (leaf && !e->set_member && !(e->value == group[0]->value)) return false;
    }
    if (leaf && group[0]->set_member) {
      SetBuilder set;
      for (const PathValue* e : group) {
        if (!e->set_member) return false;
        set.Push(e->value);
      }
      b.Insert(key, std::move(set).Build());
    } else if (leaf) {
      b.Insert(key, group[0]->value);
    } else {
      Value sub;
      if (!BuildNested(group, depth + 1, sub)) return false;
      b.Insert(key, std::move(sub));
    }
  }
  out = std::move(b).Build();
  return true;
}

}  // namespace

bool Evaluator::EvalRuleBodies(const ast::Rule& rule, FnRef<bool(const ast::Term&)> emit) {
  struct CurrentRule {
    const ast::Rule*& slot;
    const ast::Rule* saved;
    CurrentRule(const ast::Rule*& s, const ast::Rule* r) : slot(s), saved(s) { slot = r; }
    ~CurrentRule() { slot = saved; }
  } current(current_rule_, &rule);
  bool any = false;
  const ast::Term* value = rule.head.value ? &*rule.head.value : nullptr;
  bool r = EvalBody(rule.body, 0, [&] {
    any = true;
    return value ? emit(*value) : emit(*rule.head.key);
  });
  if (any || error_) return r;
  for (const ast::ElseClause& el : rule.else_chain) {
    r = EvalBody(el.body, 0, [&] {
      any = true;
      return emit(el.value);
    });
    if (any || error_) return r;
  }
  return r;
}

namespace {

// OPA's merge of a base document `a` with a virtual one `b` at the same
// path: objects merge key by key; anywhere else the base document wins.
Value MergeBaseFirst(const Value& a, const Value& b) {
  if (!a.IsObject() || !b.IsObject()) return a;
  ObjectBuilder out;
  for (const ObjectEntry& e : a.ObjectEntries()) {
    const Value* other = b.Find(e.key);
    out.Insert(e.key, other ? MergeBaseFirst(e.value, *other) : e.value);
  }
  for (const ObjectEntry& e : b.ObjectEntries()) {
    if (a.Find(e.key) == nullptr) out.Insert(e.key, e.value);
  }
  return std::move(out).Build();
}

}  // namespace

std::optional<Value> Evaluator::NodeFullValue(const RuleNode* node, const Value* base) {
  if (node == nullptr || state_.masked.count(node)) {
    return base ? std::optional<Value>(*base) : std::nullopt;
  }
  if (node->HasRules()) {
    if (node->kind == ast::RuleKind::kFunction) return std::nullopt;
    return NodeMerged(*node);
  }
  ObjectBuilder b;
  if (base != nullptr) {
    if (!base->IsObject()) return *base;
    for (const ObjectEntry& e : base->ObjectEntries()) b.Insert(e.key, e.value);
  }
  for (const auto& [name, child] : node->children) {
    Value key = Value::String(name);
    const Value* sub = base ? base->Find(name) : nullptr;
    std::optional<Value> v = NodeFullValue(child.get(), sub);
    if (error_) return std::nullopt;
    if (v) b.Insert(std::move(key), sub ? MergeBaseFirst(*sub, *v) : std::move(*v));
  }
  return std::move(b).Build();
}

namespace {

// Deep merge of two objects; nullopt when both define one leaf differently,
// or when b writes into an object a holds at `leaf_depth` (a rule's value:
// OPA does not merge deeper rules into another rule's value).
std::optional<Value> MergeDisjoint(const Value& a, const Value& b, size_t depth,
                                   size_t leaf_depth) {
  ObjectBuilder out;
  for (const ObjectEntry& e : a.ObjectEntries()) {
    const Value* other = b.Find(e.key);
    if (other == nullptr) {
      out.Insert(e.key, e.value);
    } else if (e.value == *other) {
      out.Insert(e.key, e.value);  // the same leaf from two rules is no conflict
    } else if (e.value.IsSet() && other->IsSet()) {
      out.Insert(e.key, SetUnion(e.value, *other));
    } else if (e.value.IsObject() && other->IsObject() && depth + 1 != leaf_depth) {
      std::optional<Value> m = MergeDisjoint(e.value, *other, depth + 1, leaf_depth);
      if (!m) return std::nullopt;
      out.Insert(e.key, std::move(*m));
    } else {
      return std::nullopt;
    }
  }
  for (const ObjectEntry& e : b.ObjectEntries()) {
    if (a.Find(e.key) == nullptr) out.Insert(e.key, e.value);
  }
  return std::move(out).Build();
}

}  // namespace

std::optional<Value> Evaluator::NodeMerged(const RuleNode& node) {
  std::optional<Value> v = NodeValue(node);
  if (error_ || node.children.empty() || (v && !v->IsObject())) return v;
  ObjectBuilder deeper;
  bool any = false;
  for (const auto& [name, child] : node.children) {
    std::optional<Value> cv = NodeFullValue(child.get(), nullptr);
    if (error_) return std::nullopt;
    if (cv) {
      deeper.Insert(Value::String(name), std::move(*cv));
      any = true;
    }
  }
  if (!any) return v;
  Value d = std::move(deeper).Build();
  if (!v) return d;
  // Where the node's rules put their values, when they all agree on it.
  size_t leaf_depth = node.suffixes.empty() ? 0 : node.suffixes[0].size();
  for (const auto& suffix : node.suffixes) {
    if (suffix.size() != leaf_depth) leaf_depth = SIZE_MAX;
  }
  if (leaf_depth == 0 || node.kind == ast::RuleKind::kPartialSet) leaf_depth = SIZE_MAX;
  std::optional<Value> merged = MergeDisjoint(*v, d, 0, leaf_depth);
  if (!merged) {
    const ast::Rule* first = node.rules.empty() ? node.default_rule : node.rules[0];
    Fail(first->location, "eval_conflict_error", "object keys must be unique");
  }
  return merged;
}

std::optional<Value> Evaluator::NodeValue(const RuleNode& node) {
  auto cached = state_.cache.find(&node);
  if (cached != state_.cache.end()) return cached->second;
  const ast::Rule* first = node.rules.empty() ? node.default_rule : node.rules[0];
  if (in_progress_.count(&node)) {
    Fail(first->location, "rego_recursion_error", "rule " + node.path + " is recursive");
    return std::nullopt;
  }
  in_progress_.insert(&node);
  size_t saved_base = frame_base_;
  std::optional<Value> result;
  bool nested = node.kind == ast::RuleKind::kPartialObject;
  for (const auto& s : node.suffixes) nested = nested || !s.empty();

  bool set_suffix = false;
  for (const auto& s : node.suffixes) set_suffix = set_suffix || !s.empty();
  if (node.kind == ast::RuleKind::kPartialSet && !set_suffix) {
    SetBuilder set;
    for (const ast::Rule* rule : node.rules) {
      frame_base_ = bindings_.size();
      (void)EvalRuleBodies(*rule, [&](const ast::Term&) {
        return EvalTerm(*rule->head.key, [&](const Value& v) {
          set.Push(v);
          return true;
        });
      });
      bindings_.resize(frame_base_);
      if (error_) break;
    }
    result = std::move(set).Build();
  } else if (nested) {
    std::vector<PathValue> entries;
    const ast::Rule* conflict_rule = nullptr;
    for (size_t j = 0; j < node.rules.size() && !error_; ++j) {
      const ast::Rule* rule = node.rules[j];
      const auto& suffix = node.suffixes[j];
      frame_base_ = bindings_.size();
      (void)EvalRuleBodies(*rule, [&](const ast::Term& value) {
        std::vector<Value> path;
        struct Walk {
          Evaluator* self;
          const std::vector<const ast::Term*>& suffix;
          std::vector<Value>& path;
          FnRef<bool()> done;
          bool Run(size_t i) {
            if (i == suffix.size()) return done();
            return self->EvalTerm(*suffix[i], [&](const Value& v) {
              path.push_back(v);
              bool r = Run(i + 1);
              path.pop_back();
              return r;
            });
          }
        };
        auto done = [&] {
          return EvalTerm(value, [&](const Value& v) {
            entries.push_back(PathValue{path, v, node.kind == ast::RuleKind::kPartialSet});
            conflict_rule = rule;
            return true;
          });
        };
        Walk walk{this, suffix, path, done};
        return walk.Run(0);
      });
      bindings_.resize(frame_base_);
    }
    if (!error_) {
      std::vector<const PathValue*> ptrs;
      for (const PathValue& e : entries) ptrs.push_back(&e);
      Value obj = Value::Object({});
      if (!ptrs.empty() && !BuildNested(ptrs, 0, obj)) {
        Fail(conflict_rule->location, "eval_conflict_error", "object keys must be unique");
      }
      result = obj;
    }
  } else {
    for (const ast::Rule* rule : node.rules) {
      frame_base_ = bindings_.size();
      (void)EvalRuleBodies(*rule, [&](const ast::Term& value) {
        return EvalTerm(value, [&](const Value& v) {
          if (result && !(*result == v)) {
            Fail(rule->location, "eval_conflict_error",
                 "complete rules must not produce multiple outputs");
            return false;
          }
          result = v;
          return true;
        });
      });
      bindings_.resize(frame_base_);
      if (error_) break;
    }
    if (!result && !error_ && node.default_rule != nullptr && node.default_rule->head.value) {
      frame_base_ = bindings_.size();
      (void)EvalTerm(*node.default_rule->head.value, [&](const Value& v) {
        result = v;
        return false;
      });
    }
  }
  frame_base_ = saved_base;
  in_progress_.erase(&node);
  if (error_) return std::nullopt;
  state_.cache.emplace(&node, result);
  return result;
}

}  // namespace sluice::policy
