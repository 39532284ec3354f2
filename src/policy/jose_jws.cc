// JWS signatures by algorithm name (RFC 7518 section 3, RFC 8037 EdDSA).
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "policy/jose.h"

namespace sluice::policy::jose {
namespace {

enum class Family { kNone, kHmac, kRsa, kPss, kEcdsa, kEdDsa };

struct Algorithm {
  Family family = Family::kNone;
  const EVP_MD* md = nullptr;  // null for EdDSA
};

Algorithm Lookup(std::string_view alg) {
  if (alg == "EdDSA") return {Family::kEdDsa, nullptr};
  if (alg.size() != 5) return {};
  std::string_view bits = alg.substr(2);
  const EVP_MD* md = bits == "256" ? EVP_sha256() : bits == "384" ? EVP_sha384() : bits == "512" ? EVP_sha512() : nullptr;
  if (md == nullptr) return {};
  std::string_view prefix = alg.substr(0, 2);
  if (prefix == "HS") return {Family::kHmac, md};
  if (prefix == "RS") return {Family::kRsa, md};
  if (prefix == "PS") return {Family::kPss, md};
  if (prefix == "ES") return {Family::kEcdsa, md};
  return {};
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string Hmac(const EVP_MD* md, std::string_view secret, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), Bytes(input), input.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

// Whether the key's type fits the algorithm family.
bool Fits(const EVP_PKEY* key, Family family) {
  switch (family) {
    case Family::kRsa:
    case Family::kPss: return EVP_PKEY_is_a(key, "RSA");
    case Family::kEcdsa: return EVP_PKEY_is_a(key, "EC");
    case Family::kEdDsa: return EVP_PKEY_is_a(key, "ED25519");
    default: return false;
  }
}

// Sets RSA padding on a sign / verify context.
bool Pad(EVP_PKEY_CTX* ctx, Family family, bool verifying) {
  if (family == Family::kRsa) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
  if (family == Family::kPss) {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, verifying ? RSA_PSS_SALTLEN_AUTO : RSA_PSS_SALTLEN_DIGEST) > 0;
  }
  return true;
}

// r || s (two halves) to DER, for OpenSSL.
bool ToDer(std::string_view rs, std::string& der) {
  if (rs.empty() || rs.size() % 2 != 0) return false;
  size_t half = rs.size() / 2;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(rs), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(rs.substr(half)), static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return false;
  der.resize(static_cast<size_t>(size));
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  return i2d_ECDSA_SIG(sig.get(), &out) == size;
}

// DER to r || s, each padded to the curve's size.
bool FromDer(std::string_view der, const EVP_PKEY* key, std::string& rs) {
  const unsigned char* in = Bytes(der);
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) return false;
  int size = (EVP_PKEY_get_bits(key) + 7) / 8;
  rs.assign(static_cast<size_t>(size) * 2, '\0');
  auto* out = reinterpret_cast<unsigned char*>(rs.data());
  return BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, size) == size &&
         BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + size, size) == size;
}

}  // namespace

bool KnownAlgorithm(std::string_view alg) { return Lookup(alg).family != Family::kNone; }

bool Verify(const Key& key, std::string_view alg, std::string_view input, std::string_view signature) {
  Algorithm a = Lookup(alg);
  if (a.family == Family::kHmac) {
    if (key.pkey) return false;
    std::string mac = Hmac(a.md, key.secret, input);
    return mac.size() == signature.size() && CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
  }
  if (!key.pkey || !Fits(key.pkey.get(), a.family)) return false;
  std::string der;
  if (a.family == Family::kEcdsa) {
    if (!ToDer(signature, der)) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  return ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, a.md, nullptr, key.pkey.get()) == 1 &&
         Pad(pctx, a.family, true) &&
         EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(input), input.size()) == 1;
}

Result<std::string> Sign(const Key& key, std::string_view alg, std::string_view input) {
  Algorithm a = Lookup(alg);
  if (a.family == Family::kNone) return Status::InvalidArgument("unknown JWS algorithm: " + std::string(alg));
  if (a.family == Family::kHmac) {
    if (key.pkey) return Status::InvalidArgument("invalid key type for " + std::string(alg));
    return Hmac(a.md, key.secret, input);
  }
  if (!key.pkey || !Fits(key.pkey.get(), a.family)) {
    return Status::InvalidArgument("invalid key type for " + std::string(alg));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, a.md, nullptr, key.pkey.get()) != 1 ||
      !Pad(pctx, a.family, false) || EVP_DigestSign(ctx.get(), nullptr, &size, Bytes(input), input.size()) != 1) {
    return Status::InvalidArgument("failed to sign payload");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, Bytes(input),
                     input.size()) != 1) {
    return Status::InvalidArgument("failed to sign payload");
  }
  signature.resize(size);
  if (a.family != Family::kEcdsa) return signature;
  std::string rs;
  if (!FromDer(signature, key.pkey.get(), rs)) return Status::InvalidArgument("failed to sign payload");
  return rs;
}

}  // namespace sluice::policy::jose
