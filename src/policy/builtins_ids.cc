// Rego builtins: uuid.*, rand.intn, uri / misc string leftovers.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterIdBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
