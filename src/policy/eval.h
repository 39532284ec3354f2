// The Rego evaluator (internal to src/policy): top-down evaluation of a
// query body against a CompiledPolicy, the base `data` document and `input`.
//
// Search is continuation-passing with backtracking: EvalBody(body, i, k)
// evaluates body[i] and for every way it can hold calls EvalBody(i + 1),
// finally k(). Every Eval* function returns true to keep searching and false
// to stop (the consumer is satisfied, or an error was recorded in error()).
// Continuations are FnRef (non-owning, no allocation): they never outlive the
// call that receives them.
//
// Bindings are a stack of (variable name, value) with a frame base: a rule
// or function body starts a frame and sees only its own variables; binding
// pushes, backtracking pops. Variables are named by the string_views of the
// AST nodes, which the CompiledPolicy / query keep alive.
//
// Virtual documents: a ref under `data` walks the rule tree (compile.h); a
// node with rules is evaluated whole (complete value, partial set, partial
// object) once per evaluation and cached by node; below it the ref walks the
// value. Nodes without rules merge the base document with their children.
// `with` swaps input / data / function overrides and an empty cache in for
// the one expression and swaps them back around its continuation, so no
// cached value leaks across a `with`.
//
// One Evaluator per evaluation; not thread-safe (many may share a policy).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "policy/ast.h"
#include "policy/builtins.h"
#include "policy/query.h"
#include "policy/compile.h"
#include "policy/fn_ref.h"
#include "policy/value.h"

namespace sluice::policy {

using Cont = FnRef<bool()>;
using ValueCont = FnRef<bool(const Value&)>;

class Evaluator {
 public:
  Evaluator(const CompiledPolicy& policy, const Value& data, const std::optional<Value>& input,
            bool strict_builtin_errors);

  // Stops evaluation with eval_cancel_error once limits.cancel is cancelled
  // or limits.deadline has passed (query.h).
  void set_limits(const EvalLimits& limits) { limits_ = limits; }
  // Calls on_solution for every solution of `body` (it returns false to stop).
  void EvalQuery(const ast::Body& body, Cont on_solution);
  // The value bound to `name` in the current frame, nullptr when unbound.
  const Value* Lookup(std::string_view name) const;
  const std::optional<PolicyError>& error() const { return error_; }
  // The first builtin error under strict builtin errors. It does not stop
  // evaluation: as in OPA, the failing call is undefined and the error is
  // reported with whatever solutions were found.
  const std::optional<PolicyError>& builtin_error() const { return builtin_error_; }

 private:
  struct Override {  // `with f as g` / `with f as value`
    const ast::Term* replacement = nullptr;
    Value value;
    bool is_value = false;
  };
  struct State {  // what `with` swaps
    std::optional<Value> input;
    Value data;
    std::set<const RuleNode*> masked;
    std::map<std::string, Override> overrides;
    std::unordered_map<const RuleNode*, std::optional<Value>> cache;
  };

  // eval.cc: bodies and expressions.
  bool EvalBody(const ast::Body& body, size_t i, Cont k);
  bool EvalExpr(const ast::Expr& expr, Cont k);
  bool EvalExprNoWith(const ast::Expr& expr, Cont k);
  bool EvalExprPositive(const ast::Expr& expr, Cont k);
  // Applies expr.with[i..] and runs body(k) under them (body evaluates
  // the expression itself, or a template part's term).
  bool EvalWith(const ast::Expr& expr, size_t i, FnRef<bool(Cont)> body, Cont k);
  bool EvalSomeIn(const ast::Call& call, Cont k);
  bool EvalEvery(const ast::Every& every, Cont k);
  bool EvalLogical(const ast::Logical& logical, Cont k);
  void SwapState(State& s);

  // eval_call.cc: builtins and functions.
  bool EvalCallExpr(const ast::Call& call, const ast::Location& loc, Cont k);
  bool EvalCall(const ast::Call& call, size_t n_inputs, const ast::Location& loc, ValueCont k);
  bool EvalArgs(const ast::Call& call, size_t i, size_t end, std::vector<Value>& vals, Cont k);
  bool CallFunction(const RuleNode& node, const std::vector<Value>& args, const ast::Location& loc,
                    ValueCont k);
  const RuleNode* FunctionNode(const ast::Term& op) const;

  // eval_term.cc: terms, unification, refs.
  bool EvalTerm(const ast::Term& term, ValueCont k);
  bool EvalItems(const std::vector<ast::Term>& items, size_t i, std::vector<Value>& acc, Cont k);
  bool EvalObjectItems(const std::vector<ast::ObjectItem>& items, size_t i,
                       std::vector<ObjectEntry>& acc, Cont k);
  bool NeedsBinding(const ast::Term& term) const;
  bool Unify(const ast::Term& a, const ast::Term& b, Cont k);
  bool UnifyValue(const ast::Term& pattern, const Value& v, Cont k);
  bool UnifyItems(const std::vector<ast::Term>& pats, std::span<const Value> vals, size_t i, Cont k);
  bool UnifyObject(const ast::Object& pat, const Value& v, size_t i, Cont k);
  bool EvalRef(const ast::Ref& ref, ValueCont k);
  bool WalkValue(const Value& v, const ast::Ref& ref, size_t i, ValueCont k);
  // WalkValue over the base document: like OPA's store, a number step
  // also finds an object key spelling that number (data[2] reads "2").
  bool WalkBase(const Value& v, const ast::Ref& ref, size_t i, ValueCont k);
  bool EvalDataRef(const RuleNode* node, const Value* base, const ast::Ref& ref, size_t i,
                   ValueCont k);
  bool Comprehension(const ast::Term& term, ValueCont k);
  bool TemplateString(const ast::TemplateString& ts, ValueCont k);
  bool Bind(std::string_view name, const Value& v, Cont k);

  // eval_rules.cc: virtual documents.
  std::optional<Value> NodeFullValue(const RuleNode* node, const Value* base);
  std::optional<Value> NodeValue(const RuleNode& node);
  // NodeValue merged with the values of rules deeper in the tree (ref heads
  // of different depths: `p[x].r := 1` beside `p.a.s := 2`).
  std::optional<Value> NodeMerged(const RuleNode& node);
  // Evaluates the rule's body (then its else chain until one holds), calling
  // emit(value term) per solution inside the rule's frame.
  bool EvalRuleBodies(const ast::Rule& rule, FnRef<bool(const ast::Term&)> emit);

  void Fail(const ast::Location& loc, std::string code, std::string text);
  bool UnsafeVar(const ast::Term& var);

  const CompiledPolicy& policy_;
  bool strict_;
  State state_;
  BuiltinContext builtin_context_;  // for the whole query, whatever `with` swaps
  std::set<const RuleNode*> in_progress_;
  std::vector<std::pair<std::string_view, Value>> bindings_;
  size_t frame_base_ = 0;
  const ast::Rule* current_rule_ = nullptr;  // whose body runs (rego.metadata.*)
  int call_depth_ = 0;  // user function calls in progress (recursion guard)
  std::optional<PolicyError> error_;
  std::optional<PolicyError> builtin_error_;
  EvalLimits limits_;
  uint32_t steps_ = 0;  // expressions evaluated, for the limit checks
};

// A Value for a scalar literal term (null, boolean, number, string).
Value ScalarValue(const ast::Term& term);

}  // namespace sluice::policy
