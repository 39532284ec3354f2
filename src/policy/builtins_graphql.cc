// Rego builtins: graphql.*.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterGraphqlBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
