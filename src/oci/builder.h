// Building images from a Dockerfile without a daemon.
//
// BuildImage() parses the Dockerfile, resolves and builds each stage up to
// the target (the last stage unless BuildRequest::target names one), and
// writes the target stage to the image layout under BuildRequest::tag.
// Progress goes to BuildRequest::log: "STEP n/m: <instruction>" (with
// " (cached)" for a layer taken from the build cache) and RUN's output.
//
//   FROM       scratch, an earlier stage, or an image already tagged in the
//              layout (anything else: "pull it first with sluice image pull").
//   COPY/ADD   from the build context (honouring .dockerignore) or, with
//              --from, from an earlier stage's filesystem or an image tagged
//              in the layout; sources may be globs; a directory source copies
//              its contents; a destination ending in '/' (or several
//              sources) is a directory; relative destinations are against
//              WORKDIR; --chown takes user[:group] as numbers or names from
//              the image's /etc/passwd and /etc/group, --chmod an octal mode.
//              ADD of a local tar (plain or gzip) extracts it.
//   RUN        runs in the stage's filesystem under bubblewrap, as the
//              stage's USER (names from the image's /etc/passwd; as root when
//              sluice itself is not root, with a log line saying so)
//              (builder_run.h: the SHELL, the env with the build args, WORKDIR
//              created if missing, overlay or snapshot capture); what it
//              changed is one layer,
//              whiteouts included. A failing command is an error at its line
//              naming the exit code and the command.
//   WORKDIR    sets the working directory and, when it is missing, creates it
//              in a layer of its own (as BuildKit does).
//   ENV LABEL USER EXPOSE VOLUME CMD ENTRYPOINT STOPSIGNAL HEALTHCHECK
//              update the image config (HEALTHCHECK in Docker's JSON shape);
//              these, SHELL and ARG add an empty-layer history entry. ARG
//              values reach RUN's environment, never the config.
//
// Every layer is reproducible (layer_tar.h): the same inputs give the same
// digests whatever the files' mtimes, and every timestamp in the image is
// SOURCE_DATE_EPOCH (BuildRequest::epoch). Layer steps go through the build
// cache kept in the layout (build_cache.h): a rebuild of an unchanged
// Dockerfile runs nothing and gives the same image digest; a changed context
// file re-runs its COPY and every layer step after it. no_cache skips the
// lookups (results are still recorded).
//
// Errors: problems in the Dockerfile (syntax, a failing RUN, a missing shell,
// an unknown stage, a COPY source that is missing or excluded, an unknown
// --chown name) go into `diagnostics` at their file:line:column and come back
// as InvalidArgument; NotFound for a base image not in the layout; Aborted
// when cancelled; IoError for the disk. Thread-safety: builds into distinct
// layouts may run concurrently; a build changes the layout's index and
// cache (see layout.h for serialising that).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/cancellation.h"
#include "common/diagnostic.h"
#include "common/status.h"
#include "oci/dockerfile.h"
#include "oci/image.h"
#include "oci/layer_tar.h"
#include "oci/layout.h"

namespace sluice::oci {

// Where a layer's compressed bytes go while it is being made (see
// BuildRequest::stream_layer).
class LayerStream {
 public:
  virtual ~LayerStream() = default;
  virtual void Write(std::string_view bytes) = 0;
  virtual void Finish(const Layer& layer) = 0;
};

struct BuildRequest {
  std::filesystem::path dockerfile;  // read from disk; its name is used in diagnostics
  std::filesystem::path context;     // the build context directory
  BuildArgs build_args;
  std::string target;  // stage name or index; empty: the last stage
  std::string tag;     // tag in the layout
  int64_t epoch = 0;   // SOURCE_DATE_EPOCH: every mtime and "created"
  // Added to the image's labels last, over the Dockerfile's (--label).
  std::map<std::string, std::string> labels;
  // Progress lines ("STEP 2/5: COPY ...", RUN output); may be empty.
  std::function<void(std::string_view line)> log;
  // Called on the building thread with each layer the build makes or finds
  // in its cache (earlier stages' included), as soon as it has it (a layer
  // just made may still be being written to the layout), so a caller can
  // start uploading it while the build goes on; may be empty.
  std::function<void(const Layer& layer)> on_layer;
  // Streams each layer the build makes (not the ones it finds in its cache)
  // while it is compressed: called on the building thread before the
  // layer's bytes exist, it returns where they go (or null); the build
  // writes them in order, one call at a time from compressing threads, then
  // calls Finish with the layer before on_layer. A stream destroyed without
  // Finish belongs to a layer that was not made. May be empty.
  std::function<std::unique_ptr<LayerStream>()> stream_layer;
  // Called on the building thread with the image's config and manifest
  // once every layer is made, just before they are stored; may be empty.
  std::function<void(const ImageDocuments& documents)> on_image;
  // Stops a RUN in progress (and the build) when cancelled; may be null.
  const Cancellation* cancel = nullptr;
  // Skip build-cache lookups (every step runs); results are still recorded.
  bool no_cache = false;
};

// Builds and tags the image; returns its manifest descriptor.
Result<Descriptor> BuildImage(const BuildRequest& request, const ImageLayout& layout,
                              DiagnosticList& diagnostics);

}  // namespace sluice::oci
