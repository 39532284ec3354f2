// Internal to src/secrets: where the master key comes from.
//
//   SLUICE_MASTER_KEY = 64 hex digits  → those 32 bytes, used directly;
//   SLUICE_MASTER_KEY = any other text → Argon2id(text, salt from the store file);
//   unset/empty                        → the hex key in <state>/master.key,
//                                        created with mode 0600 on first use.
// Surrounding whitespace of the variable is ignored (a trailing newline from
// `$(cat file)` must not change the key). master.key holds 64 hex digits and a
// newline, so its content can be moved into SLUICE_MASTER_KEY unchanged.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/status.h"
#include "secrets/crypto.h"

namespace sluice::secrets::internal {

inline constexpr std::string_view kMasterKeyFileName = "master.key";

enum class KeySource { kHex, kPassphrase, kKeyFile };

// Trims ASCII whitespace; never copies the text.
std::string_view TrimKeyText(std::string_view env);
// Which branch above applies to the (untrimmed) variable.
KeySource ClassifyKeyText(std::string_view env);

// Reads <state_dir>/master.key into *key. When the file is absent it is
// created with a fresh random key if `may_create`, and otherwise reported
// (the store already holds secrets sealed under the lost key). A key file
// that group or others may read is refused with the chmod that fixes it.
Status ReadOrCreateKeyFile(const std::filesystem::path& state_dir, bool may_create, KeyBytes* key);

}  // namespace sluice::secrets::internal
