#include "steps/security_scan_step.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/reference.h"
#include "oci/registry.h"
#include "oci/registry_http.h"
#include "oci/transfer.h"
#include "scan/report.h"
#include "scan/scan_history.h"
#include "steps/image_registry.h"
#include "steps/spec_check.h"

namespace sluice::steps {
namespace {

using engine::StepOutcome;
using pipeline::ErrorType;

constexpr std::chrono::minutes kDefaultWait{10};
// Findings listed in the log, most severe first; the rest are counted.
constexpr size_t kFindingsLogged = 50;

StepOutcome Configuration(std::string message) {
  return StepOutcome::Failure(ErrorType::kConfigurationFailure, std::move(message));
}

// The fields of the spec the step reads, resolved.
struct ScanSpec {
  std::string mode;
  std::string target_name;
  std::string target_variant;
  std::string image_name;
  std::string image_tag;
  std::string image_region;
  std::string image_domain;
  std::string access_id;
  std::string access_token;
  std::string fail_on = "none";
};

Result<ScanSpec> ResolveSpec(const engine::StepContext& ctx) {
  const YAML::Node& spec = ctx.node.spec;
  ScanSpec s;
  auto field = [&](const YAML::Node& parent, const char* key, std::string path,
                   std::string& out) -> Status {
    if (!parent || !parent.IsMap() || !parent[key]) return Status::Ok();
    SLUICE_ASSIGN_OR_RETURN(out, ctx.ResolveString(parent[key], path));
    return Status::Ok();
  };
  SLUICE_RETURN_IF_ERROR(field(spec, "mode", "spec.mode", s.mode));
  SLUICE_RETURN_IF_ERROR(field(spec["target"], "name", "spec.target.name", s.target_name));
  SLUICE_RETURN_IF_ERROR(field(spec["target"], "variant", "spec.target.variant", s.target_variant));
  const YAML::Node image = spec["image"];
  SLUICE_RETURN_IF_ERROR(field(image, "name", "spec.image.name", s.image_name));
  SLUICE_RETURN_IF_ERROR(field(image, "tag", "spec.image.tag", s.image_tag));
  SLUICE_RETURN_IF_ERROR(field(image, "region", "spec.image.region", s.image_region));
  SLUICE_RETURN_IF_ERROR(field(image, "domain", "spec.image.domain", s.image_domain));
  SLUICE_RETURN_IF_ERROR(field(image, "access_id", "spec.image.access_id", s.access_id));
  SLUICE_RETURN_IF_ERROR(field(image, "access_token", "spec.image.access_token", s.access_token));
  SLUICE_RETURN_IF_ERROR(
      field(spec["advanced"], "fail_on_severity", "spec.advanced.fail_on_severity", s.fail_on));
  if (s.image_tag.empty()) s.image_tag = "latest";
  if (s.fail_on.empty()) s.fail_on = "none";
  if (s.target_name.empty()) s.target_name = s.image_name;
  return s;
}

// The local store's tag for AWSECR's image: an ECR URI ending in
// /<name>:<tag> (in `region` when given). NotFound saying where to look.
Result<std::string> FindEcrImage(const oci::ImageLayout& store, const ScanSpec& s) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> tags, store.ListTags());
  std::string suffix = ".amazonaws.com/" + s.image_name + ":" + s.image_tag;
  std::string region = s.image_region.empty() ? "" : ".dkr.ecr." + s.image_region + ".";
  std::vector<std::string> found;
  for (const std::string& tag : tags) {
    if (tag.ends_with(suffix) && (region.empty() || tag.find(region) != std::string::npos)) {
      found.push_back(tag);
    }
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return Status::NotFound("no image " + s.image_name + ":" + s.image_tag + " from ECR" +
                            (s.image_region.empty() ? "" : " in " + s.image_region) +
                            " in the local image store; a BuildAndPushECR step stores it there "
                            "(sluice image ls lists the store)");
  }
  std::string names;
  for (const std::string& tag : found) names += (names.empty() ? "" : ", ") + tag;
  return Status::InvalidArgument("several ECR images match " + s.image_name + ":" + s.image_tag +
                                 " (" + names + "); set spec.image.region");
}

