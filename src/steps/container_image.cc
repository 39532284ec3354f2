#include "steps/container_image.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>

#include "engine/workspace.h"
#include "oci/registry.h"
#include "oci/registry_http.h"
#include "oci/rootfs_cache.h"
#include "oci/transfer.h"

namespace sluice::steps {

namespace fs = std::filesystem;

namespace {

// `path` (absolute, as seen inside the image) on the host, following its
// symlinks the way the kernel would with `root` as "/": absolute targets
// start again at root and ".." stops at it, so no link leads outside.
// nullopt when a component is missing or links nest deeper than 40.
std::optional<fs::path> ResolveInRoot(const fs::path& root, const std::string& path) {
  std::deque<std::string> parts;
  for (const fs::path& p : fs::path(path).relative_path()) parts.push_back(p.string());
  fs::path inside = "/";
  int links = 0;
  while (!parts.empty()) {
    std::string part = parts.front();
    parts.pop_front();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      inside = inside.parent_path();
      continue;
    }
    fs::path host = root / (inside / part).relative_path();
    std::error_code ec;
    fs::file_status st = fs::symlink_status(host, ec);
    if (ec || !fs::exists(st)) return std::nullopt;
    if (fs::is_symlink(st)) {
      if (++links > 40) return std::nullopt;
      fs::path target = fs::read_symlink(host, ec);
      if (ec) return std::nullopt;
      if (target.is_absolute()) inside = "/";
      std::vector<std::string> more;
      for (const fs::path& p : target.relative_path()) more.push_back(p.string());
      parts.insert(parts.begin(), more.begin(), more.end());
      continue;
    }
    inside /= part;
  }
  return root / inside.relative_path();
}

// Variables StepEnvironment() takes from the host: meaningless in an image.
bool DescribesHost(const std::string& name) {
  return name == "PATH" || name == "HOME" || name == "USER" || name == "LOGNAME" ||
         name == "TMPDIR";
}

}  // namespace

Result<PullPolicy> ParsePullPolicy(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower.empty() || lower == "ifnotpresent") return PullPolicy::kIfNotPresent;
  if (lower == "always") return PullPolicy::kAlways;
  if (lower == "never") return PullPolicy::kNever;
  return Status::InvalidArgument("spec.imagePullPolicy \"" + std::string(text) +
                                 "\" is not supported (use Always, IfNotPresent or Never)");
}

Result<LocalImage> EnsureLocalImage(const ImageLocation& where, PullPolicy policy,
                                    const oci::ImageLayout& store, const LogFn& log) {
  LocalImage image;
  if (where.local_store) {
    image.tag = where.display;
    auto found = store.Resolve(image.tag);
    if (!found.ok() && found.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("image " + where.display + " is not in the local image store (" +
                              store.dir().string() + "): build it with `sluice image build -t " +
                              where.display + " CONTEXT` or pull it with `sluice image pull`");
    }
    if (!found.ok()) return found.status();
    image.manifest = *found;
    log("[sluice] image " + where.display + " (" + image.manifest.digest.str() +
        ") from the local image store");
    return image;
  }

  image.tag = where.reference.str();
  auto local = store.Resolve(image.tag);
  if (!local.ok() && local.status().code() != StatusCode::kNotFound) return local.status();
  if (policy == PullPolicy::kNever && !local.ok()) {
    return Status::NotFound("image " + where.display +
                            " is not in the local image store and imagePullPolicy is Never: "
                            "pull it first (sluice image pull " +
                            image.tag + ") or use imagePullPolicy: IfNotPresent");
  }
  if (policy == PullPolicy::kAlways || !local.ok()) {
    oci::RegistryClient client(where.reference.registry, where.registry, oci::NewCurlTransport());
    auto pulled = oci::Pull(client, where.reference, store, image.tag);
    if (!pulled.ok()) {
      return Status(pulled.status().code(),
                    "cannot pull image " + where.display + ": " + pulled.status().message());
    }
    image.manifest = pulled->manifest;
    image.pulled = true;
    log("[sluice] image " + where.display + " (" + image.manifest.digest.str() + ") pulled from " +
        where.reference.registry);
    return image;
  }
  image.manifest = *local;
  log("[sluice] image " + where.display + " (" + image.manifest.digest.str() +
      ") already in the local image store, not pulled (imagePullPolicy: IfNotPresent)");
  return image;
}

