// What the function runtime (src/serve) keeps in the state database:
// functions, their published versions and aliases, and a bounded sample of
// invocations. Plain records; Store (store.h) reads and writes them.
//
// A function's `$LATEST` is its current configuration (mutable: a deploy
// rewrites it). Publishing snapshots `$LATEST` into an immutable numbered
// version 1, 2, 3... (numbers only grow, never reused, even after a version
// is deleted); publishing an unchanged configuration returns the last
// version instead of making a new one (AWS Lambda's PublishVersion rule).
// An alias points at a published version, optionally with one more
// published version taking `additional_weight` (0..1) of its traffic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::store {

// Everything that decides how a function version runs.
struct FunctionConfig {
  std::string image;         // as deployed, for people: "ccapproval-deploy:7f3c..."
  std::string image_digest;  // "sha256:..." manifest digest in the local image store
  std::vector<std::string> command;        // replaces the image's ENTRYPOINT+CMD; empty = the image's
  std::map<std::string, std::string> env;  // Environment.Variables (no secrets in clear: see serve)
  int memory_mb = 128;                     // MemorySize (AWS default 128)
  int timeout_s = 3;                       // Timeout, seconds (AWS default 3)
  int reserved_concurrency = -1;           // -1 = not reserved (the runtime's default bound)
  std::string handler;                     // _HANDLER, passed to the runtime
  std::string description;
  bool operator==(const FunctionConfig&) const = default;
};

struct FunctionRecord {
  std::string name;       // [A-Za-z0-9_-]{1,64}
  FunctionConfig latest;  // $LATEST
  int64_t last_version = 0;  // highest number ever published; 0 = none
  int64_t created_ms = 0;
  int64_t updated_ms = 0;  // $LATEST last written
};

struct FunctionVersionRecord {
  std::string function;
  int64_t version = 0;  // 1, 2, ...
  FunctionConfig config;
  std::string config_sha256;  // of the canonical JSON of `config` (FunctionConfigJson)
  std::string description;    // PublishVersion's description
  int64_t created_ms = 0;
};

struct FunctionAliasRecord {
  std::string function;
  std::string name;  // [A-Za-z0-9_-]{1,128}, not only digits, not "$LATEST"
  int64_t version = 0;
  // RoutingConfig.AdditionalVersionWeights: one other version and its share.
  std::optional<int64_t> additional_version;
  double additional_weight = 0;  // 0..1, when additional_version is set
  std::string description;
  int64_t updated_ms = 0;
};

// One invocation as recorded for monitoring (the runtime samples and
// bounds these; see serve). Input and output are JSON text, truncated by
// the writer to a bounded size.
struct InvocationRecord {
  int64_t id = 0;  // assigned by AddInvocations
  std::string function;
  std::string qualifier;  // as asked: "$LATEST", "3", "live"
  std::string version;    // executed: "$LATEST" or "3"
  int64_t started_ms = 0;
  int64_t latency_us = 0;
  int status = 200;        // HTTP status the caller got
  std::string error_type;  // "" or Lambda's: "Function.Unhandled", "Sandbox.Timeout"...
  std::string input;       // the features (JSON), "" when not recorded
  std::string output;      // the prediction (JSON), "" when not recorded
};

}  // namespace sluice::store
