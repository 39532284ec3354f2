// Internal to the builder: the instructions that only change the image
// config (ENV LABEL WORKDIR USER STOPSIGNAL EXPOSE VOLUME CMD ENTRYPOINT
// SHELL HEALTHCHECK ARG), and how every instruction is described in the
// image history and the progress log.
//
// Errors: InvalidArgument with a message meant to follow "<INSTRUCTION>: "
// at the instruction's line (a HEALTHCHECK duration that is not a Go
// duration). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/dockerfile.h"
#include "oci/image.h"

namespace sluice::oci {

// What a stage carries from one instruction to the next besides its config.
struct StageState {
  std::vector<std::string> shell = {"/bin/sh", "-c"};
  std::string workdir = "/";
  bool cmd_set = false;  // CMD set by this stage, as opposed to inherited
};

std::string Joined(const std::vector<std::string>& words);

// The command as run: the exec form as is, the shell form through `shell`.
std::vector<std::string> ToArgv(const Command& command, const std::vector<std::string>& shell);

// "COPY a.txt /srv/", "RUN /bin/sh -c make" (the history's created_by).
std::string Describe(const Instruction& in, const std::vector<std::string>& shell);

// Applies a config-only instruction to `config` and `state`; COPY, ADD and
// RUN are left alone.
Status ApplyConfigInstruction(const Instruction& in, StageState& state, ContainerConfig& config);

// A Go duration ("30s", "1m30s", "1.5h", "250ms") in nanoseconds.
Result<int64_t> ParseGoDuration(std::string_view text);

}  // namespace sluice::oci
