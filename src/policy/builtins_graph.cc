// Graph-shaped builtins: walk (a relation over every [path, value] inside a
// document) and graph.reachable / graph.reachable_paths over adjacency
// objects ({node: array or set of neighbours}).
#include <unordered_set>
#include <vector>

#include "policy/builtins.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

// Emits [path, value] for v and then, depth first, for everything inside it
// (array indices, object keys and set elements as path steps, in order).
bool WalkFrom(const Value& v, std::vector<Value>& path, BuiltinEmit emit) {
  if (!emit(Value::Array({Value::Array(path), v}))) return false;
  auto child = [&](const Value& step, const Value& sub) {
    path.push_back(step);
    bool r = WalkFrom(sub, path, emit);
    path.pop_back();
    return r;
  };
  if (v.IsArray()) {
    auto elems = v.ArrayElems();
    for (size_t i = 0; i < elems.size(); ++i) {
      if (!child(Value::Int(static_cast<int64_t>(i)), elems[i])) return false;
    }
  } else if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (!child(e.key, e.value)) return false;
    }
  } else if (v.IsSet()) {
    for (const Value& e : v.SetElems()) {
      if (!child(e, e)) return false;
    }
  }
  return true;
}

Out Walk(Args a, BuiltinEmit emit) {
  std::vector<Value> path;
  (void)WalkFrom(a[0], path, emit);
  return Out::Undefined();
}

// The vertices of an array or set; nothing for other values (a malformed
// adjacency entry has no neighbours, as in OPA).
std::span<const Value> Vertices(const Value* v) {
  if (v == nullptr) return {};
  if (v->IsArray()) return v->ArrayElems();
  if (v->IsSet()) return v->SetElems();
  return {};
}

Out Reachable(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (!a[1].IsArray() && !a[1].IsSet()) return Out::OperandError(2, "one of {array, set}", a[1]);
  const Value& graph = a[0];
  std::vector<Value> queue(Vertices(&a[1]).begin(), Vertices(&a[1]).end());
  std::unordered_set<Value, ValueHash> reached;
  for (size_t i = 0; i < queue.size(); ++i) {
    const Value node = queue[i];
    const Value* edges = graph.Find(node);
    if (edges == nullptr) continue;
    for (const Value& n : Vertices(edges)) {
      if (!reached.count(n)) queue.push_back(n);
    }
    reached.insert(node);
  }
  return Value::Set(std::vector<Value>(reached.begin(), reached.end()));
}

// Adds every path from `node` (with `path` leading to it) to `out`: a path
// ends at a node without edges, before a node not in the graph, and where
// the next step would close a cycle.
void PathsFrom(const Value& graph, const Value& node, std::vector<Value> path,
               std::vector<Value> on_path, SetBuilder& out) {
  const Value* edges = graph.Find(node);
  if (edges == nullptr) {
    out.Push(Value::Array(path));
    return;
  }
  path.push_back(node);
  std::span<const Value> next = Vertices(edges);
  if (next.empty()) {
    out.Push(Value::Array(path));
    return;
  }
  on_path.push_back(node);
  for (const Value& n : next) {
    bool cycle = false;
    for (const Value& p : on_path) cycle = cycle || p == n;
    if (cycle) {
      out.Push(Value::Array(path));
    } else {
      PathsFrom(graph, n, path, on_path, out);
    }
  }
}

Out ReachablePaths(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (!a[1].IsArray() && !a[1].IsSet()) return Out::OperandError(2, "one of {array, set}", a[1]);
  const Value& graph = a[0];
  SetBuilder out;
  for (const Value& start : Vertices(&a[1])) {
    const Value* edges = graph.Find(start);
    if (edges == nullptr) continue;
    std::span<const Value> next = Vertices(edges);
    if (next.empty()) {
      out.Push(Value::Array({start}));
      continue;
    }
    for (const Value& n : next) PathsFrom(graph, n, {start}, {start}, out);
  }
  return std::move(out).Build();
}

}  // namespace

void RegisterGraphBuiltins(BuiltinRegistry& r) {
  r.AddRelation("walk", 1, Walk);
  r.Add("graph.reachable", 2, Reachable);
  r.Add("graph.reachable_paths", 2, ReachablePaths);
}

}  // namespace sluice::policy
