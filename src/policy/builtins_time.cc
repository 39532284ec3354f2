// Rego builtins: time.*.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterTimeBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
