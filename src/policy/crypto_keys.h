// Private keys for the crypto.* builtins (crypto_x509.cc): read from PEM
// the way OPA's getPrivateKeysFromPEMData and Go's x509 parsers do, and
// written as OPA shows them (Go's JSON of rsa / ecdsa / ed25519 keys, or a
// JWK). Keys are OpenSSL EVP_PKEYs, shared and immutable.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/jose.h"
#include "policy/value.h"

namespace sluice::policy {

using PrivateKey = std::shared_ptr<EVP_PKEY>;

// A PEM block of type "RSA PRIVATE KEY" (PKCS #1), "PRIVATE KEY" (PKCS #8)
// or "EC PRIVATE KEY" (SEC 1); `unsupported` is set (and the result null)
// for any other type.
Result<PrivateKey> ParsePrivateKeyBlock(const jose::PemBlock& block, bool& unsupported);

// Every private key in the PEM blocks of `text` (base64 of PEM accepted),
// stopping at the first stretch that is not PEM; other block types are
// skipped.
Result<std::vector<PrivateKey>> PrivateKeysFromPem(std::string_view text);

// Go's json.Marshal of the key: rsa.PrivateKey {N, E, D, Primes,
// Precomputed}, ecdsa.PrivateKey {Curve, X, Y, D}, ed25519 bytes.
Value GoPrivateKeyValue(const EVP_PKEY* key);

// The key as a JWK object (kty RSA with n, e, d, p, q, dp, dq, qi; kty EC
// with crv, x, y, d); null for other key types.
Value PrivateJwkValue(const EVP_PKEY* key);

}  // namespace sluice::policy
