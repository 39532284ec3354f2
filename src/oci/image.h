// OCI image JSON documents (image-spec v1.1): descriptors, the image config,
// the manifest and the index, with their media types.
//
// These are persisted wire formats: their JSON is hashed into digests, so
// serialisation is deterministic (keys sorted, no whitespace, empty optional
// fields omitted) -- the same value always gives the same bytes. Parsing is
// lenient about fields it does not know (they are dropped) and strict about
// the ones it reads: a wrong type is InvalidArgument naming the document and
// the field ("image manifest: \"layers[1].size\" must be a number").
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/digest.h"

namespace sluice::oci {

inline constexpr std::string_view kMediaTypeIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kMediaTypeManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kMediaTypeConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kMediaTypeLayerGzip =
    "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kMediaTypeLayerTar = "application/vnd.oci.image.layer.v1.tar";
// The index annotation that names a tag in an image layout.
inline constexpr std::string_view kAnnotationRefName = "org.opencontainers.image.ref.name";
// The manifest annotations naming the image a build started FROM (OCI's
// pre-defined keys): its reference as the Dockerfile gave it, and its
// manifest digest.
inline constexpr std::string_view kAnnotationBaseName = "org.opencontainers.image.base.name";
inline constexpr std::string_view kAnnotationBaseDigest = "org.opencontainers.image.base.digest";

struct Platform {
  std::string architecture;  // "amd64"
  std::string os;            // "linux"
  bool operator==(const Platform&) const = default;
};

// A reference to content: what it is, its digest and its size in bytes.
struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;  // index entries only
  bool operator==(const Descriptor&) const = default;
};

// "Healthcheck" of a container config, in Docker's shape (durations in
// nanoseconds, 0 = the runtime's default). `test` is ["NONE"] (disabled),
// ["CMD", argv...] or ["CMD-SHELL", command].
struct HealthConfig {
  std::vector<std::string> test;
  int64_t interval = 0;
  int64_t timeout = 0;
  int64_t start_period = 0;
  int64_t start_interval = 0;
  int retries = 0;
  bool operator==(const HealthConfig&) const = default;
};

// The "config" object of an image config: how to run the image.
struct ContainerConfig {
  std::vector<std::string> env;  // "KEY=value"
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::string working_dir;
  std::string user;
  std::map<std::string, std::string> labels;
  std::set<std::string> exposed_ports;  // "8080/tcp"
  std::set<std::string> volumes;        // "/data"
  std::string stop_signal;
  std::optional<HealthConfig> healthcheck;
  bool operator==(const ContainerConfig&) const = default;
};

struct HistoryEntry {
  std::string created;  // RFC 3339; always written (umoci 0.4 fails without it)
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string architecture = "amd64";
  std::string os = "linux";
  std::string created;  // RFC 3339; empty omits it
  ContainerConfig config;
  std::vector<Digest> diff_ids;  // rootfs.diff_ids, one per layer, uncompressed
  std::vector<HistoryEntry> history;
  bool operator==(const ImageConfig&) const = default;
};

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
  bool operator==(const Manifest&) const = default;
};

struct Index {
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
  bool operator==(const Index&) const = default;
};

// "1970-01-01T00:00:00Z" for 0: the form image timestamps take.
std::string Rfc3339Utc(int64_t seconds_since_epoch);

std::string ToJson(const ImageConfig& config);
std::string ToJson(const Manifest& manifest);  // schemaVersion 2, OCI manifest media type
std::string ToJson(const Index& index);        // schemaVersion 2, OCI index media type

Result<ImageConfig> ParseImageConfig(std::string_view json);
Result<Manifest> ParseManifest(std::string_view json);
Result<Index> ParseIndex(std::string_view json);

}  // namespace sluice::oci
