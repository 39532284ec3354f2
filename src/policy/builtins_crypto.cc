// Rego builtins: crypto.* (hashes, HMAC, x509, keys; OpenSSL).
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterCryptoBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
