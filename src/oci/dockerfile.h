// Dockerfiles: parsed into stages of typed instructions, then resolved for a
// build (variables substituted, build args applied, the environment tracked).
//
// Two steps, as Docker does them:
//
//   1. ParseDockerfile() reads the text: parser directives at the top
//      (`# escape=`; `# syntax=` and `# check=` are accepted and ignored),
//      comments, line continuations with the escape character, flags, JSON
//      (exec) forms. It keeps every argument as written (quotes, `$VAR`),
//      because the values of variables are only known for a given build.
//      Shell-form arguments of COPY, ADD, EXPOSE and VOLUME are split on
//      blanks outside quotes (Docker splits on every blank, so `"a b"` is
//      one source here and two there); globs in sources are left to the
//      builder.
//   2. ResolveStage() walks one stage with the build args and the base
//      image's environment, substituting `$VAR`, `${VAR}`, `${VAR:-default}`,
//      `${VAR:+alt}`, `${VAR:?message}` (and the forms without `:`), with
//      BuildKit's automatic platform ARGs (PlatformArgs()), in the
//      instructions Docker substitutes: FROM (global ARGs only), ARG
//      defaults, ENV, LABEL, WORKDIR, USER, COPY/ADD (sources, destination,
//      flags), EXPOSE, VOLUME, STOPSIGNAL. RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK are left for
//      the shell in the image, as Docker leaves them.
//
// Not supported, each reported as an error at its line with what to do
// instead: ONBUILD, heredocs (`RUN <<EOF`), RUN flags (`--mount`,
// `--network`, `--security`), ADD --from, unknown instructions and flags.
// MAINTAINER is accepted as `LABEL maintainer=...` with a deprecation warning.
//
// Errors: every problem goes into the DiagnosticList handed in, located at
// file:line:column (the keyword of the instruction) and naming the
// instruction; the functions return InvalidArgument summarising the first
// error when any was found, so a caller can print all of them with
// FormatDiagnostic(). Nothing here touches the filesystem or the clock.
// Thread-safety: plain values and pure functions; safe to use concurrently
// on distinct objects.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"

namespace sluice::oci {

enum class InstructionKind {
  kArg,
  kEnv,
  kLabel,
  kWorkdir,
  kUser,
  kCopy,
  kAdd,
  kRun,
  kCmd,
  kEntrypoint,
  kExpose,
  kVolume,
  kHealthcheck,
  kShell,
  kStopsignal,
};

// "ARG", "ENV", ... as written in a Dockerfile.
std::string_view InstructionName(InstructionKind kind);

// One `name=value` of ARG, ENV or LABEL. For ARG, `has_value` is false when
// no default was written (`ARG name`).
struct KeyValue {
  std::string key;
  std::string value;
  bool has_value = true;

  bool operator==(const KeyValue&) const = default;
};

// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD: the exec form
// (`["a", "b"]`, `exec_form` true, one element per argument) or the shell
// form (`exec_form` false, `args` holds the whole command line as written,
// continuations joined).
struct Command {
  bool exec_form = false;
  std::vector<std::string> args;

