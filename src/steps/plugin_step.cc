#include "steps/plugin_step.h"

#include "common/files.h"
#include "oci/builder_run.h"
#include "runner/script.h"
#include "steps/container_image.h"
#include "steps/plugin_settings.h"
#include "steps/reports.h"
#include "steps/script_common.h"
#include "steps/spec_check.h"

namespace sluice::steps {

namespace fs = std::filesystem;

namespace {

// The runner's per-step files, in the step's scratch dir (file names are
// ours; plugins find them through the variables).
constexpr std::string_view kOutputFile = "output.env";
constexpr std::string_view kSecretOutputFile = "output-secrets.env";
constexpr std::string_view kArtifactFile = "artifact";

// Where the runner's files are: on the host, and as the plugin sees them.
struct PluginFiles {
  fs::path host_dir;
  std::string seen_dir;

  fs::path Host(std::string_view name) const { return host_dir / name; }
  std::string Seen(std::string_view name) const { return (fs::path(seen_dir) / name).string(); }

  // Empty output files (the plugin appends to them).
  Status Create() const {
    SLUICE_RETURN_IF_ERROR(MakeDirs(host_dir));
    SLUICE_RETURN_IF_ERROR(WriteFileAtomic(Host(kOutputFile), "", 0644));
    return WriteFileAtomic(Host(kSecretOutputFile), "", 0644);
  }

