// Private keys from PEM and their JSON / JWK views.
#include "policy/crypto_keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

namespace sluice::policy {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn Param(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  return Bn(bn);
}

Value Decimal(const Bn& bn) {
  if (!bn) return Value::Null();
  char* text = BN_bn2dec(bn.get());
  Result<Number> n = Number::Parse(text);
  OPENSSL_free(text);
  return n.ok() ? Value(std::move(n).value()) : Value::Null();
}

// Big-endian bytes, left-padded to `size` (0: minimal), base64url.
Value Base64Url(const Bn& bn, int size = 0) {
  if (!bn) return Value::Null();
  int n = size > 0 ? size : BN_num_bytes(bn.get());
  std::string bytes(static_cast<size_t>(n), '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), n);
  return Value::String(jose::Base64UrlEncode(bytes));
}

Value Key(std::string_view s) { return Value::String(s); }

std::string Curve(const EVP_PKEY* key) {
  char name[64] = "";
  EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, nullptr);
  std::string_view n = name;
  if (n == "prime256v1" || n == "P-256") return "P-256";
  if (n == "secp384r1" || n == "P-384") return "P-384";
  if (n == "secp521r1" || n == "P-521") return "P-521";
  return std::string(n);
}

PrivateKey Own(EVP_PKEY* key) { return key == nullptr ? nullptr : PrivateKey(key, EVP_PKEY_free); }

}  // namespace

Result<PrivateKey> ParsePrivateKeyBlock(const jose::PemBlock& block, bool& unsupported) {
  unsupported = false;
  const auto* der = reinterpret_cast<const unsigned char*>(block.bytes.data());
  long size = static_cast<long>(block.bytes.size());
  PrivateKey key;
  if (block.type == "RSA PRIVATE KEY") {
    key = Own(d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &der, size));
    if (!key) return Status::InvalidArgument("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
  } else if (block.type == "PRIVATE KEY") {
    PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &der, size);
    if (info != nullptr) key = Own(EVP_PKCS82PKEY(info));
    PKCS8_PRIV_KEY_INFO_free(info);
    if (!key) return Status::InvalidArgument("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
  } else if (block.type == "EC PRIVATE KEY") {
    key = Own(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &der, size));
    if (!key) return Status::InvalidArgument("x509: failed to parse EC private key");
  } else {
    unsupported = true;
  }
  return key;
}

Result<std::vector<PrivateKey>> PrivateKeysFromPem(std::string_view text) {
  std::string decoded;
  if (Result<std::string> b = jose::Base64Decode(text); b.ok()) {
    decoded = std::move(b).value();
    text = decoded;
  }
  std::vector<PrivateKey> keys;
  jose::PemBlock block;
  std::string_view rest;
  while (!text.empty() && jose::DecodePem(text, block, rest)) {
    text = rest;
    bool unsupported = false;
    SLUICE_ASSIGN_OR_RETURN(PrivateKey key, ParsePrivateKeyBlock(block, unsupported));
    if (!unsupported) keys.push_back(std::move(key));
  }
  return keys;
}

Value GoPrivateKeyValue(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    Value precomputed = Value::Object({
        {Key("Dp"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1))},
        {Key("Dq"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2))},
        {Key("Qinv"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1))},
        {Key("CRTValues"), Value::Array({})},
    });
    return Value::Object({
        {Key("N"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_N))},
        {Key("E"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_E))},
        {Key("D"), Decimal(Param(key, OSSL_PKEY_PARAM_RSA_D))},
        {Key("Primes"), Value::Array({Decimal(Param(key, OSSL_PKEY_PARAM_RSA_FACTOR1)),
                                      Decimal(Param(key, OSSL_PKEY_PARAM_RSA_FACTOR2))})},
        {Key("Precomputed"), precomputed},
    });
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    return Value::Object({
        {Key("Curve"), Value::Object({})},  // Go's NIST curves have no exported fields
        {Key("X"), Decimal(Param(key, OSSL_PKEY_PARAM_EC_PUB_X))},
        {Key("Y"), Decimal(Param(key, OSSL_PKEY_PARAM_EC_PUB_Y))},
        {Key("D"), Decimal(Param(key, OSSL_PKEY_PARAM_PRIV_KEY))},
    });
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    // Go's ed25519.PrivateKey is the seed followed by the public key.
    unsigned char raw[64];
    size_t seed = 32, pub = 32;
    if (EVP_PKEY_get_raw_private_key(key, raw, &seed) != 1 || EVP_PKEY_get_raw_public_key(key, raw + 32, &pub) != 1) {
      return Value::Null();
    }
    return Value::String(jose::Base64Encode(std::string_view(reinterpret_cast<char*>(raw), 64)));
  }
  return Value::Null();
}

Value PrivateJwkValue(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    return Value::Object({
        {Key("kty"), Key("RSA")},
        {Key("n"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_N))},
        {Key("e"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_E))},
        {Key("d"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_D))},
        {Key("p"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_FACTOR1))},
        {Key("q"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_FACTOR2))},
        {Key("dp"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1))},
        {Key("dq"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2))},
        {Key("qi"), Base64Url(Param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1))},
    });
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    int size = (EVP_PKEY_get_bits(key) + 7) / 8;
    return Value::Object({
        {Key("kty"), Key("EC")},
        {Key("crv"), Value::String(Curve(key))},
        {Key("x"), Base64Url(Param(key, OSSL_PKEY_PARAM_EC_PUB_X), size)},
        {Key("y"), Base64Url(Param(key, OSSL_PKEY_PARAM_EC_PUB_Y), size)},
        {Key("d"), Base64Url(Param(key, OSSL_PKEY_PARAM_PRIV_KEY), size)},
    });
  }
  return Value::Null();
}

}  // namespace sluice::policy
