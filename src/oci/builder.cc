#include "oci/builder.h"

#include <memory>
#include <vector>

#include "common/files.h"
#include "oci/builder_copy.h"
#include "oci/builder_run.h"
#include "oci/dockerignore.h"
#include "oci/layer_unpack.h"

namespace sluice::oci {

namespace {

namespace fs = std::filesystem;

// RUN's PATH when the image sets none (Docker's default).
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A built stage: its image so far and its filesystem, for COPY --from.
struct BuiltStage {
  std::vector<Layer> layers;
  ImageConfig config;
  std::unique_ptr<TempDir> rootfs;
};

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> ToArgv(const Command& command, const std::vector<std::string>& shell) {
  if (command.exec_form) return command.args;
  std::vector<std::string> argv = shell;
  argv.push_back(Joined(command.args));
  return argv;
}

void SetEnv(ContainerConfig& config, const std::string& key, const std::string& value) {
  std::string prefix = key + "=";
  for (std::string& e : config.env) {
    if (e.starts_with(prefix)) {
      e = prefix + value;
      return;
    }
  }
  config.env.push_back(prefix + value);
}

StageBase BaseOf(const ImageConfig& config) {
  StageBase base;
  for (const std::string& e : config.config.env) {
    size_t eq = e.find('=');
    base.env.push_back({e.substr(0, eq), eq == std::string::npos ? "" : e.substr(eq + 1)});
  }
  if (!config.config.working_dir.empty()) base.workdir = config.config.working_dir;
  return base;
}

class Builder {
 public:
  Builder(const BuildRequest& request, const ImageLayout& layout, DiagnosticList& diagnostics)
      : request_(request), layout_(layout), diagnostics_(diagnostics) {}

  Result<Descriptor> Run(const std::string& text) {
    std::string file = request_.dockerfile.string();
    SLUICE_ASSIGN_OR_RETURN(dockerfile_, ParseDockerfile(text, file, diagnostics_));
    int target = static_cast<int>(dockerfile_.stages.size()) - 1;
    if (!request_.target.empty()) {
      target = FindStage(dockerfile_, request_.target);
      if (target < 0) {
        return Status::InvalidArgument("--target " + request_.target + ": " + file +
                                       " has no stage of that name or index");
      }
    }
    // Images are built for linux/amd64 (the config's default platform), on it.
    SLUICE_ASSIGN_OR_RETURN(build_args_, PlatformArgs("linux/amd64", "linux/amd64"));
    for (const auto& [key, value] : request_.build_args) build_args_[key] = value;
    auto ignore_text = ReadFile(request_.context / ".dockerignore");
    if (ignore_text.ok()) {
      SLUICE_ASSIGN_OR_RETURN(ignore_, ParseDockerignore(*ignore_text));
    }
    for (int i = 0; i <= target; ++i) SLUICE_RETURN_IF_ERROR(BuildStage(static_cast<size_t>(i)));
    BuiltStage& last = stages_.back();
    for (const auto& [key, value] : request_.labels) last.config.config.labels[key] = value;
    return layout_.WriteImage(last.layers, last.config, request_.tag);
  }

 private:
  Status Error(const Instruction& in, const std::string& message) {
    std::string name(InstructionName(in.kind));
    diagnostics_.Error({request_.dockerfile.string(), in.line, in.column},
                       message.starts_with(name + " ") ? message : name + ": " + message);
    return Status::InvalidArgument(request_.dockerfile.string() + ":" + std::to_string(in.line) +
                                   ": " + message);
  }

