// Shared by the builtin tests: the value of `x := <expr>`, evaluated as a
// Rego v1 query with strict builtin errors.
#pragma once

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::policy::testing {

// x as JSON, "undefined", or "error: <OPA's full error text>".
inline std::string EvalX(const std::string& expr, const JsonOptions& json = {}) {
  QueryRequest req;
  req.query = "x := " + expr;
  req.dialect = ast::Dialect::kV1;
  req.strict_builtin_errors = true;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  if (r.rows.empty()) return "undefined";
  return ToJson(r.rows[0][0].second, json);
}

}  // namespace sluice::policy::testing
