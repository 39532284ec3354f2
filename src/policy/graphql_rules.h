// Internal to src/policy: validation rules the query walker
// (graphql_validate.cc) applies to input values (graphql_values.cc).
// Each reports through `error`, which keeps the first report.
#pragma once

#include <functional>
#include <string>

#include "policy/graphql.h"

namespace sluice::policy::graphql::internal {

using ErrorSink = std::function<void(Pos, std::string)>;

// gqlparser's Value.String(): "$v", "1", "\"s\"", "[1,2]", "{a:1}".
std::string ValueString(const AstValue& v);

// ValuesOfCorrectType for `v`, where the walker expects `expected`, whose
// named type is `def`.
void CheckValueType(const AstValue& v, const Type& expected, const Definition& def, const ErrorSink& error);

// VariablesInAllowedPosition for the variable `v`, defined by `var`, where
// `expected` is wanted.
void CheckVariablePosition(const AstValue& v, const Type& expected, const VariableDefinition& var,
                           const ErrorSink& error);

}  // namespace sluice::policy::graphql::internal
