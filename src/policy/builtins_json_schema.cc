// Rego builtins: json.verify_schema, json.match_schema.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterJsonSchemaBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
