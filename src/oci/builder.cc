#include "oci/builder.h"

#include <unistd.h>

#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/files.h"
#include "oci/build_cache.h"
#include "oci/builder_config.h"
#include "oci/builder_copy.h"
#include "oci/builder_run.h"
#include "oci/dockerignore.h"
#include "oci/layer_unpack.h"
#include "oci/rootfs_cache.h"
#include "oci/tar_format.h"

namespace sluice::oci {

namespace {

namespace fs = std::filesystem;

// RUN's PATH when the image sets none (Docker's default).
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A built stage: its image so far and its filesystem, for COPY --from.
//
// The filesystem is brought up to date only when a step reads it (RUN,
// COPY, a WORKDIR check, COPY --from): a build whose layers all come from
// the cache, or whose last steps only add layers, never unpacks them.
// Invariant: rootfs holds exactly layers[0, applied).
struct BuiltStage {
  std::vector<Layer> layers;
  size_t applied = 0;
  // Uncompressed tars of unapplied layers this build made, by index: they
  // are applied as they are instead of being decompressed again.
  std::map<size_t, std::string> tars;
  ImageConfig config;
  std::unique_ptr<TempDir> rootfs;
  std::string base;  // what FROM named, resolved (a manifest digest for an image)
  // The image reference FROM named (through earlier stages); empty for scratch.
  std::string base_name;
};

// Unpacks the layers the stage's filesystem does not hold yet.
Status ApplyLayers(BuiltStage& built) {
  for (; built.applied < built.layers.size(); ++built.applied) {
    auto tar = built.tars.find(built.applied);
    std::string_view data =
        tar != built.tars.end() ? std::string_view(tar->second) : built.layers[built.applied].gzip;
    SLUICE_RETURN_IF_ERROR(UnpackLayer(data, built.rootfs->path(), RootfsUnpackOptions()));
    if (tar != built.tars.end()) built.tars.erase(tar);
  }
  return Status::Ok();
}

// Whether `path` (relative, cleaned; "" is the root) is a real directory in
// the stage's filesystem: the unpacked layers, then the ones not unpacked
// yet. Those are read from their tars without unpacking them when they are
// all tars this build made (held uncompressed) without symlinks or
// whiteouts -- COPY after COPY, where nothing else needs the files. Anything
// else is unpacked first, and the filesystem answers.
Result<bool> IsStageDirectory(BuiltStage& built, const std::string& path) {
  if (path.empty()) return true;
  std::vector<std::vector<TarEntry>> pending;
  for (size_t i = built.applied; i < built.layers.size(); ++i) {
    auto tar = built.tars.find(i);
    bool plain = tar != built.tars.end();
    if (plain) {
      SLUICE_ASSIGN_OR_RETURN(std::vector<TarEntry> entries, ParseTar(tar->second));
      for (const TarEntry& e : entries) {
        plain = plain && e.type != TarType::kSymlink && e.name.find(".wh.") == std::string::npos;
      }
      pending.push_back(std::move(entries));
    }
    if (!plain) {
      SLUICE_RETURN_IF_ERROR(ApplyLayers(built));
      pending.clear();
      break;
    }
  }
  std::error_code ec;
  bool directory = fs::is_directory(fs::symlink_status(built.rootfs->path() / path, ec));
  const std::string inside = path + "/";
  for (const auto& entries : pending) {
    for (const TarEntry& e : entries) {
      std::string_view name = e.name;
      if (name.ends_with('/')) name.remove_suffix(1);
      bool is_directory = e.type == TarType::kDirectory;
      if (name == path) {
        directory = is_directory;
      } else if (name.starts_with(inside)) {
        directory = true;  // something inside it
      } else if (!is_directory && path.starts_with(std::string(name) + "/")) {
        directory = false;  // a file where a parent directory was
      }
    }
  }
  return directory;
}

// Whether an image reference names a tag or a digest ("name:tag",
// "name@sha256:..."; a ':' before the last '/' is a registry port).
bool HasTagOrDigest(const std::string& ref) {
  size_t slash = ref.rfind('/');
  size_t last = slash == std::string::npos ? 0 : slash;
  return ref.find('@') != std::string::npos || ref.find(':', last) != std::string::npos;
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
      : request_(request), layout_(layout), diagnostics_(diagnostics), cache_(layout) {}

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
    for (int i = 0; i <= target; ++i) {
      total_steps_ +=
          1 + static_cast<int>(dockerfile_.stages[static_cast<size_t>(i)].instructions.size());
    }
    for (int i = 0; i <= target; ++i) SLUICE_RETURN_IF_ERROR(BuildStage(static_cast<size_t>(i)));
    BuiltStage& last = stages_.back();
    for (const auto& [key, value] : request_.labels) last.config.config.labels[key] = value;
    std::map<std::string, std::string> annotations;
    if (!last.base_name.empty()) {
      annotations[std::string(kAnnotationBaseName)] = last.base_name;
      annotations[std::string(kAnnotationBaseDigest)] = last.base;
    }
    ImageDocuments documents = ComposeImage(last.layers, last.config, annotations);
    if (request_.on_image) request_.on_image(documents);
    while (!recording_.empty()) SLUICE_RETURN_IF_ERROR(WaitForRecord(recording_.begin()->first));
    return layout_.WriteImage(last.layers, documents, request_.tag);
  }

