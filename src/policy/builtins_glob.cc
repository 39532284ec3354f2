// Rego builtins: glob.match, glob.quote_meta.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterGlobBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
