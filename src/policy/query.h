// Running one Rego query against modules, a data document and an input: the
// contract between the evaluator and everything that asks it something
// (`sluice policy eval`, the conformance runner, the Policy step).
//
// RunQuery parses and compiles request.modules (each named as given, e.g.
// "test-0.rego"; parse and compile errors cite that name), parses
// request.query as a query body, and evaluates it with `data` as the base
// document and `input` (if any) as the input document. Each result row binds
// the query's own variables (not `_` or compiler-generated ones) to values;
// rows come in evaluation order, duplicates included, as OPA's rego package
// returns them. An undefined query gives no rows and no error.
//
// Errors are reported the way OPA reports them, so tests can match both:
// `code` is OPA's error code ("rego_parse_error", "rego_compile_error",
// "rego_type_error", "rego_unsafe_var_error", "eval_conflict_error",
// "eval_type_error", "eval_builtin_error", ...), and `message` is OPA's full
// text, "<file>:<row>: <code>: <message>" (e.g. "test-0.rego:4:
// eval_conflict_error: complete rules must not produce multiple outputs").
// With strict_builtin_errors a builtin error aborts the query with
// eval_builtin_error / eval_type_error; without it the failing expression is
// just undefined. Conflict errors are always errors.
//
// PreparedQuery is the same split in two for speed: Prepare parses and
// compiles the modules and the query once; Eval then runs it against a data
// document and input as often as wanted (RunQuery is Prepare + Eval). A
// prepared query is immutable; Eval may be called from many threads at once.
//
// Thread-safe: no shared mutable state.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/cancellation.h"
#include "policy/ast.h"
#include "policy/parser.h"
#include "policy/value.h"

namespace sluice::policy {

struct SourceModule {
  std::string name;  // as it appears in error messages
  std::string text;
};

struct QueryRequest {
  std::vector<SourceModule> modules;
  std::string query;
  Value data = Value::Object({});  // the base document under `data`
  std::optional<Value> input;      // absent: `input` is undefined
  ast::Dialect dialect = ast::Dialect::kV1;
  bool strict_builtin_errors = false;
  // OPA's experimental future keywords (`import future.keywords.and` / `.or`;
  // ParseOptions::experimental_keywords), as conformance cases ask for them.
  bool experimental_keywords = false;
};

// When an evaluation must stop early: a cancellation token (Ctrl-C, an
// aborted run) and a deadline (a step's timeout). Checked every few thousand
// evaluation steps; a stopped query fails with OPA's eval_cancel_error.
struct EvalLimits {
  const Cancellation* cancel = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct QueryError {
  std::string code;
  std::string message;
};

// One result row: variable name -> value, sorted by name.
using Bindings = std::vector<std::pair<std::string, Value>>;

struct QueryResult {
  std::vector<Bindings> rows;
  // An evaluation error clears rows. A builtin error under strict builtin
  // errors does not stop evaluation (OPA treats the call as undefined and
  // reports the first such error at the end): rows then hold the solutions
  // found anyway, as OPA returns them alongside the error.
  std::optional<QueryError> error;
};

QueryResult RunQuery(const QueryRequest& request);

// OPA's one-line text for a parser error Status ("file:line:col: error: msg"
// plus source excerpt): "file:line: rego_parse_error: msg".
std::string ParseErrorText(const Status& status);

class CompiledPolicy;

class PreparedQuery {
 public:
  // Parses and compiles request.modules and request.query (request.data and
  // request.input are ignored). Parse and compile errors are kept and
  // returned by error() and by every Eval.
  static PreparedQuery Prepare(const QueryRequest& request);

  // Another query against the same compiled modules (no recompiling), e.g.
  // one per test rule; parse errors of `query` are kept as above. The
  // modules' own error, if any, carries over.
  PreparedQuery WithQuery(const std::string& query) const;

  const std::optional<QueryError>& error() const { return error_; }
  QueryResult Eval(const Value& data, const std::optional<Value>& input,
                   const EvalLimits& limits = {}) const;

 private:
  // Resolves `q` against the builtins and makes it the query.
  void InstallQuery(ast::Query q);

  ParseOptions options_;  // the modules' (for WithQuery)
  std::shared_ptr<const CompiledPolicy> policy_;
  std::shared_ptr<const ast::Query> query_;
  std::vector<std::string> output_vars_;  // sorted, unique
  bool strict_ = false;
  std::optional<QueryError> error_;
};

}  // namespace sluice::policy