 private:
  Status Error(const Instruction& in, const std::string& message) {
    std::string name(InstructionName(in.kind));
    diagnostics_.Error({request_.dockerfile.string(), in.line, in.column},
                       message.starts_with(name + " ") ? message : name + ": " + message);
    return Status::InvalidArgument(request_.dockerfile.string() + ":" + std::to_string(in.line) +
                                   ": " + message);
  }

  // Waits until the layer made for cache key `key` is stored, if it is
  // being stored; its error, if that failed.
  Status WaitForRecord(const Digest& key) { return WaitForRecord(key.hex); }
  Status WaitForRecord(const std::string& key_hex) {
    auto it = recording_.find(key_hex);
    if (it == recording_.end()) return Status::Ok();
    Status stored = it->second.get();
    recording_.erase(it);
    return stored;
  }

  // "STEP n/m: <text>", counting steps over the stages being built.
  void LogStep(const std::string& text) {
    ++step_;
    if (request_.log) {
      request_.log("STEP " + std::to_string(step_) + "/" + std::to_string(total_steps_) + ": " +
                   text);
    }
  }

  // The stage's starting image and filesystem.
  Status StartStage(const Stage& stage, BuiltStage& built) {
    LogStep("FROM " + stage.base + (stage.name.empty() ? "" : " AS " + stage.name));
    SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-build-"));
    // The image's / as a RUN after USER sees it (mkdtemp made it 0700).
    std::error_code ec;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec, ec);
    built.rootfs = std::make_unique<TempDir>(std::move(dir));
    built.config.created = Rfc3339Utc(request_.epoch);
    built.base = stage.base;
    if (stage.base == "scratch") return Status::Ok();
    int parent = FindStage(dockerfile_, stage.base);
    if (parent >= 0 && static_cast<size_t>(parent) < stages_.size()) {
      const BuiltStage& from = stages_[static_cast<size_t>(parent)];
      built.layers = from.layers;
      built.tars = from.tars;
      built.config = from.config;
      built.base = from.base;
      built.base_name = from.base_name;
      // Unpacked again (when needed) rather than copied, which keeps owners and devices.
      return Status::Ok();
    }
    auto desc = layout_.Resolve(stage.base);
    if (!desc.ok() && !HasTagOrDigest(stage.base)) {
      desc = layout_.Resolve(stage.base + ":latest");  // as Docker reads "FROM name"
    }
    if (!desc.ok()) {
      diagnostics_.Error({request_.dockerfile.string(), stage.line, stage.column},
                         "FROM: image \"" + stage.base +
                             "\" is not in the local store; pull it first with sluice image pull");
      return Status::NotFound("base image " + stage.base + " is not in the local store");
    }
    built.base = desc->digest.str();
    built.base_name = stage.base;
    SLUICE_ASSIGN_OR_RETURN(Manifest manifest, layout_.ReadManifest(desc->digest));
    SLUICE_ASSIGN_OR_RETURN(built.config, layout_.ReadConfig(manifest));
    built.config.created = Rfc3339Utc(request_.epoch);
    for (size_t i = 0; i < manifest.layers.size(); ++i) {
      Layer layer;
      SLUICE_ASSIGN_OR_RETURN(layer.gzip, layout_.ReadBlob(manifest.layers[i].digest));
      layer.digest = manifest.layers[i].digest;
      layer.size = manifest.layers[i].size;
      if (i < built.config.diff_ids.size()) layer.diff_id = built.config.diff_ids[i];
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
    StageState state;
    if (!config.config.working_dir.empty()) state.workdir = config.config.working_dir;
    for (const Instruction& in : resolved.instructions) {
      std::string text = Describe(in, state.shell);
      bool empty_layer = true;
      switch (in.kind) {
        case InstructionKind::kRun:
        case InstructionKind::kCopy:
        case InstructionKind::kAdd:
          SLUICE_RETURN_IF_ERROR(LayerStep(in, text, state, built));
          empty_layer = false;
          break;
        case InstructionKind::kWorkdir:
          SLUICE_RETURN_IF_ERROR(ApplyConfigInstruction(in, state, config.config));
          // BuildKit creates a missing working directory in a layer of its own.
          SLUICE_RETURN_IF_ERROR(ApplyLayers(built));
          if (ResolveInRoot(built.rootfs->path(), state.workdir)) {
            LogStep(text);
          } else {
            SLUICE_RETURN_IF_ERROR(LayerStep(in, text, state, built));
            empty_layer = false;
          }
          break;
        default: {
          LogStep(text);
          Status applied = ApplyConfigInstruction(in, state, config.config);
          if (!applied.ok()) return Error(in, applied.message());
        }
      }
      config.history.push_back({config.created, text, "", empty_layer});
    }
    stages_.push_back(std::move(built));
    return Status::Ok();
  }

