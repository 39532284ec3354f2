// JOSE building blocks for the io.jwt.* builtins, on OpenSSL 3: base64url
// the way OPA reads it, keys from PEM blocks and JWKs (RFC 7517), and JWS
// signatures (RFC 7515 / 7518) by algorithm name.
//
// Errors come back as Status messages in OPA's (Go's) words, since the
// builtins hand them to Rego unchanged ("illegal base64 data at input byte
// 13", "failed to parse a PEM certificate: ..."). Everything here is pure;
// keys are immutable once built and may be shared between threads.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.h"
#include "common/status.h"

namespace sluice::policy::jose {

// Base64 as Go reads it (common/base64.h), under the names the JOSE code uses.
using ::sluice::Base64Decode;
using ::sluice::Base64Encode;
using ::sluice::Base64UrlDecode;
using ::sluice::Base64UrlEncode;

// One PEM block (Go's encoding/pem): its type ("CERTIFICATE") and bytes.
struct PemBlock {
  std::string type;
  std::string bytes;
};
// The first PEM block in `text` and what follows it (`rest`); nullopt-like
// false when there is none.
bool DecodePem(std::string_view text, PemBlock& block, std::string_view& rest);

// A JWS key: an asymmetric key (public, or private for signing) or an HMAC
// secret (JWK kty "oct"), with the JWK's "alg" and "kid" when it had them.
struct Key {
  std::shared_ptr<EVP_PKEY> pkey;  // null for a secret
  bool is_private = false;         // an asymmetric JWK with its private part ("d")
  std::string secret;
  std::string alg;
  std::string kid;
};

// The key(s) in `text`, as io.jwt.verify_* and decode_verify's "cert" read
// it: a PEM certificate or PEM public key, or a JWK / JWK set (keys whose
// "alg" OPA does not know are skipped).
Result<std::vector<Key>> KeysFromCertOrJwk(std::string_view text);
// The keys of a JWK or JWK set in JSON text (jwk.Parse).
Result<std::vector<Key>> ParseJwks(std::string_view json);

// Whether `alg` is one of the JWS algorithms OPA supports: RS/PS/ES/HS 256,
// 384, 512 and EdDSA.
bool KnownAlgorithm(std::string_view alg);

// Whether `signature` is a valid `alg` signature of `input` under `key`;
// false also when key and algorithm do not fit together. ES signatures are
// r || s, split in half.
bool Verify(const Key& key, std::string_view alg, std::string_view input,
            std::string_view signature);
// The `alg` signature of `input` with a private key or secret (ES as
// r || s of the curve's size).
Result<std::string> Sign(const Key& key, std::string_view alg, std::string_view input);

}  // namespace sluice::policy::jose
