// RunQuery until the evaluator exists: every query fails as unimplemented,
// so callers and the conformance runner can be built and tested first.
#include "policy/query.h"

namespace sluice::policy {

QueryResult RunQuery(const QueryRequest&) {
  QueryResult result;
  result.error = QueryError{"unimplemented", "the Rego evaluator is not implemented yet"};
  return result;
}

}  // namespace sluice::policy
