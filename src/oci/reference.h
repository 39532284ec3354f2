// Image references as users write them: `[host[:port]/]repo[:tag][@sha256:<hex>]`.
//
// Docker's defaults apply: no host means Docker Hub ("docker.io"), a one-part
// repository there lives under "library/", and no tag and no digest means
// ":latest". The first path component is a host only when it contains a "."
// or a ":", or is "localhost" (so "ml/train" is a Docker Hub repository).
// Parsing is pure and thread-safe; bad input comes back as InvalidArgument
// naming the reference, the offending part and the expected form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "oci/digest.h"

namespace sluice::oci {

struct ImageReference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/busybox", "ml/train"
  std::string tag;         // empty when only a digest was given
  std::optional<Digest> digest;

  // What a manifest request names: the digest when there is one, else the tag.
  std::string manifest_ref() const { return digest ? digest->str() : tag; }
  // The full, normalised form: "docker.io/library/busybox:latest".
  std::string str() const;
};

inline constexpr std::string_view kDockerHubRegistry = "docker.io";

Result<ImageReference> ParseImageReference(std::string_view text);

// The distribution spec's grammar for repository names and tags, exposed for
// callers that take the parts separately (e.g. a step's `repo` and `tags`).
bool IsValidRepositoryName(std::string_view name);
bool IsValidTag(std::string_view tag);

// Whether a reference's first '/'-separated component is a registry host
// (it has a '.' or a ':', or is "localhost"), as Docker decides.
bool LooksLikeRegistryHost(std::string_view component);
// Whether `text` names its registry ("127.0.0.1:5000/ml/train:1") rather
// than leaving it to the default ("ml/train:1", "train:1").
bool NamesRegistry(std::string_view text);

}  // namespace sluice::oci