// AquaTrivy's image: from the local store, else pulled from its registry.
Result<oci::Descriptor> FindOrPullImage(engine::StepContext& ctx, const oci::ImageLayout& store,
                                        const ScanSpec& s, bool* pulled) {
  std::string ref =
      (s.image_domain.empty() ? "" : s.image_domain + "/") + s.image_name + ":" + s.image_tag;
  auto local = store.Resolve(ref);
  if (local.ok() || local.status().code() != StatusCode::kNotFound) return local;
  if (!oci::NamesRegistry(ref)) return local.status();  // never Docker Hub
  SLUICE_ASSIGN_OR_RETURN(oci::ImageReference parsed, oci::ParseImageReference(ref));
  oci::RegistryOptions options;
  if (!s.access_id.empty())
    options.credentials = oci::RegistryCredentials{s.access_id, s.access_token};
  oci::RegistryClient client(parsed.registry, options, oci::NewCurlTransport());
  SLUICE_ASSIGN_OR_RETURN(ImageStoreLock lock, LockImageStore(ctx, ctx.cancel));
  SLUICE_ASSIGN_OR_RETURN(oci::PullResult result, oci::Pull(client, parsed, store, ref));
  *pulled = true;
  return result.manifest;
}

std::map<std::string, std::string> OutputVariables(const scan::SeverityCounts& counts) {
  std::map<std::string, std::string> out;
  for (scan::Severity s : scan::kSeveritiesMostSevereFirst) {
    std::string name(scan::SeverityName(s));
    out[name] = std::to_string(counts.at(s));
    out["NEW_" + name] = std::to_string(counts.new_at(s));
  }
  out["TOTAL"] = std::to_string(counts.total());
  out["NEW_TOTAL"] = std::to_string(counts.new_total());
  return out;
}

void LogFindings(const engine::StepContext& ctx, const scan::ScanResult& result) {
  size_t shown = 0;
  for (const scan::Finding& f : result.findings) {
    if (shown++ == kFindingsLogged) {
      ctx.Log("... and " + std::to_string(result.findings.size() - kFindingsLogged) +
              " more (details in the step's scan)");
      break;
    }
    ctx.Log(std::string(scan::SeverityName(f.severity)) + "  " + f.id + "  " +
            scan::FindingLocation(f) + "  " + f.title);
  }
}

}  // namespace

std::string_view SecurityScanStep::name() const {
  return scanner_ == Scanner::kAwsEcr ? "AWSECR" : "AquaTrivy";
}

void SecurityScanStep::ValidateSpec(const pipeline::ExecutionNode& step,
                                    const pipeline::Stage& /*stage*/, DiagnosticList* diags) const {
  SpecChecker check(step, diags);
  const std::string where = std::string(name()) + " step spec";
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(
      spec,
      {"mode", "config", "target", "image", "auth", "advanced", "settings", "ingestion",
       "privileged", "imagePullPolicy", "resources", "runAsUser", "outputVariables", "sbom"},
      where);
  check.RequireScalar(spec, "mode", where);
  check.CheckOneOf(spec, "mode", {"orchestration", "extraction", "ingestion"}, where);
  if (check.OptionalMapping(spec, "image", where) && spec["image"]) {
    check.RequireScalar(spec["image"], "name", where + ".image");
  } else if (!spec["image"]) {
    check.Error(spec, where + " is missing required field \"image\" (name and tag of the image)");
  }
  check.OptionalMapping(spec, "target", where);
  if (check.OptionalMapping(spec, "advanced", where) && spec["advanced"]) {
    check.CheckOneOf(spec["advanced"], "fail_on_severity",
                     {"critical", "high", "medium", "low", "info", "none"}, where + ".advanced");
  }
}

