// Shared by the builtin tests: the value of `x` in a query, evaluated as a
// Rego v1 query with strict builtin errors.
#pragma once

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::policy::testing {

// The value of `x` in `query` (a Rego v1 query with strict builtin
// errors, data {}) as JSON; "undefined" when there is no row, "rows: N"
// when there are several, "no x" when the row does not bind x, or
// "error: <OPA's full error text>".
inline std::string EvalQueryX(const std::string& query, const JsonOptions& json = {}) {
  QueryRequest req;
  req.query = query;
  req.dialect = ast::Dialect::kV1;
  req.strict_builtin_errors = true;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  if (r.rows.empty()) return "undefined";
  if (r.rows.size() != 1) return "rows: " + std::to_string(r.rows.size());
  for (const auto& [name, value] : r.rows[0]) {
    if (name == "x") return ToJson(value, json);
  }
  return "no x";
}

// The value of `x := <expr>`, as EvalQueryX gives it.
inline std::string EvalX(const std::string& expr, const JsonOptions& json = {}) {
  return EvalQueryX("x := " + expr, json);
}

}  // namespace sluice::policy::testing
