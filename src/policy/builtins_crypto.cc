// Rego builtins: crypto.* (hashes, HMAC, x509, keys; OpenSSL).
// Digests and MACs live here; the x509 and private-key parsers in
// crypto_x509.cc and crypto_keys.cc.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "policy/builtins.h"
#include "policy/crypto_x509.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

std::string Hex(const unsigned char* bytes, unsigned int size) {
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += "0123456789abcdef"[bytes[i] >> 4];
    out += "0123456789abcdef"[bytes[i] & 15];
  }
  return out;
}

template <const EVP_MD* (*kMd)()>
Out Digest(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string_view s = a[0].AsString();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(s.data(), s.size(), out, &size, kMd(), nullptr) != 1) return Out::Error("digest failed");
  return Value::String(Hex(out, size));
}

template <const EVP_MD* (*kMd)()>
Out Hmac(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view message = a[0].AsString(), key = a[1].AsString();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(kMd(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), out, &size) == nullptr) {
    return Out::Error("hmac failed");
  }
  return Value::String(Hex(out, size));
}

// Constant-time comparison of the two MACs' bytes.
Out HmacEqual(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view x = a[0].AsString(), y = a[1].AsString();
  return Value::Boolean(x.size() == y.size() && CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0);
}

}  // namespace

void RegisterCryptoBuiltins(BuiltinRegistry& r) {
  r.Add("crypto.md5", 1, Digest<EVP_md5>);
  r.Add("crypto.sha1", 1, Digest<EVP_sha1>);
  r.Add("crypto.sha256", 1, Digest<EVP_sha256>);
  r.Add("crypto.hmac.md5", 2, Hmac<EVP_md5>);
  r.Add("crypto.hmac.sha1", 2, Hmac<EVP_sha1>);
  r.Add("crypto.hmac.sha256", 2, Hmac<EVP_sha256>);
  r.Add("crypto.hmac.sha512", 2, Hmac<EVP_sha512>);
  r.Add("crypto.hmac.equal", 2, HmacEqual);
  RegisterX509Builtins(r);
}

}  // namespace sluice::policy