  bool operator==(const Command&) const = default;
};

// COPY and ADD. `from` is a stage name, a stage index or an image reference
// (empty: the build context).
struct CopySpec {
  std::vector<std::string> sources;
  std::string destination;
  std::string from;
  std::string chown;
  std::string chmod;
  bool link = false;
};

// HEALTHCHECK NONE (`none`) or HEALTHCHECK [options] CMD command. The
// durations are Go durations ("30s", "1m30s"), empty when not given;
// `retries` is 0 when not given (the runtime's default).
struct Healthcheck {
  bool none = false;
  std::string interval;
  std::string timeout;
  std::string start_period;
  std::string start_interval;
  int retries = 0;
  Command command;
};

// One instruction. Which fields are used depends on `kind`:
//   ARG, ENV, LABEL               pairs
//   WORKDIR, USER, STOPSIGNAL     values (exactly one)
//   EXPOSE, VOLUME                values (one per port / path)
//   COPY, ADD                     copy
//   RUN, CMD, ENTRYPOINT, SHELL   command (SHELL is always the exec form)
//   HEALTHCHECK                   healthcheck
// `run_env` is filled by ResolveStage() for RUN only: the variables the
// command sees (the stage's ARGs in scope, then ENV, which wins).
struct Instruction {
  InstructionKind kind = InstructionKind::kRun;
  int line = 0;    // where the instruction starts, 1-based
  int column = 1;  // of its keyword, 1-based
  std::vector<KeyValue> pairs;
  std::vector<std::string> values;
  CopySpec copy;
  Command command;
  Healthcheck healthcheck;
  std::vector<KeyValue> run_env;
};

// FROM [--platform=p] base [AS name]. `base` is "scratch" or an image
// reference, as written until resolved; `name` is lower-cased (stage names
// are case-insensitive in Docker) and empty when there is no AS.
struct Stage {
  std::string base;
  std::string name;
  std::string platform;
  int line = 0;
  int column = 1;
  std::vector<Instruction> instructions;
};

struct Dockerfile {
  std::string file;                      // the name errors are reported under
  char escape = '\\';                    // from the `# escape=` directive
  std::vector<Instruction> global_args;  // the ARG instructions before the first FROM
  std::vector<Stage> stages;             // at least one when parsing succeeded
};

// Parses `text`, reporting problems against `file` into `diagnostics`.
// InvalidArgument when any error was found (the warnings alone do not fail).
Result<Dockerfile> ParseDockerfile(std::string_view text, std::string_view file,
                                   DiagnosticList& diagnostics);

// The index of the stage named `name_or_index` ("builder", or "0", "1"...),
// as COPY --from and `--target` name stages; -1 when there is none (an image
// reference, for COPY --from).
int FindStage(const Dockerfile& dockerfile, std::string_view name_or_index);

// `--build-arg NAME=VALUE` values: they override ARG defaults, and only
// reach the build through an ARG instruction -- except the automatic
// platform ARGs below, which FROM sees without one, as in BuildKit.
using BuildArgs = std::map<std::string, std::string>;

// BuildKit's automatic platform ARGs for a target and a build platform, each
// "os/arch[/variant]" ("linux/amd64", "linux/arm/v7"): TARGETPLATFORM,
// TARGETOS, TARGETARCH, TARGETVARIANT and the same with BUILD. Merge them
// into the build args (a user's --build-arg of the same name wins).
// InvalidArgument naming the text when a platform is not os/arch[/variant].
Result<BuildArgs> PlatformArgs(std::string_view target, std::string_view build);

// Environment variables in the order they were first set.
using Environment = std::vector<KeyValue>;

// What a stage starts from: the config of its base image, or of the parent
// stage when FROM names an earlier stage (empty for scratch).
struct StageBase {
  Environment env;
  std::string workdir = "/";
};

// A stage ready to build: `base` and `platform` substituted with the global
// ARGs, instructions with their variables substituted (WORKDIR made absolute
// against the previous working directory), `env` the environment after the
// stage's last instruction and `workdir` its last working directory.
struct ResolvedStage {
  std::string base;
  std::string name;
  std::string platform;
  int line = 0;
  std::vector<Instruction> instructions;
  Environment env;
  std::string workdir = "/";
};

// Resolves stage `index` of `dockerfile`. Errors (a malformed `${`, an empty
// WORKDIR after substitution, a bad EXPOSE port, a COPY --from naming a later
// stage or itself) go into `diagnostics` at the instruction's line;
// InvalidArgument (no diagnostic) when `index` is out of range.
Result<ResolvedStage> ResolveStage(const Dockerfile& dockerfile, std::size_t index,
                                   const BuildArgs& build_args, const StageBase& base,
                                   DiagnosticList& diagnostics);

// The build args no ARG instruction of `dockerfile` declares (automatic
// platform ARGs excepted), sorted: Docker warns that they were not consumed.
std::vector<std::string> UnusedBuildArgs(const Dockerfile& dockerfile, const BuildArgs& build_args);

// The value of `key` in `env`, or nullptr.
const std::string* FindVariable(const Environment& env, std::string_view key);

}  // namespace sluice::oci
