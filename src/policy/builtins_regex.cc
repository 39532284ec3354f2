// Rego builtins: regex.* (RE2 semantics).
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterRegexBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
