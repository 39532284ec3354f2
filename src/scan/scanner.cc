#include "scan/scanner.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "common/text.h"
#include "scan/image_files.h"
#include "scan/layer_cache.h"
#include "scan/misconfig.h"
#include "scan/osv.h"

namespace sluice::scan {
namespace {

// Inventory files larger than this are not read (a Go binary rarely is).
constexpr int64_t kMaxInventoryFile = 256 << 20;

// The package name advisories use: Debian and Alpine name source packages.
std::string AdvisoryName(const Package& package) {
  std::string_view family =
      std::string_view(package.ecosystem).substr(0, package.ecosystem.find(':'));
  bool by_source = family == "Debian" || family == "Alpine" || family == "Ubuntu";
  return by_source && !package.source_name.empty() ? package.source_name : package.name;
}

Finding VulnerabilityFinding(const OsvEntry& entry, const OsvMatch& match, const Package& package) {
  Finding f;
  f.kind = FindingKind::kVulnerability;
  f.id = entry.id;
  f.aliases = entry.aliases;
  f.title = entry.summary;
  if (f.title.empty()) f.title = entry.details.substr(0, entry.details.find('\n'));
  f.description = entry.details;
  f.severity = match.severity;
  f.cvss_score = match.cvss_score;
  f.cvss_vector = match.cvss_vector;
  f.package_name = package.name;
  f.installed_version = package.version;
  f.fixed_version = match.fixed_version;
  f.ecosystem = package.ecosystem;
  f.path = package.path;
  f.layer_digest = package.layer_digest;
  f.references = entry.references;
  return f;
}

// Every advisory of the database that affects a package of `inventory`.
Status MatchVulnerabilities(const VulnDb& db, const Inventory& inventory, ScanResult& result) {
  std::set<std::string> reported_bad;  // entries already warned about
  for (const Package& package : inventory.packages) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> entries,
                            db.EntriesFor(package.ecosystem, AdvisoryName(package)));
    for (const std::string& json : entries) {
      auto entry = ParseOsvEntry(json);
      if (!entry.ok()) {
        if (reported_bad.insert(json.substr(0, 200)).second) {
          result.warnings.push_back("skipped an advisory of the database: " +
                                    entry.status().message());
        }
        continue;
      }
      OsvMatch match = Affects(*entry, package);
      if (match.affected) result.findings.push_back(VulnerabilityFinding(*entry, match, package));
    }
  }
  return Status::Ok();
}

// What layer `index` gives a scan, read from its blob: every regular file
// up to the size limit searched for secrets, the inventory's files kept
// (compacted: an executable's Go modules, not the executable).
Result<LayerRecord> ReadLayer(const oci::ImageLayout& layout, const oci::Manifest& manifest,
                              size_t index, const SecretScanner& secrets,
                              const ScanOptions& options) {
  LayerRecord record;
  record.layer_digest = manifest.layers[index].digest.str();
  WalkOptions walk;
  walk.max_contents = std::max(options.max_secret_file_size, kMaxInventoryFile);
  walk.wants_contents = [&](std::string_view path, int64_t size, uint32_t mode) {
    return size <= options.max_secret_file_size ||
           (size <= kMaxInventoryFile && IsInventoryPath(path, mode));
  };
  SLUICE_RETURN_IF_ERROR(WalkLayer(
      layout, manifest, index, walk,
      [&](const LayerEntry& entry, std::string_view contents) -> Status {
        record.entries.push_back(entry);
        record.entries.back().layer = 0;
        if (entry.type != LayerEntry::Type::kFile || entry.truncated) return Status::Ok();
        if (entry.size <= options.max_secret_file_size) {
          ++record.files_scanned;
          for (Finding& f : secrets.ScanFile(entry.path, entry.layer_digest, contents)) {
            record.secrets.push_back(std::move(f));
          }
        }
        if (IsInventoryPath(entry.path, entry.mode) && IsInventoryContents(entry.path, contents)) {
          InventoryFile file{entry.path, entry.layer_digest, std::string(contents)};
          CompactInventoryFile(file);
          record.inventory_files.push_back(std::move(file));
        }
        return Status::Ok();
      }));
  return record;
}

