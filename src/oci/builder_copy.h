// Internal to the builder: what one COPY or ADD puts into its layer.
//
// CopyIntoTree() copies the sources of `spec` from `from_root` (the build
// context, filtered by `ignore`, or an earlier stage's filesystem) into
// `tree`, an empty directory standing for the image root, with Docker's
// rules as builder.h lists them; a destination that is a directory in the
// stage's filesystem so far (`is_image_directory`) receives the sources
// inside. Errors are
// InvalidArgument with a message meant to follow "COPY: " at the instruction's line, or IoError.
// Not thread-safe for the same `tree`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "oci/dockerfile.h"
#include "oci/dockerignore.h"

namespace sluice::oci {

// Whether `path` ("a/b": relative to the image root, cleaned; "" is the
// root) is a real directory -- not a symlink to one -- in the stage's
// filesystem so far.
using ImageDirectoryCheck = std::function<Result<bool>(const std::string& path)>;

Status CopyIntoTree(const CopySpec& spec, bool is_add, const std::filesystem::path& from_root,
                    const Dockerignore& ignore, const std::string& workdir,
                    const ImageDirectoryCheck& is_image_directory,
                    const std::filesystem::path& tree);

// --chown's "user[:group]", each a number or a name looked up in the
// image's /etc/passwd or /etc/group under `image_root`. A numeric user alone
// is also the group; a user name alone takes its primary group.
// InvalidArgument naming what is missing otherwise.
Status ResolveChown(const std::string& text, const std::filesystem::path& image_root, uint32_t& uid,
                    uint32_t& gid);

// The uid and gid a RUN runs as after `USER text`: "user[:group]" as for
// --chown, except that a numeric user alone takes its primary group from
// /etc/passwd when listed there, else gid 0 (as Docker does).
Status ResolveUser(const std::string& text, const std::filesystem::path& image_root, uint32_t& uid,
                   uint32_t& gid);

// The paths (relative to `from_root`, sorted) a COPY/ADD of `spec` reads:
// every match of its sources and everything under a matched directory --
// what the build cache hashes. The same source errors as CopyIntoTree.
Result<std::vector<std::string>> CopyInputs(const CopySpec& spec, bool is_add,
                                            const std::filesystem::path& from_root,
                                            const Dockerignore& ignore);

}  // namespace sluice::oci
