#include "server/password.h"

#include <sodium.h>

namespace sluice::server {

namespace {

constexpr size_t kMinLength = 8;
constexpr size_t kMaxLength = 1024;

Status EnsureSodium() {
  static const int rc = sodium_init();  // 0 = initialised now, 1 = already
  if (rc < 0) return Status::Internal("libsodium failed to initialise (sodium_init)");
  return Status::Ok();
}

}  // namespace

Status CheckNewPassword(std::string_view password) {
  if (password.size() < kMinLength) {
    return Status::InvalidArgument("the password is too short: use at least " +
                                   std::to_string(kMinLength) + " characters");
  }
  if (password.size() > kMaxLength) {
    return Status::InvalidArgument("the password is too long: use at most " +
                                   std::to_string(kMaxLength) + " bytes");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  SLUICE_RETURN_IF_ERROR(EnsureSodium());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("hashing a password failed: not enough memory for Argon2id (64 MiB)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!EnsureSodium().ok() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // libsodium reads a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash) {
  if (!EnsureSodium().ok() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace sluice::server
