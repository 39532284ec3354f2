// Internal to src/secrets: the on-disk format of `secrets.json`.
//
// PERSISTED FORMAT, version 1 — change only with a version bump and a reader
// for the old version:
//
//   {
//     "format": "sluice-secrets",
//     "version": 1,
//     "cipher": "xchacha20poly1305-ietf",
//     "kdf": {"algorithm": "argon2id13", "salt": B64, "opslimit": N, "memlimit": N},
//     "key_check": {"nonce": B64, "ciphertext": B64},
//     "secrets": {"<id>": {"nonce": B64, "ciphertext": B64}, ...}
//   }
//
// B64 is standard padded base64. "kdf" is present only once a passphrase (a
// SLUICE_MASTER_KEY that is not 64 hex digits) was used; its salt is not
// secret. "key_check" is a fixed text sealed under the master key: it tells a
// wrong master key apart from a damaged or edited entry. Each secret's
// associated data is "sluice/secret/v1:" + id, so an entry moved under
// another id no longer decrypts.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "secrets/crypto.h"

namespace sluice::secrets::internal {

struct StoreFile {
  std::optional<KdfParams> kdf;
  std::optional<Sealed> key_check;
  std::map<std::string, Sealed> secrets;
};

// Parses the file's text. Errors name `path` and say the file was left as is.
Result<StoreFile> ParseStoreFile(const std::filesystem::path& path, std::string_view text);
std::string SerializeStoreFile(const StoreFile& file);

// Associated data binding a ciphertext to its role.
std::string SecretAssociatedData(std::string_view id);
inline constexpr std::string_view kKeyCheckAssociatedData = "sluice/key-check/v1";
inline constexpr std::string_view kKeyCheckPlaintext = "sluice master key check";

}  // namespace sluice::secrets::internal