StepOutcome SecurityScanStep::Execute(engine::StepContext& ctx) const {
  Result<ScanSpec> resolved = ResolveSpec(ctx);
  if (!resolved.ok()) return StepOutcome::Error(resolved.status().message());
  const ScanSpec& s = *resolved;
  if (!s.access_token.empty()) ctx.masker.Add(s.access_token);
  if (s.mode == "ingestion") {
    return Configuration(std::string(name()) +
                         " in ingestion mode reads another scanner's results file, which sluice "
                         "does not take; use orchestration (or extraction) to scan the image here");
  }
  if (s.image_name.empty()) return Configuration("spec.image.name is required");
  std::optional<scan::Severity> fail_on;
  if (s.fail_on != "none") {
    fail_on = scan::ParseSeverity(s.fail_on);
    if (!fail_on) {
      return Configuration("spec.advanced.fail_on_severity \"" + s.fail_on +
                           "\": use critical, high, medium, low, info or none");
    }
  }

  Result<oci::ImageLayout> store = OpenImageStore(ctx);
  if (!store.ok()) return StepOutcome::Error(store.status().message());
  std::string display;
  Result<oci::Descriptor> image = Status::NotFound("");
  bool pulled = false;
  if (scanner_ == Scanner::kAwsEcr) {
    Result<std::string> tag = FindEcrImage(*store, s);
    if (!tag.ok()) return Configuration(tag.status().message());
    display = *tag;
    image = store->Resolve(display);
  } else {
    display =
        (s.image_domain.empty() ? "" : s.image_domain + "/") + s.image_name + ":" + s.image_tag;
    image = FindOrPullImage(ctx, *store, s, &pulled);
  }
  if (!image.ok()) {
    bool remote = image.status().code() == StatusCode::kIoError;
    return StepOutcome::Failure(
        remote ? ErrorType::kConnectivity : ErrorType::kConfigurationFailure,
        "image " + display + ": " + image.status().message());
  }
  ctx.Log("scanning " + display + " (" + image->digest.str() + ")" +
          (pulled ? ", pulled into the local image store" : ""));

  Millis wait = ctx.timeout.value_or(std::chrono::duration_cast<Millis>(kDefaultWait));
  std::optional<Result<scan::ScanResult>> on_push =
      scans_->WaitFor(image->digest, wait, ctx.cancel);
  if (on_push) ctx.Log("the scan started when the image was pushed is done");
  Result<scan::ScanResult> result =
      on_push ? std::move(*on_push) : ScanStoredImage(ctx.state_dir, *image);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kAborted) {
      StepOutcome aborted = StepOutcome::Error(result.status().message());
      aborted.status = engine::NodeStatus::kAborted;
      return aborted;
    }
    return StepOutcome::Error("scanning " + display + ": " + result.status().message());
  }

  auto counted =
      scan::CountAgainstHistory(scan::ScanHistory(ctx.state_dir / "scans"), s.target_name, *result);
  if (!counted.ok()) return StepOutcome::Error(counted.status().message());
  const scan::SeverityCounts& counts = *counted;

  nlohmann::json summary = scan::SummaryJson(counts);
  ctx.Log("Scan Results: " + summary.dump(4));
  if (!result->vulnerabilities_checked) {
    ctx.Log(
        "no vulnerability database in the state directory: packages were not checked for "
        "known vulnerabilities (sluice vulndb import)");
  }
  LogFindings(ctx, *result);

  StepOutcome outcome = StepOutcome::Success();
  outcome.outputs = OutputVariables(counts);
  nlohmann::json details = scan::DetailedJson(s.target_name, *result, counts);
  details.erase("packages");  // the inventory is large; `sluice image scan` shows it
  details["variant"] = s.target_variant;
  details["image"] = display;
  outcome.details["scan"] = std::move(details);
  if (fail_on) {
    int at_or_above = scan::CountAtOrAbove(result->findings, *fail_on);
    if (at_or_above > 0) {
      StepOutcome failed = StepOutcome::Failure(
          ErrorType::kVerification, std::to_string(at_or_above) + " finding(s) at or above " +
                                        std::string(scan::SeverityName(*fail_on)) +
                                        " (fail_on_severity) in " + display);
      failed.outputs = std::move(outcome.outputs);
      failed.details = std::move(outcome.details);
      return failed;
    }
  }
  return outcome;
}

}  // namespace sluice::steps
