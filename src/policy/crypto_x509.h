// crypto.x509.* and crypto.parse_private_keys (crypto_x509.cc): parsing
// and verifying certificates, certificate requests, key pairs and private
// keys, as OPA's topdown/crypto.go does; registered from
// RegisterCryptoBuiltins.
#pragma once

#include "policy/builtins.h"

namespace sluice::policy {

void RegisterX509Builtins(BuiltinRegistry& registry);

}  // namespace sluice::policy
