// Content hashes (SHA-256, OpenSSL) for caches and content addresses,
// HMAC-SHA256 for signed webhooks, and hex.
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace sluice {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// SHA-256 over bytes that arrive in pieces. Not thread-safe; move-only.
class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher(Sha256Hasher&& other) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&& other) noexcept;
  ~Sha256Hasher();

  void Update(std::string_view data);
  // Lower-case hex of everything given to Update; the hasher then starts over.
  std::string FinishHex();

 private:
  ::evp_md_ctx_st* context_;
};

// Lower-case hex HMAC-SHA256 (RFC 2104) of `message` keyed with `key`: what
// GitHub's X-Hub-Signature-256 carries after "sha256=".
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Lower-case hex of `bytes`, two characters per byte.
std::string HexEncode(std::string_view bytes);

}  // namespace sluice
