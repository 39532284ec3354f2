// Keys for JWS: JWKs (RFC 7517 / 7518 section 6, RFC 8037 for OKP) and PEM
// certificates / public keys, as OpenSSL EVP_PKEYs.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "policy/jose.h"
#include "policy/value_json.h"

namespace sluice::policy::jose {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) {
  if (key == nullptr) return nullptr;
  return {key, EVP_PKEY_free};
}

// A JWK member decoded from base64url; empty when absent.
Result<std::string> Member(const Value& jwk, std::string_view name, bool required) {
  const Value* v = jwk.Find(name);
  if (v == nullptr) {
    if (!required) return std::string();
    return Status::InvalidArgument("required field " + std::string(name) + " is missing");
  }
  if (!v->IsString()) return Status::InvalidArgument("field " + std::string(name) + " must be a string");
  Result<std::string> bytes = Base64UrlDecode(v->AsString());
  if (!bytes.ok()) return Status::InvalidArgument("failed to decode field " + std::string(name) + ": " + bytes.status().message());
  return bytes;
}

// Builds a key of `type` ("RSA", "EC") from the OSSL_PARAMs pushed by `push`.
template <typename Push>
Result<std::shared_ptr<EVP_PKEY>> FromParams(const char* type, bool is_private, Push push) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<std::unique_ptr<BIGNUM, BnFree>> numbers;  // live until to_param
  auto push_bn = [&](const char* key, const std::string& bytes) {
    numbers.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()), nullptr));
    return numbers.back() && OSSL_PARAM_BLD_push_BN(bld.get(), key, numbers.back().get());
  };
  if (!bld || !push(bld.get(), push_bn)) return Status::InvalidArgument("invalid key parameters");
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) <= 0) {
    return Status::InvalidArgument(std::string("invalid ") + type + " key");
  }
  return Own(key);
}

Result<std::shared_ptr<EVP_PKEY>> RsaKey(const Value& jwk) {
  SLUICE_ASSIGN_OR_RETURN(std::string n, Member(jwk, "n", true));
  SLUICE_ASSIGN_OR_RETURN(std::string e, Member(jwk, "e", true));
  SLUICE_ASSIGN_OR_RETURN(std::string d, Member(jwk, "d", false));
  std::string parts[5];
  const char* names[5] = {"p", "q", "dp", "dq", "qi"};
  for (int i = 0; i < 5 && !d.empty(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(parts[i], Member(jwk, names[i], false));
  }
  const char* params[5] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                           OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                           OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  return FromParams("RSA", !d.empty(), [&](OSSL_PARAM_BLD*, auto& push_bn) {
    if (!push_bn(OSSL_PKEY_PARAM_RSA_N, n) || !push_bn(OSSL_PKEY_PARAM_RSA_E, e)) return false;
    if (d.empty()) return true;
    if (!push_bn(OSSL_PKEY_PARAM_RSA_D, d)) return false;
    for (int i = 0; i < 5; ++i) {
      if (parts[i].empty()) return true;  // CRT values are all or nothing
      if (!push_bn(params[i], parts[i])) return false;
    }
    return true;
  });
}

Result<std::shared_ptr<EVP_PKEY>> EcKey(const Value& jwk) {
  const Value* crv = jwk.Find("crv");
  size_t size = 0;
  std::string curve = crv != nullptr && crv->IsString() ? std::string(crv->AsString()) : "";
  if (curve == "P-256") size = 32;
  if (curve == "P-384") size = 48;
  if (curve == "P-521") size = 66;
  if (size == 0) return Status::InvalidArgument("invalid curve algorithm " + curve);
  SLUICE_ASSIGN_OR_RETURN(std::string x, Member(jwk, "x", true));
  SLUICE_ASSIGN_OR_RETURN(std::string y, Member(jwk, "y", true));
  SLUICE_ASSIGN_OR_RETURN(std::string d, Member(jwk, "d", false));
  if (x.size() > size || y.size() > size) return Status::InvalidArgument("invalid EC key coordinates");
  std::string point = "\x04" + std::string(size - x.size(), '\0') + x + std::string(size - y.size(), '\0') + y;
  return FromParams("EC", !d.empty(), [&](OSSL_PARAM_BLD* bld, auto& push_bn) {
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve.c_str(), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
      return false;
    }
    return d.empty() || push_bn(OSSL_PKEY_PARAM_PRIV_KEY, d);
  });
}