  std::map<std::string, std::string> Variables() const {
    return {{"DRONE_OUTPUT", Seen(kOutputFile)},
            {"HARNESS_OUTPUT_FILE", Seen(kOutputFile)},
            {"HARNESS_OUTPUT_SECRET_FILE", Seen(kSecretOutputFile)},
            {"PLUGIN_ARTIFACT_FILE", Seen(kArtifactFile)}};
  }
};

// KEY=VALUE lines of the output files as the step's outputs, whatever its
// status (as for Run steps); the secret file's values are masked everywhere.
void TakePluginOutputs(engine::StepContext& ctx, const PluginFiles& files,
                       engine::StepOutcome* outcome) {
  if (auto text = ReadFile(files.Host(kSecretOutputFile)); text.ok()) {
    for (auto& [k, v] : runner::ParseOutputFile(*text)) {
      ctx.masker.Add(v);
      outcome->secret_outputs.insert(k);
      outcome->outputs[k] = std::move(v);
    }
  }
  if (auto text = ReadFile(files.Host(kOutputFile)); text.ok()) {
    for (auto& [k, v] : runner::ParseOutputFile(*text)) outcome->outputs.emplace(k, std::move(v));
  }
}

// The step's published links: one log line each, the artifact records and
// details["artifacts"] (what `sluice executions show` lists).
void Publish(engine::StepContext& ctx, const std::vector<PublishedFile>& files,
             engine::StepOutcome* outcome) {
  std::vector<store::ArtifactRecord> uploaded;
  if (ctx.published) uploaded = ctx.published();
  for (store::ArtifactRecord& r : ArtifactRecords(files, uploaded)) {
    std::string line = "[sluice] published " + r.name + ": " + r.url;
    if (!r.bucket.empty()) {
      line += " (stored in this execution as " + r.bucket + "/" + r.key + ", " +
              std::to_string(r.size) + " bytes)";
    }
    ctx.Log(line);
    nlohmann::json entry = {{"type", "file"}, {"name", r.name}, {"url", r.url}};
    if (r.size >= 0) entry["size"] = r.size;
    if (!r.sha256.empty()) entry["digest"] = "sha256:" + r.sha256;
    if (!outcome->details.contains("artifacts"))
      outcome->details["artifacts"] = nlohmann::json::array();
    outcome->details["artifacts"].push_back(std::move(entry));
    outcome->artifacts.push_back(std::move(r));
  }
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The built-in artifact-metadata-publisher.
engine::StepOutcome RunPublisher(engine::StepContext& ctx,
                                 const std::map<std::string, std::string>& plugin_env) {
  auto urls = plugin_env.find("PLUGIN_FILE_URLS");
  if (urls == plugin_env.end()) {
    return engine::StepOutcome::Failure(pipeline::ErrorType::kConfigurationFailure,
                                        "settings.file_urls is required by " +
                                            std::string(kArtifactMetadataPublisher) +
                                            ": give the URLs of the files to publish");
  }
  auto files = ParseFileUrls(urls->second, "settings.file_urls");
  if (!files.ok()) {
    return engine::StepOutcome::Failure(pipeline::ErrorType::kConfigurationFailure,
                                        files.status().message());
  }
  // The document the plugin writes: `artifact_file` is relative to the
  // workspace, as the plugin runs there; else the runner's per-step path.
  auto named = plugin_env.find("PLUGIN_ARTIFACT_FILE");
  fs::path path = named != plugin_env.end() && !named->second.empty()
                      ? ctx.workspace.ToHost(named->second)
                      : ctx.workspace.scratch_dir / kArtifactFile;
  Status written = MakeDirs(path.parent_path());
  if (written.ok()) written = WriteFileAtomic(path, ArtifactFileJson(*files), 0644);
  if (!written.ok()) {
    return engine::StepOutcome::Error("cannot write the artifact file: " + written.message());
  }
  engine::StepOutcome outcome;
  Publish(ctx, *files, &outcome);
  return outcome;
}

// Settings the sandbox cannot honour are said, not silently dropped.
void NoteUnappliedSettings(engine::StepContext& ctx, const YAML::Node& spec) {
  for (const char* key : {"privileged", "runAsUser", "resources"}) {
    const YAML::Node& value = spec[key];
    bool set = value && !value.IsNull() && !(value.IsScalar() && value.Scalar() == "false");
    if (set) {
      ctx.Log(std::string("[sluice] spec.") + key +
              " is not applied: the plugin runs as root in its sandbox, without limits");
    }
  }
}

// The command of a plugin image: spec.entrypoint when given (Docker drops
// the image's CMD then too), else the image's ENTRYPOINT + CMD.
Result<std::vector<std::string>> PluginCommand(engine::StepContext& ctx,
                                               const oci::ContainerConfig& config,
                                               const std::string& image) {
  std::vector<std::string> argv;
  const YAML::Node& entrypoint = ctx.node.spec["entrypoint"];
  if (entrypoint && !entrypoint.IsNull()) {
    SLUICE_ASSIGN_OR_RETURN(expr::Value v, ctx.Resolve(entrypoint, "spec.entrypoint"));
    if (v.is_array()) {
      for (const auto& item : v)
        argv.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    } else if (v.is_string()) {
      argv.push_back(v.get<std::string>());
    }
    if (argv.empty())
      return Status::InvalidArgument("spec.entrypoint is empty: give the command to run");
    return argv;
  }
  if (config.entrypoint) argv = *config.entrypoint;
  if (config.cmd) argv.insert(argv.end(), config.cmd->begin(), config.cmd->end());
  if (argv.empty()) {
    return Status::FailedPrecondition("image " + image +
                                      " has no ENTRYPOINT or CMD; set spec.entrypoint to the "
                                      "plugin's command");
  }
  return argv;
}

// Any other plugin: its image's own command, as a container.
engine::StepOutcome RunContainer(engine::StepContext& ctx, std::map<std::string, std::string> env,
                                 const std::map<std::string, std::string>& plugin_env) {
  const YAML::Node& spec = ctx.node.spec;
  auto prepared = PrepareStepImage(ctx);
  if (!prepared.ok()) return ImageFailureOutcome(prepared.status());
  std::unique_ptr<ImageRoot> image = std::move(*prepared);
  ctx.workspace = WorkspaceInImage(ctx.workspace, image->root());

  PluginFiles files{ctx.workspace.scratch_dir, std::string(runner::kScriptDirInImage)};
  if (Status made = files.Create(); !made.ok()) return engine::StepOutcome::Error(made.message());
  for (auto& [k, v] : files.Variables()) env[k] = v;
  for (const auto& [k, v] : plugin_env) env[k] = v;

  runner::ProcessSpec process;
  process.env = StepEnvironmentInImage(image->config().config, ctx.env, env);
  auto argv = PluginCommand(ctx, image->config().config, image->display());
  if (!argv.ok()) return ImageFailureOutcome(argv.status());
  if (!oci::ProgramInRoot(image->root(), argv->front(), process.env["PATH"])) {
    return ImageFailureOutcome(Status::FailedPrecondition(
        "image " + image->display() + " has no program " + argv->front() +
        " (its command: " + Joined(*argv) + "); set spec.entrypoint to one the image has"));
  }
  NoteUnappliedSettings(ctx, spec);
  ctx.Log("[sluice] plugin command: " + Joined(*argv));
  process.argv = std::move(*argv);
  process.working_dir = ctx.workspace.working_dir;
  process.mounts = ctx.workspace.mounts;
  process.mounts.push_back({files.host_dir.string(), files.seen_dir, false});
  process.root_dir = image->root().string();
  process.timeout = ctx.timeout;

  auto result = ctx.processes.Run(process, ctx.log, ctx.cancel);
  if (!result.ok()) return engine::StepOutcome::Error(result.status().message());
  engine::StepOutcome outcome = ProcessOutcome(ctx, *result, "plugin");
  TakePluginOutputs(ctx, files, &outcome);

  // Links the plugin published, as Harness reads them after the step.
  auto named = plugin_env.find("PLUGIN_ARTIFACT_FILE");
  fs::path artifact_file = named != plugin_env.end() && !named->second.empty()
                               ? image->ToHost(ctx.workspace, named->second)
                               : files.Host(kArtifactFile);
  if (auto text = ReadFile(artifact_file); text.ok()) {
    auto published = ParseArtifactFile(*text);
    if (published.ok()) {
      Publish(ctx, *published, &outcome);
    } else {
      ctx.Log("[sluice] the plugin's artifact file was not read: " + published.status().message());
    }
  }
  CollectJUnitReports(ctx, spec["reports"], image.get(), &outcome);
  return outcome;
}

}  // namespace

void PluginStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                              DiagnosticList* diags) const {
  SpecChecker check(step, diags);
  if (stage.type != pipeline::StageType::kCI) {
    check.Error(step.spec ? step.spec : YAML::Node(),
                "Plugin steps run in CI stages, not in stage \"" + stage.identifier + "\"");
  }
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(
      spec,
      {"image", "connectorRef", "registryRef", "settings", "entrypoint", "imagePullPolicy",
       "privileged", "envVariables", "reports", "resources", "runAsUser", "uses"},
      "Plugin step spec");
  check.RequireScalar(spec, "image", "Plugin step spec");
  check.OptionalScalar(spec, "connectorRef", "Plugin step spec");
  check.OptionalScalar(spec, "registryRef", "Plugin step spec");
  check.OptionalMapping(spec, "settings", "Plugin step spec");
  check.OptionalSequence(spec, "entrypoint", "Plugin step spec");
  check.CheckOneOf(spec, "imagePullPolicy", {"Always", "IfNotPresent", "Never"},
                   "Plugin step spec");
  check.OptionalScalar(spec, "privileged", "Plugin step spec");
  check.OptionalScalar(spec, "runAsUser", "Plugin step spec");
  check.OptionalMapping(spec, "resources", "Plugin step spec");
  check.OptionalMapping(spec, "envVariables", "Plugin step spec");
  CheckJUnitReports(check, spec);
  if (spec["uses"] && !spec["uses"].IsNull()) {
    check.Warning(spec["uses"],
                  "spec.uses (GitHub Actions) is not supported; the step runs `image`");
  }

  // The built-in publisher's settings, as far as they are known before the run.
  const YAML::Node& image = spec["image"];
  if (!image || !image.IsScalar() || !IsArtifactMetadataPublisher(image.Scalar())) return;
  const YAML::Node& settings = spec["settings"];
  const YAML::Node urls = settings && settings.IsMap() ? settings["file_urls"] : YAML::Node();
  if (!urls || urls.IsNull()) {
    check.Error(settings && settings.IsMap() ? settings : spec,
                std::string(kArtifactMetadataPublisher) +
                    " needs settings.file_urls: the URLs of the files to publish");
    return;
  }
  std::vector<YAML::Node> items;
  if (urls.IsSequence()) {
    for (const YAML::Node& u : urls) items.push_back(u);
  } else {
    items.push_back(urls);
  }
  for (const YAML::Node& u : items) {
    if (!u.IsScalar()) {
      check.Error(u, "settings.file_urls: each item must be a URL");
      continue;
    }
    if (u.Scalar().find("<+") != std::string::npos) continue;  // known at run time
    auto parsed = ParseFileUrls(u.Scalar(), "settings.file_urls");
    if (!parsed.ok() && !u.Scalar().empty()) check.Error(u, parsed.status().message());
  }
}

engine::StepOutcome PluginStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  auto image = ctx.ResolveString(spec["image"], "spec.image");
  if (!image.ok()) return engine::StepOutcome::Error(image.status().message());
  // Expressions and secrets first; secrets are registered with the masker.
  auto settings = ctx.Resolve(spec["settings"], "spec.settings");
  if (!settings.ok()) return engine::StepOutcome::Error(settings.status().message());
  auto plugin_env = PluginSettingsEnv(*settings);
  if (!plugin_env.ok()) return engine::StepOutcome::Error(plugin_env.status().message());
  std::map<std::string, std::string> env;
  Status resolved = ResolveEnvMap(ctx, spec["envVariables"], "spec.envVariables", &env);
  if (!resolved.ok()) return engine::StepOutcome::Error(resolved.message());

  if (IsArtifactMetadataPublisher(*image)) return RunPublisher(ctx, *plugin_env);
  return RunContainer(ctx, std::move(env), *plugin_env);
}

}  // namespace sluice::steps
