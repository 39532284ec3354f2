// The artifact-metadata-publisher plugin, built in: a Plugin step whose
// image is `plugins/artifact-metadata-publisher` (any tag or digest, with or
// without a registry host such as docker.io/, with or without "library/")
// runs no container. Its settings, as PLUGIN_* variables
// (steps/plugin_settings.h), are read the way the plugin reads them:
//
//   PLUGIN_FILE_URLS      comma-separated URLs (a YAML list arrives
//                         comma-joined); each may be "name:::url" to name it
//   PLUGIN_ARTIFACT_FILE  where the plugin writes its artifact document: the
//                         `artifact_file` setting (relative to the
//                         workspace), else the runner's per-step path
//
// Each URL becomes one published artifact (StepOutcome::artifacts): its name
// is the "name:::" part or the URL's last path segment, size -1, digest and
// content type empty. The document the real plugin writes,
// {"kind":"fileUpload/v1","data":{"fileArtifacts":[{"name":..,"url":..}]}}
// (a persisted format: Harness reads it after the step), is read back the
// same way after any plugin container, so a plugin image that writes it
// publishes its links too.
//
// An object a step uploaded earlier in the same execution (S3Upload) is
// known with its size, digest and content type, which the record takes
// when the URL names it -- the sample uploads model_metrics.html to the
// local store and publishes its AWS URL.
//
// All functions are pure and thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace sluice::steps {

inline constexpr std::string_view kArtifactMetadataPublisher =
    "plugins/artifact-metadata-publisher";
inline constexpr std::string_view kFileArtifactKind = "fileUpload/v1";

// Whether a Plugin step's (resolved) image is the built-in publisher.
bool IsArtifactMetadataPublisher(std::string_view image);

struct PublishedFile {
  std::string name;
  std::string url;
  bool operator==(const PublishedFile&) const = default;
};

// PLUGIN_FILE_URLS' text as published files, in order; blank items (a
// trailing comma) are skipped. InvalidArgument naming `setting` and the URL
// when one is not an http, https, file or s3 URL, or when there is none.
Result<std::vector<PublishedFile>> ParseFileUrls(std::string_view text, std::string_view setting);

// The artifact document for `files` (kFileArtifactKind), indented JSON.
std::string ArtifactFileJson(const std::vector<PublishedFile>& files);

// The files of an artifact document; InvalidArgument when `text` is not one
// (not JSON, another kind, or entries without a url).
Result<std::vector<PublishedFile>> ParseArtifactFile(std::string_view text);

// One record per file: name and url, the rest unknown unless the URL names
// an object in `uploaded` (the execution's artifacts so far): the same URL,
// or an S3 URL (store/s3_url.h) naming the same bucket and key. Then size,
// digest, content type, bucket and key are the latest such upload's.
// Execution, node path, attempt and time are left to the engine.
std::vector<store::ArtifactRecord> ArtifactRecords(
    const std::vector<PublishedFile>& files, const std::vector<store::ArtifactRecord>& uploaded);

}  // namespace sluice::steps
