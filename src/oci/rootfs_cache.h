// Unpacked images for runs, cached by manifest digest.
//
// UnpackImageCached extracts an image's layers, in order, from an image
// layout into CACHE/<manifest hex>/rootfs and returns that path; when the
// directory is already there it is returned as is (the digest names the
// content, so it cannot be stale). Unpacking happens in a temporary sibling
// that is renamed into place only when complete, so an interrupted unpack
// leaves no half-filled entry. Every layer's uncompressed digest is checked
// against the config's rootfs.diff_ids, and entries are unpacked with the
// escape checks of layer_unpack.h.
//
// Errors: those of ImageLayout reads, InvalidArgument for a layer that does
// not match its diff_id or that is rejected by the unpacker, IoError for the
// disk. Concurrent callers (threads or processes) for the same image are
// safe: the first rename wins and the others use its result.
#pragma once

#include <filesystem>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/layer_unpack.h"
#include "oci/layout.h"

namespace sluice::oci {

Result<std::filesystem::path> UnpackImageCached(const ImageLayout& layout, const Digest& manifest,
                                                const std::filesystem::path& cache_dir,
                                                const UnpackOptions& options = {});

}  // namespace sluice::oci