Result<std::shared_ptr<EVP_PKEY>> OkpKey(const Value& jwk) {
  const Value* crv = jwk.Find("crv");
  if (crv == nullptr || !crv->IsString() || crv->AsString() != "Ed25519") {
    return Status::InvalidArgument("unsupported OKP curve");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string x, Member(jwk, "x", true));
  SLUICE_ASSIGN_OR_RETURN(std::string d, Member(jwk, "d", false));
  const std::string& raw = d.empty() ? x : d;
  auto bytes = reinterpret_cast<const unsigned char*>(raw.data());
  EVP_PKEY* key = d.empty() ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, raw.size())
                            : EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes, raw.size());
  if (key == nullptr) return Status::InvalidArgument("invalid Ed25519 key");
  return Own(key);
}

Result<Key> KeyFromJwk(const Value& jwk) {
  if (!jwk.IsObject()) return Status::InvalidArgument("JWK must be an object");
  const Value* kty = jwk.Find("kty");
  if (kty == nullptr || !kty->IsString()) return Status::InvalidArgument("invalid key type from JSON ()");
  Key key;
  std::string_view type = kty->AsString();
  if (type == "RSA") {
    SLUICE_ASSIGN_OR_RETURN(key.pkey, RsaKey(jwk));
  } else if (type == "EC") {
    SLUICE_ASSIGN_OR_RETURN(key.pkey, EcKey(jwk));
  } else if (type == "OKP") {
    SLUICE_ASSIGN_OR_RETURN(key.pkey, OkpKey(jwk));
  } else if (type == "oct") {
    SLUICE_ASSIGN_OR_RETURN(key.secret, Member(jwk, "k", true));
  } else {
    return Status::InvalidArgument("invalid key type from JSON (" + std::string(type) + ")");
  }
  key.is_private = key.pkey != nullptr && jwk.Find("d") != nullptr;
  if (const Value* alg = jwk.Find("alg"); alg != nullptr && alg->IsString()) key.alg = alg->AsString();
  if (const Value* kid = jwk.Find("kid"); kid != nullptr && kid->IsString()) key.kid = kid->AsString();
  return key;
}

}  // namespace

Result<std::vector<Key>> ParseJwks(std::string_view json) {
  Result<Value> doc = ParseJson(json);
  if (!doc.ok()) return Status::InvalidArgument("failed to unmarshal JWK: " + doc.status().message());
  std::vector<Key> keys;
  const Value* set = doc->Find("keys");
  if (set == nullptr) {
    SLUICE_ASSIGN_OR_RETURN(Key key, KeyFromJwk(*doc));
    keys.push_back(std::move(key));
    return keys;
  }
  if (!set->IsArray()) return Status::InvalidArgument("failed to unmarshal JWK set: keys must be an array");
  for (const Value& jwk : set->ArrayElems()) {
    SLUICE_ASSIGN_OR_RETURN(Key key, KeyFromJwk(jwk));
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<std::vector<Key>> KeysFromCertOrJwk(std::string_view text) {
  PemBlock block;
  std::string_view rest;
  if (DecodePem(text, block, rest)) {
    if (!rest.empty()) return Status::InvalidArgument("extra data after a PEM certificate block");
    auto der = reinterpret_cast<const unsigned char*>(block.bytes.data());
    long size = static_cast<long>(block.bytes.size());
    Key key;
    if (block.type == "CERTIFICATE") {
      std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &der, size));
      if (!cert) return Status::InvalidArgument("failed to parse a PEM certificate: x509: malformed certificate");
      key.pkey = Own(X509_get_pubkey(cert.get()));
    } else if (block.type == "PUBLIC KEY") {
      key.pkey = Own(d2i_PUBKEY(nullptr, &der, size));
      if (!key.pkey) return Status::InvalidArgument("failed to parse a PEM public key: asn1: structure error");
    } else {
      return Status::InvalidArgument("failed to extract a Key from the PEM certificate");
    }
    if (!key.pkey) return Status::InvalidArgument("failed to parse a PEM certificate: unsupported public key");
    return std::vector<Key>{std::move(key)};
  }
  Result<std::vector<Key>> jwks = ParseJwks(text);
  if (!jwks.ok()) return Status::InvalidArgument("failed to parse a JWK key (set): " + jwks.status().message());
  std::vector<Key> known;
  for (Key& key : *jwks) {
    if (key.alg.empty() || KnownAlgorithm(key.alg)) known.push_back(std::move(key));
  }
  return known;
}

}  // namespace sluice::policy::jose
