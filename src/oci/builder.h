// Building images from a Dockerfile without a daemon.
//
// BuildImage() parses the Dockerfile, resolves and builds each stage up to
// the target (the last stage unless BuildRequest::target names one), and
// writes the target stage to the image layout under BuildRequest::tag.
//
//   FROM       scratch, an earlier stage, or an image already tagged in the
//              layout (anything else: "pull it first with sluice image pull").
//   COPY/ADD   from the build context (honouring .dockerignore) or, with
//              --from, from an earlier stage's filesystem; sources may be
//              globs; a directory source copies its contents; a destination
//              ending in '/' (or several sources) is a directory; relative
//              destinations are against WORKDIR; --chown takes numeric
//              uid[:gid], --chmod an octal mode. ADD of a local tar (plain or
//              gzip) extracts it. Each COPY/ADD is one reproducible layer
//              (layer_tar.h): the same inputs give the same digests,
//              whatever the files' mtimes.
//   ENV LABEL WORKDIR USER EXPOSE VOLUME CMD ENTRYPOINT STOPSIGNAL
//              update the image config; these, HEALTHCHECK, SHELL and ARG add
//              an empty-layer history entry. HEALTHCHECK is recorded in the
//              history only: the image config type has no field for it yet.
//   RUN        runs in the stage's filesystem under bubblewrap, as root
//              (builder_run.h: the shell, env with build args, WORKDIR,
//              overlay or snapshot capture, USER not applied to the command);
//              what it changed is one reproducible layer, whiteouts included.
//              Its output goes to BuildRequest::log; a failing command is an
//              error at its line naming the exit code and the command.
//
// Every timestamp in the image is SOURCE_DATE_EPOCH (BuildRequest::epoch).
//
// Errors: problems in the Dockerfile (syntax, a failing RUN, an unknown stage, a COPY
// source that is missing or excluded) go into `diagnostics` at their
// file:line:column and come back as InvalidArgument; NotFound for a base
// image not in the layout; IoError for the disk. Thread-safety: builds into
// distinct layouts may run concurrently; a build changes the layout's index
// (see layout.h for serialising that).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/cancellation.h"
#include "common/diagnostic.h"
#include "common/status.h"
#include "oci/dockerfile.h"
#include "oci/image.h"
#include "oci/layout.h"

namespace sluice::oci {

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
  // Stops a RUN in progress (and the build) when cancelled; may be null.
  const Cancellation* cancel = nullptr;
  // Skip build-cache lookups (every step runs); results are still recorded.
  bool no_cache = false;
};

// Builds and tags the image; returns its manifest descriptor.
Result<Descriptor> BuildImage(const BuildRequest& request, const ImageLayout& layout,
                              DiagnosticList& diagnostics);

}  // namespace sluice::oci
