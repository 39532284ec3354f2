// RunQuery and PreparedQuery: parse, compile, evaluate, collect rows.
#include <algorithm>
#include <set>

#include "policy/builtins.h"
#include "policy/compile.h"
#include "policy/eval.h"
#include "policy/parser.h"
#include "policy/query.h"

namespace sluice::policy {

std::string ParseErrorText(const Status& status) {
  std::string first = status.message().substr(0, status.message().find('\n'));
  size_t err = first.find(": error: ");
  if (err == std::string::npos) return first;
  std::string where = first.substr(0, err);
  std::string text = first.substr(err + 9);
  size_t last_colon = where.rfind(':');
  if (last_colon != std::string::npos) where = where.substr(0, last_colon);
  return where + ": rego_parse_error: " + text;
}

namespace {

QueryError ParseError(const Status& status) {
  return QueryError{"rego_parse_error", ParseErrorText(status)};
}

void CollectQueryVars(const ast::Term& t, std::set<std::string>& out);

void CollectQueryVarsCall(const ast::Call& c, std::set<std::string>& out) {
  for (size_t i = 1; i < c.terms.size(); ++i) CollectQueryVars(c.terms[i], out);
}

// Variables a query row reports: those at the query's top level (not in
// comprehension or `every` bodies), without `_`.
void CollectQueryVars(const ast::Term& t, std::set<std::string>& out) {
  if (const auto* v = t.get_if<ast::Var>()) {
    if (!v->IsWildcard()) out.insert(v->name);
  } else if (const auto* r = t.get_if<ast::Ref>()) {
    for (size_t i = 1; i < r->terms.size(); ++i) CollectQueryVars(r->terms[i], out);
    if (!r->terms[0].is<ast::Var>()) CollectQueryVars(r->terms[0], out);
  } else if (const auto* a = t.get_if<ast::Array>()) {
    for (const auto& i : a->items) CollectQueryVars(i, out);
  } else if (const auto* s = t.get_if<ast::Set>()) {
    for (const auto& i : s->items) CollectQueryVars(i, out);
  } else if (const auto* o = t.get_if<ast::Object>()) {
    for (const auto& i : o->items) {
      CollectQueryVars(i.key, out);
      CollectQueryVars(i.value, out);
    }
  } else if (const auto* c = t.get_if<ast::Call>()) {
    CollectQueryVarsCall(*c, out);
  }
}

// A query is read with the modules' options, but v0 modules still allow v1
// keywords in queries (as OPA's query parser does).
Result<ast::Query> ParseQueryText(const std::string& text, const ParseOptions& options) {
  ParseOptions query_options = options;
  if (query_options.dialect == ast::Dialect::kV0) query_options.dialect = ast::Dialect::kAuto;
  return ParseQuery("query", text, query_options);
}

}  // namespace

PreparedQuery PreparedQuery::Prepare(const QueryRequest& request) {
  PreparedQuery pq;
  pq.strict_ = request.strict_builtin_errors;
  const BuiltinRegistry& builtins = DefaultBuiltins();
  ParseOptions options;
  options.dialect = request.dialect;
  options.experimental_keywords = request.experimental_keywords;
  options.is_builtin = [](std::string_view name) { return DefaultBuiltins().Find(name) != nullptr; };
  std::vector<ast::Module> modules;
  for (const SourceModule& m : request.modules) {
    Result<ast::Module> parsed = ParseModule(m.name, m.text, options);
    if (!parsed.ok()) {
      pq.error_ = ParseError(parsed.status());
      return pq;
    }
    modules.push_back(std::move(parsed).value());
  }
  Result<ast::Query> query = ParseQueryText(request.query, options);
  if (!query.ok()) {
    pq.error_ = ParseError(query.status());
    return pq;
  }
  PolicyError error;
  std::unique_ptr<CompiledPolicy> policy = Compile(std::move(modules), builtins, &error);
  if (!policy) {
    pq.error_ = QueryError{error.code, error.message};
    return pq;
  }
  pq.policy_ = std::move(policy);
  pq.options_ = options;
  pq.InstallQuery(std::move(query).value());
  return pq;
}

void PreparedQuery::InstallQuery(ast::Query q) {
  ResolveQuery(q.body, DefaultBuiltins());
  std::set<std::string> vars;
  for (const ast::Expr& e : q.body) {
    if (const auto* t = e.get_if<ast::Term>()) CollectQueryVars(*t, vars);
    if (const auto* c = e.get_if<ast::Call>()) CollectQueryVarsCall(*c, vars);
    if (const auto* s = e.get_if<ast::SomeDecl>()) {
      for (const auto& sym : s->symbols) CollectQueryVars(sym, vars);
    }
  }
  output_vars_.assign(vars.begin(), vars.end());
  query_ = std::make_shared<const ast::Query>(std::move(q));
}

PreparedQuery PreparedQuery::WithQuery(const std::string& query) const {
  PreparedQuery pq = *this;
  if (error_) return pq;
  Result<ast::Query> parsed = ParseQueryText(query, options_);
  if (!parsed.ok()) {
    pq.error_ = ParseError(parsed.status());
    return pq;
  }
  pq.InstallQuery(std::move(parsed).value());
  return pq;
}

QueryResult PreparedQuery::Eval(const Value& data, const std::optional<Value>& input,
                                const EvalLimits& limits) const {
  QueryResult result;
  if (error_) {
    result.error = error_;
    return result;
  }
  Evaluator ev(*policy_, data, input, strict_);
  ev.set_limits(limits);
  ev.EvalQuery(query_->body, [&] {
    Bindings row;
    for (const std::string& name : output_vars_) {
      if (const Value* v = ev.Lookup(name)) row.emplace_back(name, *v);
    }
    result.rows.push_back(std::move(row));
    return true;
  });
  if (ev.error()) {
    result.rows.clear();
    result.error = QueryError{ev.error()->code, ev.error()->message};
  } else if (ev.builtin_error()) {
    result.error = QueryError{ev.builtin_error()->code, ev.builtin_error()->message};
  }
  return result;
}

QueryResult RunQuery(const QueryRequest& request) {
  return PreparedQuery::Prepare(request).Eval(request.data, request.input);
}

}  // namespace sluice::policy
