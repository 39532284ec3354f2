#include "secrets/crypto.h"

#include <sodium.h>

#include <cassert>

namespace sluice::secrets::internal {

Status EnsureSodium() {
  // A function-local static is initialised exactly once, even with threads.
  static const int rc = sodium_init();  // 0 = initialised now, 1 = already
  if (rc < 0) return Status::Internal("libsodium failed to initialise (sodium_init)");
  return Status::Ok();
}

std::string Base64Encode(std::string_view bytes, int sodium_variant) {
  const size_t cap = sodium_base64_ENCODED_LEN(bytes.size(), sodium_variant);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_variant);
  out.resize(cap - 1);  // the capacity includes the terminating NUL
  // Unpadded variants leave the tail of the buffer unused.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

bool Base64Decode(std::string_view text, std::vector<unsigned char>* out) {
  out->assign(text.size() / 4 * 3 + 3, 0);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out->data(), out->size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    out->clear();
    return false;
  }
  out->resize(len);
  return true;
}

KeyBytes::~KeyBytes() { sodium_memzero(bytes_.data(), bytes_.size()); }

size_t NonceSize() { return crypto_aead_xchacha20poly1305_ietf_NPUBBYTES; }
size_t TagSize() { return crypto_aead_xchacha20poly1305_ietf_ABYTES; }

Sealed Seal(const KeyBytes& key, std::string_view plaintext, std::string_view associated) {
  static_assert(KeyBytes::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  Sealed s;
  s.nonce.resize(NonceSize());
  randombytes_buf(s.nonce.data(), s.nonce.size());
  s.ciphertext.resize(plaintext.size() + TagSize());
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      s.ciphertext.data(), &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(associated.data()),
      associated.size(), nullptr, s.nonce.data(), key.data());
  assert(clen == s.ciphertext.size());
  return s;
}

bool Open(const KeyBytes& key, const Sealed& sealed, std::string_view associated,
          std::string* plaintext) {
  plaintext->clear();
  if (sealed.nonce.size() != NonceSize() || sealed.ciphertext.size() < TagSize()) return false;
  // Decrypt straight into the caller's string so no other copy of the value exists.
  plaintext->resize(sealed.ciphertext.size() - TagSize());
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext->data()), &mlen, nullptr,
          sealed.ciphertext.data(), sealed.ciphertext.size(),
          reinterpret_cast<const unsigned char*>(associated.data()), associated.size(),
          sealed.nonce.data(), key.data()) != 0) {
    Wipe(plaintext);
    return false;
  }
  plaintext->resize(mlen);
  return true;
}

KdfParams NewKdfParams() {
  KdfParams p;
  p.salt.resize(crypto_pwhash_SALTBYTES);
  randombytes_buf(p.salt.data(), p.salt.size());
  p.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  p.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  return p;
}

std::string CheckKdfParams(const KdfParams& params) {
  // 1 GiB: libsodium's "sensitive" preset; anything above is not ours.
  constexpr uint64_t kMaxMemlimit = uint64_t{1} << 30;
  if (params.salt.size() != crypto_pwhash_SALTBYTES) {
    return "salt must be " + std::to_string(crypto_pwhash_SALTBYTES) + " bytes";
  }
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > 64) {
    return "opslimit out of range";
  }
  if (params.memlimit < crypto_pwhash_MEMLIMIT_MIN || params.memlimit > kMaxMemlimit) {
    return "memlimit out of range";
  }
  return "";
}

Status DeriveKey(std::string_view passphrase, const KdfParams& params, KeyBytes* key) {
  if (std::string problem = CheckKdfParams(params); !problem.empty()) {
    return Status::InvalidArgument("bad key-derivation parameters: " + problem);
  }
  if (crypto_pwhash(key->data(), KeyBytes::kSize, passphrase.data(), passphrase.size(),
                    params.salt.data(), params.opslimit, static_cast<size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("deriving the master key from SLUICE_MASTER_KEY ran out of memory");
  }
  return Status::Ok();
}

bool ParseHexKey(std::string_view text, KeyBytes* key) {
  if (text.size() != 2 * KeyBytes::kSize) return false;
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(key->data(), KeyBytes::kSize, text.data(), text.size(), nullptr, &len, &end) !=
          0 ||
      len != KeyBytes::kSize || end != text.data() + text.size()) {
    sodium_memzero(key->data(), KeyBytes::kSize);
    return false;
  }
  return true;
}

void RandomKey(KeyBytes* key) { randombytes_buf(key->data(), KeyBytes::kSize); }

std::string KeyToHex(const KeyBytes& key) {
  std::string hex(2 * KeyBytes::kSize + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), KeyBytes::kSize);
  hex.pop_back();
  return hex;
}

void Wipe(std::string* s) {
  if (!s->empty()) sodium_memzero(s->data(), s->size());
  s->clear();
}

}  // namespace sluice::secrets::internal
