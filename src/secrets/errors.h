// Internal to src/secrets: error messages both stores produce, worded once.
// None of them may include a secret value — only ids and file paths.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace sluice::secrets::internal {

// NotFound naming the id and the command that sets it.
Status SecretNotFound(const std::string& id);

// The master key in use does not open secret `id`.
Status WrongMasterKey(const std::string& id, bool key_from_file,
                      const std::filesystem::path& key_file);

}  // namespace sluice::secrets::internal