Result<std::unique_ptr<ImageRoot>> ImageRoot::Prepare(const oci::ImageLayout& store,
                                                      const oci::Descriptor& manifest,
                                                      const fs::path& cache_dir,
                                                      const fs::path& scratch_dir, const LogFn& log,
                                                      bool allow_overlay) {
  SLUICE_ASSIGN_OR_RETURN(oci::Manifest parsed, store.ReadManifest(manifest.digest));
  SLUICE_ASSIGN_OR_RETURN(oci::ImageConfig config, store.ReadConfig(parsed));
  oci::UnpackOptions options;
  options.preserve_owners = ::geteuid() == 0;
  SLUICE_ASSIGN_OR_RETURN(fs::path lower,
                          oci::UnpackImageCached(store, manifest.digest, cache_dir, options));

  const fs::path root = scratch_dir / "root";
  if (allow_overlay && runner::OverlayAvailable()) {
    auto overlay =
        runner::OverlayMount::Create({lower}, scratch_dir / "upper", scratch_dir / "work", root);
    if (overlay.ok()) {
      return std::unique_ptr<ImageRoot>(
          new ImageRoot(root, std::move(config), std::move(*overlay)));
    }
    log("[sluice] " + overlay.status().message() +
        "; the step runs in a private copy of the image");
  } else if (allow_overlay) {
    log("[sluice] overlay mounts are not available here (they need root); the step runs in a "
        "private copy of the image");
  }
  std::error_code ec;
  fs::create_directories(scratch_dir, ec);
  fs::copy(lower, root, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    return Status::IoError("cannot copy the image's root filesystem to " + root.string() + ": " +
                           ec.message());
  }
  return std::unique_ptr<ImageRoot>(new ImageRoot(root, std::move(config), std::nullopt));
}

fs::path ImageRoot::ToHost(const engine::StepWorkspace& ws, const std::string& path) const {
  fs::path full = path.empty() || path[0] != '/' ? fs::path(ws.working_dir) / path : fs::path(path);
  full = full.lexically_normal();
  for (const runner::Mount& m : ws.mounts) {
    auto rel = full.lexically_relative(m.target);
    if (!rel.empty() && *rel.begin() != "..") return ws.ToHost(full.string());
  }
  return root_ / full.relative_path();
}

engine::StepWorkspace WorkspaceInImage(const engine::StepWorkspace& stage, const fs::path& root) {
  engine::StepWorkspace ws = stage;
  ws.working_dir = std::string(engine::kWorkspaceMount);
  if (ws.mounts.empty()) {
    ws.mounts.push_back({stage.host_dir.string(), std::string(engine::kWorkspaceMount), false});
  }
  for (const char* file : {"/etc/resolv.conf", "/etc/hosts"}) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    // bwrap would follow a symlink in the image, possibly to nowhere.
    if (fs::is_symlink(fs::symlink_status(root / fs::path(file).relative_path(), ec))) continue;
    ws.mounts.push_back({file, file, true});
  }
  ws.scratch_dir = stage.scratch_dir / "script";
  return ws;
}

