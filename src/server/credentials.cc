#include "server/credentials.h"

#include <sodium.h>

#include <array>

#include "common/base64.h"
#include "common/hash.h"

namespace sluice::server {

namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kEncodedLength = 43;  // unpadded base64 of 32 bytes

std::string RandomBytes(size_t n) {
  // sodium_init is idempotent and thread-safe; randombytes_buf needs it.
  static const int rc = sodium_init();
  (void)rc;  // randombytes_buf falls back to the OS generator regardless
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

std::string RandomSecret() { return Base64UrlEncode(RandomBytes(kSecretBytes)); }

}  // namespace

std::string NewTokenValue() { return std::string(kTokenPrefix) + RandomSecret(); }

bool LooksLikeToken(std::string_view text) {
  if (!text.starts_with(kTokenPrefix) || text.size() != kTokenPrefix.size() + kEncodedLength) {
    return false;
  }
  for (char c : text.substr(kTokenPrefix.size())) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string NewTokenId() { return "tok_" + HexEncode(RandomBytes(6)); }

std::string NewSessionId() { return RandomSecret(); }

std::string NewCsrfToken() { return RandomSecret(); }

std::string SecretDigest(std::string_view secret) { return Sha256Hex(secret); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sluice::server