  // The stage's starting image and filesystem.
  Status StartStage(const Stage& stage, BuiltStage& built) {
    SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-build-"));
    built.rootfs = std::make_unique<TempDir>(std::move(dir));
    built.config.created = Rfc3339Utc(request_.epoch);
    if (stage.base == "scratch") return Status::Ok();
    int parent = FindStage(dockerfile_, stage.base);
    if (parent >= 0 && static_cast<size_t>(parent) < stages_.size()) {
      const BuiltStage& from = stages_[static_cast<size_t>(parent)];
      built.layers = from.layers;
      built.config = from.config;
      // Unpacked again rather than copied, which keeps owners and devices.
      for (const Layer& layer : built.layers) {
        SLUICE_RETURN_IF_ERROR(
            UnpackLayer(layer.gzip, built.rootfs->path(), RootfsUnpackOptions()));
      }
      return Status::Ok();
    }
    auto desc = layout_.Resolve(stage.base);
    if (!desc.ok()) {
      diagnostics_.Error({request_.dockerfile.string(), stage.line, stage.column},
                         "FROM: image \"" + stage.base +
                             "\" is not in the local store; pull it first with sluice image pull");
      return Status::NotFound("base image " + stage.base + " is not in the local store");
    }
    SLUICE_ASSIGN_OR_RETURN(Manifest manifest, layout_.ReadManifest(desc->digest));
    SLUICE_ASSIGN_OR_RETURN(built.config, layout_.ReadConfig(manifest));
    built.config.created = Rfc3339Utc(request_.epoch);
    for (size_t i = 0; i < manifest.layers.size(); ++i) {
      Layer layer;
      SLUICE_ASSIGN_OR_RETURN(layer.gzip, layout_.ReadBlob(manifest.layers[i].digest));
      layer.digest = manifest.layers[i].digest;
      layer.size = manifest.layers[i].size;
      if (i < built.config.diff_ids.size()) layer.diff_id = built.config.diff_ids[i];
      SLUICE_RETURN_IF_ERROR(UnpackLayer(layer.gzip, built.rootfs->path(), RootfsUnpackOptions()));
      built.layers.push_back(std::move(layer));
    }
    return Status::Ok();
  }

  Status BuildStage(size_t index) {
    const Stage& stage = dockerfile_.stages[index];
    BuiltStage built;
    // FROM is substituted with the global ARGs only, so resolving against an
    // empty base gives the base's name; its diagnostics come again below.
    Stage resolved_base = stage;
    {
      DiagnosticList repeated;
      auto probe = ResolveStage(dockerfile_, index, build_args_, {}, repeated);
      // A stage that does not resolve is reported as it is, not as a missing base.
      if (!probe.ok()) {
        diagnostics_.Append(repeated);
        return probe.status();
      }
      resolved_base.base = probe->base;
    }
    SLUICE_RETURN_IF_ERROR(StartStage(resolved_base, built));
    SLUICE_ASSIGN_OR_RETURN(
        ResolvedStage resolved,
        ResolveStage(dockerfile_, index, build_args_, BaseOf(built.config), diagnostics_));
    ImageConfig& config = built.config;
    ContainerConfig& run = config.config;
    std::vector<std::string> shell = {"/bin/sh", "-c"};
    std::string workdir = "/";
    if (!run.working_dir.empty()) workdir = run.working_dir;
    bool cmd_set = false;  // by this stage, as opposed to inherited
    for (const Instruction& in : resolved.instructions) {
      std::string created_by(InstructionName(in.kind));
      bool empty_layer = true;
      switch (in.kind) {
        case InstructionKind::kRun:
          SLUICE_RETURN_IF_ERROR(RunLayer(in, shell, workdir, built));
          created_by += " " + Joined(ToArgv(in.command, shell));
          empty_layer = false;
          break;
        case InstructionKind::kArg:
          break;
        case InstructionKind::kEnv:
          for (const auto& kv : in.pairs) {
            SetEnv(run, kv.key, kv.value);
            created_by += " " + kv.key + "=" + kv.value;
          }
          break;
        case InstructionKind::kLabel:
          for (const auto& kv : in.pairs) {
            run.labels[kv.key] = kv.value;
            created_by += " " + kv.key + "=" + kv.value;
          }
          break;
        case InstructionKind::kWorkdir:
          workdir = run.working_dir = in.values.at(0);
          created_by += " " + workdir;
          break;
        case InstructionKind::kUser:
          run.user = in.values.at(0);
          created_by += " " + run.user;
          break;
        case InstructionKind::kStopsignal:
          run.stop_signal = in.values.at(0);
          created_by += " " + run.stop_signal;
          break;
        case InstructionKind::kExpose:
          for (const auto& v : in.values) {
            run.exposed_ports.insert(v.find('/') == std::string::npos ? v + "/tcp" : v);
          }
          created_by += " " + Joined(in.values);
          break;
        case InstructionKind::kVolume:
          for (const auto& v : in.values) run.volumes.insert(v);
          created_by += " " + Joined(in.values);
          break;
        case InstructionKind::kCmd:
          run.cmd = ToArgv(in.command, shell);
          cmd_set = true;
          created_by += " " + Joined(*run.cmd);
          break;
        case InstructionKind::kEntrypoint:
          run.entrypoint = ToArgv(in.command, shell);
          if (!cmd_set) run.cmd.reset();  // Docker drops an inherited CMD, not this stage's
          created_by += " " + Joined(*run.entrypoint);
          break;
        case InstructionKind::kShell:
          shell = in.command.args;
          created_by += " " + Joined(shell);
          break;
        case InstructionKind::kHealthcheck:
          created_by +=
              in.healthcheck.none ? " NONE" : " CMD " + Joined(in.healthcheck.command.args);
          break;
        case InstructionKind::kCopy:
        case InstructionKind::kAdd: {
          SLUICE_RETURN_IF_ERROR(CopyLayer(in, workdir, built));
          created_by += " " + Joined(in.copy.sources) + " " + in.copy.destination;
          empty_layer = false;
          break;
        }
      }
      config.history.push_back({config.created, created_by, "", empty_layer});
    }
    stages_.push_back(std::move(built));
    return Status::Ok();
  }

