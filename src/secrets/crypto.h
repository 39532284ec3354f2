// Internal to src/secrets: the libsodium primitives the store and the masker
// share. Not a public header — other modules go through secret_store.h and
// masker.h.
//
// Everything here returns values; nothing throws. Key material lives in
// KeyBytes, which zeroes itself (sodium_memzero) when destroyed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::secrets::internal {

// Calls sodium_init() once per process (thread-safe); later calls return the
// first outcome.
Status EnsureSodium();

// Base64 in one of libsodium's sodium_base64_VARIANT_* encodings.
std::string Base64Encode(std::string_view bytes, int sodium_variant);
// Strict standard (padded) base64; false on any malformed input.
bool Base64Decode(std::string_view text, std::vector<unsigned char>* out);

// A 32-byte symmetric key. Move-only; zeroed on destruction.
class KeyBytes {
 public:
  static constexpr size_t kSize = 32;

  KeyBytes() = default;
  ~KeyBytes();
  KeyBytes(const KeyBytes&) = delete;
  KeyBytes& operator=(const KeyBytes&) = delete;

  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, kSize> bytes_{};
};

// An authenticated ciphertext: XChaCha20-Poly1305 (IETF AEAD) with its nonce.
struct Sealed {
  std::vector<unsigned char> nonce;       // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
  std::vector<unsigned char> ciphertext;  // plaintext length + ABYTES
};

size_t NonceSize();
size_t TagSize();

// Encrypts `plaintext` under `key` with a fresh random nonce; `associated` is
// authenticated but not stored (the caller recomputes it to open).
Sealed Seal(const KeyBytes& key, std::string_view plaintext, std::string_view associated);

// Decrypts into *plaintext; false when the key, the associated data or the
// bytes do not match (the output is then left empty).
bool Open(const KeyBytes& key, const Sealed& sealed, std::string_view associated,
          std::string* plaintext);

// Parameters of the password hash that turns SLUICE_MASTER_KEY text into a
// key. Persisted in the store file (see store_file.h).
struct KdfParams {
  std::vector<unsigned char> salt;  // crypto_pwhash_SALTBYTES
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

// Fresh random salt with libsodium's "interactive" limits.
KdfParams NewKdfParams();
// Empty when the parameters are within libsodium's limits (and a sane memory
// bound, so a tampered file cannot make us allocate gigabytes), else what is wrong.
std::string CheckKdfParams(const KdfParams& params);
Status DeriveKey(std::string_view passphrase, const KdfParams& params, KeyBytes* key);

// Exactly 64 hex digits → the key; false otherwise (key left zeroed).
bool ParseHexKey(std::string_view text, KeyBytes* key);
void RandomKey(KeyBytes* key);
// 64 lowercase hex digits. The caller should sodium_memzero the result.
std::string KeyToHex(const KeyBytes& key);

// Overwrites the string's bytes with zeros (then clears it).
void Wipe(std::string* s);

}  // namespace sluice::secrets::internal
