// Rego builtins: net.cidr_*, net.lookup_ip_addr.
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterNetBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