  Status CopyLayer(const Instruction& in, const std::string& workdir, BuiltStage& built) {
    const CopySpec& spec = in.copy;
    fs::path from_root = request_.context;
    Dockerignore no_ignore;
    const Dockerignore* ignore = &ignore_;
    if (!spec.from.empty()) {
      int from = FindStage(dockerfile_, spec.from);
      if (from < 0 || static_cast<size_t>(from) >= stages_.size()) {
        return Error(in, "--from=" + spec.from +
                             " names no earlier stage; copying from images is not supported yet");
      }
      from_root = stages_[static_cast<size_t>(from)].rootfs->path();
      ignore = &no_ignore;
    }
    LayerOptions options;
    options.mtime = request_.epoch;
    if (!spec.chown.empty()) {
      Status chown = ParseChown(spec.chown, options.uid, options.gid);
      if (!chown.ok()) return Error(in, chown.message());
    }
    SLUICE_ASSIGN_OR_RETURN(TempDir tree, TempDir::Create("sluice-layer-"));
    Status copied = CopyIntoTree(spec, in.kind == InstructionKind::kAdd, from_root, *ignore,
                                 workdir, built.rootfs->path(), tree.path());
    if (!copied.ok()) return Error(in, copied.message());
    SLUICE_ASSIGN_OR_RETURN(Layer layer, BuildLayer(tree.path(), options));
    SLUICE_RETURN_IF_ERROR(UnpackLayer(layer.gzip, built.rootfs->path(), RootfsUnpackOptions()));
    built.layers.push_back(std::move(layer));
    return Status::Ok();
  }

  Status RunLayer(const Instruction& in, const std::vector<std::string>& shell,
                  const std::string& workdir, BuiltStage& built) {
    RunSpec spec;
    spec.argv = ToArgv(in.command, shell);
    for (const KeyValue& kv : in.run_env) spec.env[kv.key] = kv.value;
    spec.env.try_emplace("PATH", kDefaultPath);
    spec.workdir = workdir;
    spec.epoch = request_.epoch;
    spec.log = request_.log;
    spec.cancel = request_.cancel;
    auto outcome = RunInRootfs(built.rootfs->path(), spec);
    if (!outcome.ok()) {
      if (outcome.status().code() != StatusCode::kFailedPrecondition) return outcome.status();
      return Error(in, outcome.status().message() +
                           (in.command.exec_form
                                ? "; install it in an earlier step or use a base image that has it"
                                : "; use the exec form or a base image with a shell"));
    }
    const runner::ProcessResult& process = outcome->process;
    if (process.exit_code != 0) {
      std::string how = process.term_signal != 0
                            ? "was killed by signal " + std::to_string(process.term_signal)
                            : "failed with exit code " + std::to_string(process.exit_code);
      return Error(in, "RUN at " + request_.dockerfile.filename().string() + ":" +
                           std::to_string(in.line) + " " + how + ": " + Joined(spec.argv));
    }
    built.layers.push_back(std::move(*outcome->layer));
    return Status::Ok();
  }

  const BuildRequest& request_;
  const ImageLayout& layout_;
  DiagnosticList& diagnostics_;
  Dockerfile dockerfile_;
  Dockerignore ignore_;
  BuildArgs build_args_;  // the request's over the automatic platform ARGs
  std::vector<BuiltStage> stages_;
};

}  // namespace

Result<Descriptor> BuildImage(const BuildRequest& request, const ImageLayout& layout,
                              DiagnosticList& diagnostics) {
  auto text = ReadFile(request.dockerfile);
  if (!text.ok()) return text.status().Annotate("reading the Dockerfile");
  Builder builder(request, layout, diagnostics);
  return builder.Run(*text);
}

}  // namespace sluice::oci
