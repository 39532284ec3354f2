// Content digests as OCI writes them: "sha256:<64 lower-case hex>".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::oci {

struct Digest {
  std::string algorithm;  // "sha256"
  std::string hex;        // 64 lower-case hex characters

  std::string str() const { return algorithm + ":" + hex; }
  bool operator==(const Digest&) const = default;
};

// The sha256 digest of `bytes`.
Digest Sha256Of(std::string_view bytes);
// The sha256 digest of a file's contents, read in chunks.
Result<Digest> Sha256OfFile(const std::filesystem::path& file);
// Parses "sha256:<hex>"; InvalidArgument naming what is wrong otherwise
// (only sha256 is accepted, with exactly 64 lower-case hex digits).
Result<Digest> ParseDigest(std::string_view text);

}  // namespace sluice::oci