// Layer `index`'s record: the cache's when it holds one, else read from the
// blob and then kept in the cache.
Result<LayerRecord> RecordOf(const oci::ImageLayout& layout, const oci::Manifest& manifest,
                             size_t index, const SecretScanner& secrets, const ScanOptions& options,
                             const LayerCache* cache) {
  if (cache != nullptr) {
    if (std::optional<LayerRecord> kept = cache->Load(manifest.layers[index].digest)) {
      return std::move(*kept);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(LayerRecord record, ReadLayer(layout, manifest, index, secrets, options));
  // A record that cannot be kept (a read-only or full disk) only costs the
  // next scan this walk again; the scan's result does not depend on it.
  if (cache != nullptr) static_cast<void>(cache->Store(record));
  return record;
}

// The final filesystem's files the misconfiguration checks look at:
// setuid, setgid and world-writable ones.
std::vector<FileFacts> NotableFiles(const SquashedFiles& squashed) {
  std::vector<FileFacts> files;
  for (const auto& [path, entry] : squashed.entries()) {
    bool notable = (entry.mode & 06000) != 0 || (entry.mode & 0002) != 0;
    bool relevant =
        entry.type == LayerEntry::Type::kFile || entry.type == LayerEntry::Type::kDirectory;
    if (notable && relevant) {
      files.push_back(
          {path, entry.layer_digest, entry.mode, entry.type == LayerEntry::Type::kDirectory});
    }
  }
  return files;
}

// Image file names and package fields may be in any encoding; reports are
// JSON, which is UTF-8.
void MakeValidUtf8(ScanResult& result) {
  for (Package& p : result.inventory.packages) {
    for (std::string* s : {&p.name, &p.version, &p.source_name, &p.source_version, &p.arch,
                           &p.license, &p.purl, &p.path}) {
      *s = ToValidUtf8(*s);
    }
  }
  for (Finding& f : result.findings) {
    for (std::string* s : {&f.id, &f.title, &f.description, &f.package_name, &f.installed_version,
                           &f.fixed_version, &f.path, &f.match}) {
      *s = ToValidUtf8(*s);
    }
  }
  OsInfo& os = result.inventory.os;
  for (std::string* s : {&os.id, &os.version_id, &os.pretty_name}) *s = ToValidUtf8(*s);
  for (std::string& w : result.warnings) w = ToValidUtf8(w);
}

void SortFindings(std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(b.severity, a.kind, a.id, a.package_name, a.path, a.line) <
           std::make_tuple(a.severity, b.kind, b.id, b.package_name, b.path, b.line);
  });
}

}  // namespace

Result<ScanResult> ScanImage(const oci::ImageLayout& layout, const oci::Descriptor& manifest_desc,
                             const ScanOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(oci::Manifest manifest, layout.ReadManifest(manifest_desc.digest));
  SLUICE_ASSIGN_OR_RETURN(oci::ImageConfig config, layout.ReadConfig(manifest));
  std::optional<SecretScanner> builtin;
  const SecretScanner* secrets = options.secrets;
  if (secrets == nullptr) {
    SLUICE_ASSIGN_OR_RETURN(builtin, SecretScanner::Create());
    secrets = &*builtin;
  }
  std::optional<LayerCache> cache;
  if (!options.layer_cache.empty()) {
    cache.emplace(
        options.layer_cache,
        LayerRecordKey(secrets->Fingerprint(), options.max_secret_file_size, kMaxInventoryFile));
  }

  ScanResult result;
  result.manifest_digest = manifest_desc.digest;
  SquashedFiles squashed;
  // The last writer of each inventory path, with its layer's index (an image
  // may hold the same layer blob twice).
  std::map<std::string, std::pair<size_t, InventoryFile>, std::less<>> inventory_files;
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(LayerRecord record, RecordOf(layout, manifest, i, *secrets, options,
                                                         cache ? &*cache : nullptr));
    for (LayerEntry& entry : record.entries) {
      entry.layer = i;
      squashed.Apply(entry);
    }
    result.files_scanned += record.files_scanned;
    for (Finding& f : record.secrets) result.findings.push_back(std::move(f));
    for (InventoryFile& file : record.inventory_files) {
      std::string path = file.path;
      inventory_files.insert_or_assign(std::move(path), std::make_pair(i, std::move(file)));
    }
  }

  // Only what the final filesystem still holds, as its last layer wrote it.
  std::vector<InventoryFile> present;
  for (auto& [path, file] : inventory_files) {
    const LayerEntry* last = squashed.Find(path);
    if (last != nullptr && last->type == LayerEntry::Type::kFile && last->layer == file.first) {
      present.push_back(std::move(file.second));
    }
  }
  inventory_files.clear();
  result.inventory = BuildInventory(present);
  present.clear();
  result.warnings = result.inventory.warnings;

  for (Finding& f : secrets->ScanConfig(config)) result.findings.push_back(std::move(f));
  // The base the build started FROM: as the caller knows it, else as the
  // builder recorded it in the manifest.
  std::string base_name = options.base_name;
  if (auto it = manifest.annotations.find(std::string(oci::kAnnotationBaseName));
      base_name.empty() && it != manifest.annotations.end()) {
    base_name = it->second;
  }
  for (Finding& f : CheckConfig(config, base_name)) result.findings.push_back(std::move(f));
  for (Finding& f : CheckFiles(NotableFiles(squashed))) result.findings.push_back(std::move(f));
  if (options.vulndb != nullptr) {
    SLUICE_RETURN_IF_ERROR(MatchVulnerabilities(*options.vulndb, result.inventory, result));
    result.vulnerabilities_checked = true;
  }
  MakeValidUtf8(result);
  SortFindings(result.findings);
  return result;
}

}  // namespace sluice::scan
