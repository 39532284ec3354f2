#include "serve/function_image.h"

#include "oci/builder_copy.h"
#include "oci/builder_run.h"
#include "oci/layout.h"
#include "oci/rootfs_cache.h"

namespace sluice::serve {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

Result<runner::ProcessSpec> FunctionInstanceSpec(const fs::path& state_dir,
                                                 const InstanceIdentity& identity,
                                                 const store::FunctionConfig& config) {
  const std::string what = "function " + identity.function + " version " + identity.version;
  auto digest = oci::ParseDigest(config.image_digest);
  if (!digest.ok()) {
    return Status::InvalidArgument(what + " names no image digest (\"" + config.image_digest +
                                   "\"); deploy it again");
  }
  SLUICE_ASSIGN_OR_RETURN(oci::ImageLayout layout, oci::ImageLayout::Open(state_dir / "images"));
  if (!layout.HasBlob(*digest)) {
    return Status::NotFound(what + ": image " + config.image + " (" + config.image_digest +
                            ") is not in the local image store " + (state_dir / "images").string() +
                            "; deploying the function puts it there");
  }
  SLUICE_ASSIGN_OR_RETURN(oci::Manifest manifest, layout.ReadManifest(*digest));
  SLUICE_ASSIGN_OR_RETURN(oci::ImageConfig image, layout.ReadConfig(manifest));
  SLUICE_ASSIGN_OR_RETURN(
      fs::path root,
      oci::UnpackImageCached(layout, *digest, state_dir / "rootfs", oci::RootfsUnpackOptions()));
  const oci::ContainerConfig& c = image.config;

  runner::ProcessSpec spec;
  spec.argv = config.command;
  if (spec.argv.empty()) {
    if (c.entrypoint) spec.argv = *c.entrypoint;
    if (c.cmd) spec.argv.insert(spec.argv.end(), c.cmd->begin(), c.cmd->end());
  }
  if (spec.argv.empty()) {
    return Status::FailedPrecondition(what + ": image " + config.image +
                                      " has no ENTRYPOINT or CMD; give the function a command");
  }
  for (const std::string& kv : c.env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) spec.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!spec.env.contains("PATH")) spec.env["PATH"] = kDefaultPath;
  for (const auto& [k, v] : config.env) spec.env[k] = v;
  spec.env["AWS_LAMBDA_FUNCTION_NAME"] = identity.function;
  spec.env["AWS_LAMBDA_FUNCTION_VERSION"] = identity.version;
  spec.env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_mb);
  spec.env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + identity.function;
  spec.env["AWS_LAMBDA_LOG_STREAM_NAME"] = "[" + identity.version + "]" + identity.function;
  spec.env["AWS_REGION"] = identity.region;
  spec.env["AWS_DEFAULT_REGION"] = identity.region;
  spec.env["LAMBDA_TASK_ROOT"] = "/var/task";
  spec.env["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
  spec.env["TZ"] = ":UTC";
  if (!config.handler.empty()) spec.env["_HANDLER"] = config.handler;

  if (!oci::ProgramInRoot(root, spec.argv.front(), spec.env["PATH"])) {
    return Status::FailedPrecondition(what + ": image " + config.image + " has no program " +
                                      spec.argv.front() + " (its command: " + Joined(spec.argv) +
                                      ")");
  }
  spec.root_dir = root.string();
  spec.read_only_root = true;
  spec.working_dir = c.working_dir.empty() ? "/" : c.working_dir;
  if (!c.user.empty()) {
    runner::ProcessSpec::User user;
    SLUICE_RETURN_IF_ERROR(oci::ResolveUser(c.user, root, user.uid, user.gid));
    if (user.uid != 0 || user.gid != 0) spec.user = user;
  }
  spec.kill_grace = std::chrono::milliseconds(500);
  return spec;
}

}  // namespace sluice::serve
