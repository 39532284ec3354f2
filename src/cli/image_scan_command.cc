// sluice image scan REF: the image's packages, known vulnerabilities (from
// the database `sluice vulndb import` fills), secrets and misconfigurations.
// REF names an image of the local store, or one in a registry, which is
// pulled into the store first. What each layer gave a scan is kept in
// <state>/scan-cache (scanner.h), so a rescan reads only layers it has not
// seen; --no-cache neither reads nor writes it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/app.h"
#include "cli/image_support.h"
#include "common/files.h"
#include "oci/transfer.h"
#include "scan/report.h"
#include "scan/report_formats.h"
#include "scan/scan_history.h"
#include "scan/scanner.h"
#include "scan/vulndb.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.0.0"
#endif

namespace sluice::cli {
namespace {

struct ScanFlags {
  std::string ref;
  std::string format = "table";
  std::string fail_on = "none";
  std::string vulndb;            // default: <state>/vulndb.sqlite when it exists
  std::string secret_allowlist;  // trivy-secret.yaml shape
  bool no_cache = false;         // no <state>/scan-cache
  RegistryFlags registry;
};

// The image REF names: in the local store, else pulled from its registry.
Result<oci::Descriptor> ResolveImage(const GlobalOptions& options, const oci::ImageLayout& layout,
                                     const ScanFlags& flags) {
  auto local = layout.Resolve(flags.ref);
  if (local.ok() || local.status().code() != StatusCode::kNotFound) return local;
  // Only a reference that names its registry (HOST[:PORT]/...) is pulled:
  // "name:tag" means the local store, never Docker Hub.
  auto ref = oci::ParseImageReference(flags.ref);
  if (!ref.ok() || !oci::NamesRegistry(flags.ref)) {
    return Status::NotFound(flags.ref +
                            " is not in the local image store; build it (sluice image build) or "
                            "name it with its registry (HOST[:PORT]/REPOSITORY:TAG)");
  }
  Cancellation never;
  SLUICE_ASSIGN_OR_RETURN(oci::StoreLock lock, LockStore(options, never));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<oci::RegistryClient> client,
                          Client(*ref, flags.registry));
  SLUICE_ASSIGN_OR_RETURN(oci::PullResult pulled, oci::Pull(*client, *ref, layout, flags.ref));
  return pulled.manifest;
}

int Scan(const GlobalOptions& options, const ScanFlags& flags) {
  if (flags.format != "table" && flags.format != "json" && flags.format != "sarif" &&
      flags.format != "cyclonedx") {
    return Fail(Status::InvalidArgument("--format " + flags.format +
                                        ": use table, json, sarif or cyclonedx"),
                kExitUsage);
  }
  std::optional<scan::Severity> fail_on;
  if (flags.fail_on != "none") {
    fail_on = scan::ParseSeverity(flags.fail_on);
    if (!fail_on) {
      return Fail(Status::InvalidArgument("--fail-on " + flags.fail_on +
                                          ": use critical, high, medium, low, info or none"),
                  kExitUsage);
    }
  }
  App app(options);
  auto layout = OpenStore(options);
  if (!layout.ok()) return Fail(layout.status());
  auto image = ResolveImage(options, *layout, flags);
  if (!image.ok()) return Fail(image.status());

  std::optional<scan::VulnDb> db;
  std::filesystem::path db_file =
      flags.vulndb.empty() ? app.StateDir() / "vulndb.sqlite" : std::filesystem::path(flags.vulndb);
  std::error_code ec;
  if (!flags.vulndb.empty() && !std::filesystem::exists(db_file, ec)) {
    // Opening would create an empty database and report no vulnerabilities.
    return Fail(Status::NotFound("--vulndb " + flags.vulndb +
                                 ": no such database; make one with sluice vulndb import"),
                kExitUsage);
  }
  if (std::filesystem::exists(db_file, ec)) {
    auto opened = scan::VulnDb::Open(db_file);
    if (!opened.ok()) return Fail(opened.status());
    db.emplace(std::move(*opened));
  }
  std::string allowlist;
  if (!flags.secret_allowlist.empty()) {
    auto text = ReadFile(flags.secret_allowlist);
    if (!text.ok()) return Fail(text.status(), kExitUsage);
    allowlist = std::move(*text);
  }
  auto secrets = scan::SecretScanner::Create(allowlist, flags.secret_allowlist);
  if (!secrets.ok()) return Fail(secrets.status(), kExitUsage);

  scan::ScanOptions scan_options;
  scan_options.vulndb = db ? &*db : nullptr;
  scan_options.secrets = &*secrets;
  if (!flags.no_cache) scan_options.layer_cache = app.StateDir() / "scan-cache";
  auto result = scan::ScanImage(*layout, *image, scan_options);
  if (!result.ok()) return Fail(result.status().Annotate("scanning " + flags.ref));

  auto counted =
      scan::CountAgainstHistory(scan::ScanHistory(app.StateDir() / "scans"), flags.ref, *result);
  if (!counted.ok()) return Fail(counted.status());
  const scan::SeverityCounts& counts = *counted;

  if (flags.format == "json") {
    std::cout << scan::DetailedJson(flags.ref, *result, counts).dump(2) << "\n";
  } else if (flags.format == "sarif") {
    std::cout << scan::SarifJson(flags.ref, *result, SLUICE_VERSION).dump(2) << "\n";
  } else if (flags.format == "cyclonedx") {
    std::cout << scan::CycloneDxJson(flags.ref, *result, SLUICE_VERSION).dump(2) << "\n";
  } else {
    std::cout << scan::FindingsTable(flags.ref, *result, counts);
  }
  return fail_on && scan::CountAtOrAbove(result->findings, *fail_on) > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void AddImageScanCommand(CLI::App& image_cmd, GlobalOptions& options) {
  auto flags = std::make_shared<ScanFlags>();
  auto* scan = image_cmd.add_subcommand(
      "scan", "Scan an image for vulnerable packages, secrets and misconfigurations");
  scan->add_option("ref", flags->ref, "A tag or digest in the local store, or REGISTRY/REPO:TAG")
      ->required();
  scan->add_option(
      "--format", flags->format,
      "table (default), json, sarif (SARIF 2.1.0) or cyclonedx (a CycloneDX 1.5 SBOM)");
  scan->add_option("--fail-on", flags->fail_on,
                   "Exit 1 when a finding is at least this severe: critical, high, medium, low, "
                   "info or none (default)");
  scan->add_option("--vulndb", flags->vulndb,
                   "The vulnerability database (default: <state>/vulndb.sqlite, when present)");
  scan->add_option("--secret-allowlist", flags->secret_allowlist,
                   "YAML allowlist for secret findings (disable-rules, allow-rules)");
  scan->add_flag("--no-cache", flags->no_cache,
                 "Read every layer, without the layer cache (default: what each layer gave a "
                 "scan is kept in <state>/scan-cache, which may be deleted at any time)");
  AddRegistryFlags(scan, flags->registry);
  scan->callback([&options, flags] { std::exit(Scan(options, *flags)); });
}

}  // namespace sluice::cli
