// Rego builtin functions: a registry of name -> (arity, implementation) that
// the compiler consults to tell builtin calls from rule references and the
// evaluator calls with ground arguments.
//
// A builtin receives its arguments as Values and returns a BuiltinOutcome:
// a value, "undefined" (the expression fails quietly, e.g. max([])), or an
// error with OPA's code ("eval_type_error", "eval_builtin_error") and the
// message without the builtin's name ("operand 1 must be number but got
// string"); the evaluator adds "<name>: " and the "file:row:" prefix, and
// treats the call as "undefined" either way; with strict builtin errors on
// it also reports the first such error when evaluation ends (as OPA does).
//
// Relations: a few builtins (walk) have many results for one input. They
// are registered with AddRelation and called with an `emit` callback that
// they call once per result, in order, stopping as soon as emit returns
// false; they return Undefined when done (or stopped) and an error as usual.
// The evaluator unifies the output with each result in turn (backtracking
// between them), so `walk(x, [p, v])` and `[p, v] := walk(x)` enumerate.
//
// The operators eq (=) and assign (:=) are not builtins here: they are
// unification and handled by the evaluator; they are still registered (with
// a null fn) so that the compiler knows their names and arities.
//
// Extension: each group of builtins has one registration function
// (RegisterCoreBuiltins, ...) called from DefaultBuiltins(); add new groups
// there. The registry is immutable after construction and shared between
// threads.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "policy/fn_ref.h"
#include "policy/value.h"

namespace sluice::policy {

struct BuiltinOutcome {
  enum class State { kValue, kUndefined, kError };
  State state = State::kUndefined;
  Value value;
  std::string code;     // kError
  std::string message;  // kError, without the builtin's name

  BuiltinOutcome() = default;
  BuiltinOutcome(Value v) : state(State::kValue), value(std::move(v)) {}  // NOLINT
  static BuiltinOutcome Undefined() { return {}; }
  static BuiltinOutcome TypeError(std::string message);
  static BuiltinOutcome Error(std::string message);  // eval_builtin_error
  // "operand <n> must be <want> but got <kind of got>".
  static BuiltinOutcome OperandError(int n, std::string_view want, const Value& got);
};

// Operand n as an int64: false with OPA's type error in *err for a
// non-number ("operand n must be number but got ...") or a number that is
// not an integer within int64 ("... must be integer number but got
// floating-point number").
bool IntOperand(const Value& v, int n, int64_t& out, BuiltinOutcome& err);

using BuiltinFn = BuiltinOutcome (*)(std::span<const Value> args);
using BuiltinEmit = FnRef<bool(const Value&)>;
using BuiltinRelationFn = BuiltinOutcome (*)(std::span<const Value> args, BuiltinEmit emit);

// What a builtin may remember for the rest of one query evaluation, as OPA's
// BuiltinContext.Cache: time.now_ns, uuid.rfc4122 and rand.intn give the same result for
// the same arguments within a query. Owned by the evaluator, one per query,
// never shared between threads; each builtin picks keys that cannot clash
// with another's (e.g. ["uuid.rfc4122", arg]).
struct BuiltinContext {
  std::map<Value, Value> cache;
};
using BuiltinContextFn = BuiltinOutcome (*)(std::span<const Value> args, BuiltinContext& ctx);

struct Builtin {
  std::string name;  // "plus", "array.concat", "internal.member_2"
  int arity = 0;     // number of inputs (the output is one more, optional)
  BuiltinFn fn = nullptr;                 // set for functions
  BuiltinRelationFn relation = nullptr;   // set for relations (then fn is null)
  BuiltinContextFn context_fn = nullptr;  // instead of fn, for builtins that need the context

  bool callable() const { return fn != nullptr || relation != nullptr || context_fn != nullptr; }
};

class BuiltinRegistry {
 public:
  void Add(std::string name, int arity, BuiltinFn fn);
  void AddRelation(std::string name, int arity, BuiltinRelationFn fn);
  void AddWithContext(std::string name, int arity, BuiltinContextFn fn);
  const Builtin* Find(std::string_view name) const;

 private:
  std::unordered_map<std::string, Builtin> builtins_;
};

// Operators and the core library (builtins_core.cc, builtins_strings.cc).
void RegisterCoreBuiltins(BuiltinRegistry& registry);
void RegisterStringBuiltins(BuiltinRegistry& registry);
void RegisterCollectionBuiltins(BuiltinRegistry& registry);  // builtins_collections.cc
void RegisterEncodingBuiltins(BuiltinRegistry& registry);    // builtins_encoding.cc
void RegisterJsonPathBuiltins(BuiltinRegistry& registry);    // builtins_json_paths.cc
void RegisterRegexBuiltins(BuiltinRegistry& registry);  // builtins_regex.cc: regex.* (RE2 semantics)
void RegisterGlobBuiltins(BuiltinRegistry& registry);  // builtins_glob.cc: glob.match, glob.quote_meta
void RegisterIdBuiltins(BuiltinRegistry& registry);  // builtins_ids.cc: uuid.*, rand.intn, uri / misc string leftovers
void RegisterTimeBuiltins(BuiltinRegistry& registry);  // builtins_time.cc: time.*
void RegisterNetBuiltins(BuiltinRegistry& registry);  // builtins_net.cc: net.cidr_*, net.lookup_ip_addr
void RegisterCryptoBuiltins(BuiltinRegistry& registry);  // builtins_crypto.cc: crypto.* (hashes, HMAC, x509, keys; OpenSSL)
void RegisterJwtBuiltins(BuiltinRegistry& registry);  // builtins_jwt.cc: io.jwt.* (decode, verify, encode/sign; OpenSSL)
void RegisterAwsBuiltins(BuiltinRegistry& registry);  // builtins_aws.cc: providers.aws.sign_req (SigV4)
void RegisterGraphqlBuiltins(BuiltinRegistry& registry);  // builtins_graphql.cc: graphql.*
void RegisterJsonSchemaBuiltins(BuiltinRegistry& registry);  // builtins_json_schema.cc: json.verify_schema, json.match_schema
void RegisterGraphBuiltins(BuiltinRegistry& registry);  // builtins_graph.cc: walk, graph.reachable(_paths)
void RegisterHttpBuiltins(BuiltinRegistry& registry);  // builtins_http.cc: http.send (offline: request checks, network error)
void RegisterRegoBuiltins(BuiltinRegistry& registry);  // builtins_rego.cc: rego.parse_module
void RegisterSerializeBuiltins(BuiltinRegistry& registry);  // builtins_serialize.cc: json.marshal_with_options, yaml.*
void RegisterTemplateBuiltins(BuiltinRegistry& registry);  // builtins_template.cc: strings.render_template

// Every builtin sluice implements, built once.
const BuiltinRegistry& DefaultBuiltins();

}  // namespace sluice::policy