  // A step that makes a layer: from the cache when its key is there (and
  // --no-cache is off), else made and recorded.
  Status LayerStep(const Instruction& in, const std::string& text, const StageState& state,
                   BuiltStage& built) {
    CacheKey key;
    key.Add("base", built.base);
    for (const Layer& layer : built.layers) key.Add("layer", layer.diff_id.str());
    key.Add("config", ToJson(built.config)).Add("instruction", text);
    fs::path from_root;
    if (in.kind == InstructionKind::kCopy || in.kind == InstructionKind::kAdd) {
      SLUICE_ASSIGN_OR_RETURN(from_root, SourceRoot(in));
      auto inputs = CopyInputs(in.copy, in.kind == InstructionKind::kAdd, from_root,
                               in.copy.from.empty() ? ignore_ : Dockerignore());
      if (!inputs.ok()) return Error(in, inputs.status().message());
      SLUICE_ASSIGN_OR_RETURN(Digest files, DigestOfFiles(from_root, *inputs));
      key.Add("files", files.str());
    } else if (in.kind == InstructionKind::kRun) {
      for (const KeyValue& kv : in.run_env) key.Add("env", kv.key + "=" + kv.value);
      key.Add("workdir", state.workdir).Add("user", built.config.config.user);
    }
    Digest digest = key.Finish();
    if (!request_.no_cache) {
      SLUICE_RETURN_IF_ERROR(WaitForRecord(digest));  // the same step, made earlier in this build
      SLUICE_ASSIGN_OR_RETURN(std::optional<Layer> cached, cache_.Lookup(digest));
      if (cached) {
        LogStep(text + " (cached)");
        built.layers.push_back(std::move(*cached));
        if (request_.on_layer) request_.on_layer(built.layers.back());
        return Status::Ok();
      }
    }
    LogStep(text);
    // RUN works in the stage's filesystem; COPY only asks it whether its
    // destination is a directory, which it may answer without unpacking.
    if (in.kind == InstructionKind::kRun) SLUICE_RETURN_IF_ERROR(ApplyLayers(built));
    std::unique_ptr<LayerStream> stream = request_.stream_layer ? request_.stream_layer() : nullptr;
    LayerBytesSink sink;
    if (stream) sink = [&stream](std::string_view bytes) { stream->Write(bytes); };
    switch (in.kind) {
      case InstructionKind::kRun:
        SLUICE_RETURN_IF_ERROR(RunLayer(in, state, sink, built));
        break;
      case InstructionKind::kWorkdir:
        SLUICE_RETURN_IF_ERROR(WorkdirLayer(state.workdir, sink, built));
        break;
      default:
        SLUICE_RETURN_IF_ERROR(CopyLayer(in, from_root, state.workdir, sink, built));
    }
    if (stream) stream->Finish(built.layers.back());
    // Stored on a thread of its own while the build goes on (the blob is
    // copied: built.layers may grow meanwhile); Run waits for it.
    SLUICE_RETURN_IF_ERROR(WaitForRecord(digest));
    recording_[digest.hex] = std::async(
        std::launch::async,
        [this, digest, layer = built.layers.back()] { return cache_.Record(digest, layer); });
    if (request_.on_layer) request_.on_layer(built.layers.back());
    return Status::Ok();
  }

