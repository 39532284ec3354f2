// DebianSecurityAdvisories: changelog citations turned into OSV entries.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "scan/debian_security.h"
#include "scan/version_order.h"

namespace sluice::scan {
namespace {

constexpr std::string_view kIdPrefix = "DEBSEC-";
constexpr size_t kMaxSummary = 200;

// One source package's fix of one advisory.
struct Fix {
  std::string source;
  std::string version;
  std::string distribution;
  std::string urgency;
  std::string date;
  std::string text;
  std::vector<std::string> aliases;  // ids the changelog gives along with it
};

std::string BaseCodename(std::string_view codename) {
  return std::string(codename.substr(0, codename.find('-')));
}

// The distribution of `entry` that belongs to the release, or "".
std::string ReleaseDistribution(const DebianChangelogEntry& entry, std::string_view base) {
  for (const std::string& d : entry.distributions) {
    if (BaseCodename(d) == base) return d;
  }
  return "";
}

int UrgencyRank(std::string_view urgency) {
  if (urgency == "low") return 1;
  if (urgency == "medium") return 2;
  if (urgency == "high") return 3;
  if (urgency == "emergency" || urgency == "critical") return 4;
  return 0;
}

std::string_view SeverityForRank(int rank) {
  static constexpr std::string_view kNames[] = {"", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
  return kNames[rank];
}

std::string Summary(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  if (text.size() <= kMaxSummary) return std::string(text);
  return std::string(text.substr(0, kMaxSummary - 3)) + "...";
}

std::string ReferenceUrl(std::string_view id) {
  if (id.rfind("GHSA-", 0) == 0) return "https://github.com/advisories/" + std::string(id);
  return "https://security-tracker.debian.org/tracker/" + std::string(id);
}

// `id` is the advisory's own id (a CVE's) or empty for an upload that
// cites none; `fixes` is in source order.
nlohmann::json Entry(const std::string& entry_id, const std::string& alias,
                     const std::vector<Fix>& fixes, const std::string& ecosystem,
                     const DebianRelease& release) {
  std::string modified, published;
  int rank = 0;
  std::string details;
  nlohmann::json affected = nlohmann::json::array();
  nlohmann::json references = nlohmann::json::array();
  if (!alias.empty()) references.push_back({{"type", "ADVISORY"}, {"url", ReferenceUrl(alias)}});
  for (const Fix& fix : fixes) {
    modified = std::max(modified, fix.date);
    if (!fix.date.empty() && (published.empty() || fix.date < published)) published = fix.date;
    rank = std::max(rank, UrgencyRank(fix.urgency));
    if (!details.empty()) details += "\n\n";
    details += fix.source + " " + fix.version + " (" + fix.distribution +
               (fix.urgency.empty() ? "" : ", urgency=" + fix.urgency) + "):\n" + fix.text;
    nlohmann::json ranges = nlohmann::json::array();
    ranges.push_back(
        {{"type", "ECOSYSTEM"}, {"events", {{{"introduced", "0"}}, {{"fixed", fix.version}}}}});
    affected.push_back({{"package", {{"ecosystem", ecosystem}, {"name", fix.source}}},
                        {"ranges", ranges},
                        {"database_specific", {{"urgency", fix.urgency}}}});
    references.push_back(
        {{"type", "PACKAGE"},
         {"url", "https://security-tracker.debian.org/tracker/source-package/" + fix.source}});
  }
  if (modified.empty()) modified = release.date.empty() ? "1970-01-01T00:00:00Z" : release.date;
  nlohmann::json entry = {
      {"schema_version", "1.6.0"},
      {"id", entry_id},
      {"modified", modified},
      {"summary", Summary(fixes.front().text)},
      {"details", details},
      {"affected", affected},
      {"references", references},
      {"database_specific",
       {{"source", "Debian security archive " + release.codename + " changelogs"}}},
  };
  if (!published.empty()) entry["published"] = published;
  if (!alias.empty()) {
    std::vector<std::string> aliases = {alias};
    for (const Fix& fix : fixes) {
      for (const std::string& a : fix.aliases) {
        if (std::find(aliases.begin(), aliases.end(), a) == aliases.end()) aliases.push_back(a);
      }
    }
    entry["aliases"] = aliases;
  }
  if (rank > 0) entry["database_specific"]["severity"] = SeverityForRank(rank);
  return entry;
}

}  // namespace

std::vector<std::string> DebianSecurityAdvisories(const DebianRelease& release,
                                                  const std::vector<DebianSourceUpdate>& updates) {
  const std::string ecosystem = "Debian:" + release.version;
  const std::string base = BaseCodename(release.codename);
  std::map<std::string, std::vector<Fix>> by_id;  // advisory id -> fixes
  std::map<std::string, Fix> uncited;             // entry id -> the upload
  for (const DebianSourceUpdate& update : updates) {
    std::map<std::string, Fix> first_fix;  // advisory id -> this source's first fix
    for (const DebianChangelogEntry& entry : update.changelog) {
      if (CompareDebianVersions(entry.version, update.version) > 0) continue;
      std::string distribution = ReleaseDistribution(entry, base);
      if (distribution.empty()) continue;
      Fix fix{update.source, entry.version, distribution, entry.urgency, entry.date, "", {}};
      for (const DebianChangelogCitation& c : entry.citations) {
        auto [it, added] = first_fix.try_emplace(c.id, fix);
        // Entries are newest first: an older one citing the id fixed it first.
        if (!added) it->second = fix;
        it->second.text = c.text;
        it->second.aliases = c.aliases;
      }
      if (entry.citations.empty() &&
          std::find(entry.distributions.begin(), entry.distributions.end(), release.codename) !=
              entry.distributions.end()) {
        fix.text = "A security update of " + update.source + " that cites no advisory id.";
        uncited.emplace(std::string(kIdPrefix) + update.source + "-" + entry.version, fix);
      }
    }
    if (update.changelog.empty()) {
      Fix fix{update.source, update.version, release.codename, "", "", "", {}};
      fix.text = "A security update of " + update.source + " to " + update.version +
                 " (its changelog was not read).";
      uncited.emplace(std::string(kIdPrefix) + update.source + "-" + update.version, fix);
    }
    for (auto& [id, fix] : first_fix) by_id[id].push_back(std::move(fix));
  }

  std::map<std::string, std::string> entries;  // id -> JSON, for id order
  for (const auto& [id, fixes] : by_id) {
    std::string entry_id = std::string(kIdPrefix) + id;
    entries[entry_id] = Entry(entry_id, id, fixes, ecosystem, release).dump();
  }
  for (const auto& [entry_id, fix] : uncited) {
    entries[entry_id] = Entry(entry_id, "", {fix}, ecosystem, release).dump();
  }
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (auto& [id, json] : entries) out.push_back(std::move(json));
  return out;
}

}  // namespace sluice::scan