Status CheckShellInImage(const fs::path& root, std::string_view image, runner::Shell shell) {
  const bool bash = shell == runner::Shell::kBash;
  const std::string program = bash ? "/bin/bash" : "/bin/sh";
  auto host = ResolveInRoot(root, program);
  struct stat st {};
  if (host && ::stat(host->c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0) {
    return Status::Ok();
  }
  return Status::FailedPrecondition(
      "image " + std::string(image) + " has no " + program +
      ", which shell: " + (bash ? "Bash" : "Sh") + " needs; use " +
      (bash ? "shell: Sh or an image that has bash" : "an image that has a shell at /bin/sh"));
}

std::map<std::string, std::string> StepEnvironmentInImage(
    const oci::ContainerConfig& image, const std::map<std::string, std::string>& context_env,
    const std::map<std::string, std::string>& step_env) {
  std::map<std::string, std::string> env;
  for (const std::string& kv : image.env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos && eq > 0) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : context_env) {
    if (!DescribesHost(k)) env[k] = v;
  }
  env.emplace("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& [k, v] : step_env) env[k] = v;
  return env;
}

Result<std::unique_ptr<ImageRoot>> PrepareStepImage(engine::StepContext& ctx, runner::Shell shell) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<ImageRoot> root, PrepareStepImage(ctx));
  SLUICE_RETURN_IF_ERROR(CheckShellInImage(root->root(), root->display(), shell));
  return root;
}

Result<std::unique_ptr<ImageRoot>> PrepareStepImage(engine::StepContext& ctx) {
  const YAML::Node& spec = ctx.node.spec;
  SLUICE_ASSIGN_OR_RETURN(std::string image, ctx.ResolveString(spec["image"], "spec.image"));
  if (image.empty())
    return Status::InvalidArgument("spec.image is empty: name an image or remove the field");
  SLUICE_ASSIGN_OR_RETURN(std::string policy_text,
                          ctx.ResolveString(spec["imagePullPolicy"], "spec.imagePullPolicy"));
  SLUICE_ASSIGN_OR_RETURN(PullPolicy policy, ParsePullPolicy(policy_text));
  SLUICE_ASSIGN_OR_RETURN(std::string connector_ref,
                          ctx.ResolveString(spec["connectorRef"], "spec.connectorRef"));
  const pipeline::Connector* connector = nullptr;
  if (!connector_ref.empty()) {
    connector = ctx.project.FindConnector(connector_ref);
    if (connector == nullptr) {
      return Status::NotFound("spec.connectorRef: connector \"" + connector_ref +
                              "\" is not defined (add it under .harness/connectors)");
    }
  }
  SLUICE_ASSIGN_OR_RETURN(ImageLocation where, StepImage(ctx, connector, image));
  SLUICE_ASSIGN_OR_RETURN(oci::ImageLayout store, OpenImageStore(ctx));
  LogFn log = [&ctx](std::string_view line) { ctx.Log(line); };
  // A pull tags the store: other steps and processes wait meanwhile.
  std::optional<ImageStoreLock> lock;
  if (!where.local_store) {
    SLUICE_ASSIGN_OR_RETURN(ImageStoreLock held, LockImageStore(ctx, ctx.cancel));
    lock.emplace(std::move(held));
  }
  SLUICE_ASSIGN_OR_RETURN(LocalImage local, EnsureLocalImage(where, policy, store, log));
  lock.reset();
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<ImageRoot> root,
                          ImageRoot::Prepare(store, local.manifest, ctx.state_dir / "rootfs",
                                             ctx.workspace.scratch_dir / "image", log));
  root->display_ = where.display;
  const std::string& user = root->config().config.user;
  if (!user.empty() && user != "root" && user != "0" && user != "0:0") {
    ctx.Log("[sluice] the image's USER " + user +
            " is not used: the step runs as root in its sandbox");
  }
  return root;
}

// A step whose image cannot be made ready fails (failure strategies apply),
// as a container that cannot start does in Harness: a registry that cannot
// be reached is a Connectivity failure, a missing image or shell a
// Configuration failure. Other errors leave the step Errored.
engine::StepOutcome ImageFailureOutcome(const Status& status) {
  using pipeline::ErrorType;
  switch (status.code()) {
    case StatusCode::kAborted: {
      engine::StepOutcome aborted;
      aborted.status = engine::NodeStatus::kAborted;
      aborted.failure_message = status.message();
      return aborted;
    }
    case StatusCode::kIoError:
      return engine::StepOutcome::Failure(ErrorType::kConnectivity, status.message());
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInvalidArgument:
      return engine::StepOutcome::Failure(ErrorType::kConfigurationFailure, status.message());
    default:
      return engine::StepOutcome::Error(status.message());
  }
}

}  // namespace sluice::steps