  // Where COPY/ADD reads: the context, an earlier stage or a local image.
  Result<fs::path> SourceRoot(const Instruction& in) {
    const std::string& from = in.copy.from;
    if (from.empty()) return request_.context;
    int stage = FindStage(dockerfile_, from);
    if (stage >= 0 && static_cast<size_t>(stage) < stages_.size()) {
      BuiltStage& source = stages_[static_cast<size_t>(stage)];
      SLUICE_RETURN_IF_ERROR(ApplyLayers(source));
      return source.rootfs->path();
    }
    auto desc = layout_.Resolve(from);
    if (!desc.ok()) {
      return Error(in, "--from=" + from +
                           " names no earlier stage and no image in the local store; "
                           "pull it first with sluice image pull");
    }
    if (!images_) {
      SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-build-from-"));
      images_ = std::make_unique<TempDir>(std::move(dir));
    }
    return UnpackImageCached(layout_, desc->digest, images_->path(), RootfsUnpackOptions());
  }

  Status CopyLayer(const Instruction& in, const fs::path& from_root, const std::string& workdir,
                   const LayerBytesSink& sink, BuiltStage& built) {
    const CopySpec& spec = in.copy;
    LayerOptions options;
    options.mtime = request_.epoch;
    if (!spec.chown.empty()) {
      SLUICE_RETURN_IF_ERROR(ApplyLayers(built));  // names are looked up in /etc/passwd
      Status chown = ResolveChown(spec.chown, built.rootfs->path(), options.uid, options.gid);
      if (!chown.ok()) return Error(in, chown.message());
    }
    SLUICE_ASSIGN_OR_RETURN(TempDir tree, TempDir::Create("sluice-layer-"));
    Dockerignore no_ignore;
    Status copied = CopyIntoTree(
        spec, in.kind == InstructionKind::kAdd, from_root, spec.from.empty() ? ignore_ : no_ignore,
        workdir, [&built](const std::string& path) { return IsStageDirectory(built, path); },
        tree.path());
    if (!copied.ok()) return Error(in, copied.message());
    std::string tar;
    SLUICE_ASSIGN_OR_RETURN(Layer layer, BuildLayer(tree.path(), options, nullptr, &tar, sink));
    built.tars[built.layers.size()] = std::move(tar);
    built.layers.push_back(std::move(layer));
    return Status::Ok();
  }

  Status WorkdirLayer(const std::string& workdir, const LayerBytesSink& sink, BuiltStage& built) {
    SLUICE_ASSIGN_OR_RETURN(TempDir tree, TempDir::Create("sluice-layer-"));
    fs::path dir = tree.path() / fs::path(workdir).relative_path();
    SLUICE_RETURN_IF_ERROR(MakeDirs(dir));
    for (fs::path p = dir; p != tree.path(); p = p.parent_path()) {
      fs::permissions(p, fs::perms(0755));
    }
    LayerOptions options;
    options.mtime = request_.epoch;
    std::string tar;
    SLUICE_ASSIGN_OR_RETURN(Layer layer, BuildLayer(tree.path(), options, nullptr, &tar, sink));
    built.tars[built.layers.size()] = std::move(tar);
    built.layers.push_back(std::move(layer));
    return Status::Ok();
  }

  Status RunLayer(const Instruction& in, const StageState& state, const LayerBytesSink& sink,
                  BuiltStage& built) {
    RunSpec spec;
    spec.argv = ToArgv(in.command, state.shell);
    for (const KeyValue& kv : in.run_env) spec.env[kv.key] = kv.value;
    spec.env.try_emplace("PATH", kDefaultPath);
    spec.workdir = state.workdir;
    spec.epoch = request_.epoch;
    spec.log = request_.log;
    spec.cancel = request_.cancel;
    spec.sink = sink;
    if (const std::string& user = built.config.config.user; !user.empty()) {
      runner::ProcessSpec::User ids;
      Status resolved = ResolveUser(user, built.rootfs->path(), ids.uid, ids.gid);
      if (!resolved.ok()) return Error(in, resolved.message());
      if ((ids.uid != 0 || ids.gid != 0) && ::geteuid() == 0) {
        spec.user = ids;
      } else if (ids.uid != 0 || ids.gid != 0) {
        if (request_.log) {
          request_.log("USER " + user + " is not applied to RUN: switching users needs root");
        }
      }
    }
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
    // RunInRootfs left its changes in the filesystem.
    built.layers.push_back(std::move(*outcome->layer));
    built.applied = built.layers.size();
    return Status::Ok();
  }

  const BuildRequest& request_;
  const ImageLayout& layout_;
  DiagnosticList& diagnostics_;
  BuildCache cache_;
  Dockerfile dockerfile_;
  Dockerignore ignore_;
  BuildArgs build_args_;  // the request's over the automatic platform ARGs
  std::vector<BuiltStage> stages_;
  std::unique_ptr<TempDir> images_;  // images COPY --from names, unpacked
  // Layers being stored in the layout and the cache, by cache key (hex).
  std::map<std::string, std::future<Status>> recording_;
  int step_ = 0;
  int total_steps_ = 0;
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
