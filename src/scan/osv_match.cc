// Affects(): OSV's evaluation of an entry against one installed package
// (ossf/osv-schema, "Evaluation"), and the severity the entry gives.
#include <algorithm>
#include <string>
#include <vector>

#include "scan/cvss.h"
#include "scan/osv.h"
#include "scan/version_order.h"

namespace sluice::scan {
namespace {

std::string_view BaseEcosystem(std::string_view ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

// "Debian:12" matches "Debian" either way; two releases must be the same.
bool EcosystemMatches(std::string_view advisory, std::string_view package) {
  if (BaseEcosystem(advisory) != BaseEcosystem(package)) return false;
  bool both_have_release =
      advisory.find(':') != std::string_view::npos && package.find(':') != std::string_view::npos;
  return !both_have_release || advisory == package;
}

// What the advisory names for the package: distributions name the source
// package and its version.
struct Subject {
  std::string name;
  std::string version;
};

Subject SubjectOf(const Package& package) {
  std::string_view base = BaseEcosystem(package.ecosystem);
  Subject s{package.name, package.version};
  if (base == "Debian" || base == "Alpine" || base == "Ubuntu") {
    if (!package.source_name.empty()) s.name = package.source_name;
    if (!package.source_version.empty()) s.version = package.source_version;
  }
  if (base == "PyPI") s.name = NormalizePypiName(s.name);
  return s;
}

bool NameMatches(const OsvAffected& affected, const Subject& subject) {
  if (BaseEcosystem(affected.ecosystem) == "PyPI") {
    return NormalizePypiName(affected.name) == subject.name;
  }
  return affected.name == subject.name;
}

// Whether `version` is inside `range`, and the fix that ends the interval
// holding it ("" when the interval is open or ends at a last_affected).
struct RangeResult {
  bool affected = false;
  std::string fixed;
};

RangeResult Evaluate(const OsvRange& range, VersionScheme scheme, const std::string& version) {
  using Kind = OsvEvent::Kind;
  auto cmp = [&](const std::string& a, const std::string& b) {
    return CompareVersions(scheme, a, b);
  };
  // Limits: a version at or above every limit is outside the range.
  bool has_limit = false, below_a_limit = false;
  std::vector<OsvEvent> events;
  for (const OsvEvent& e : range.events) {
    if (e.kind != Kind::kLimit) {
      events.push_back(e);
      continue;
    }
    has_limit = true;
    if (e.version == "*" || cmp(version, e.version) < 0) below_a_limit = true;
  }
  if (has_limit && !below_a_limit) return {};
  // Walk the events in version order ("0" introduced is the very first);
  // the last one at or below the version decides.
  auto is_zero = [](const OsvEvent& e) { return e.kind == Kind::kIntroduced && e.version == "0"; };
  std::stable_sort(events.begin(), events.end(), [&](const OsvEvent& a, const OsvEvent& b) {
    if (is_zero(a) || is_zero(b)) return is_zero(a) && !is_zero(b);
    return cmp(a.version, b.version) < 0;
  });
  RangeResult result;
  for (const OsvEvent& e : events) {
    switch (e.kind) {
      case Kind::kIntroduced:
        if (is_zero(e) || cmp(version, e.version) >= 0) result.affected = true;
        break;
      case Kind::kFixed:
        if (cmp(version, e.version) >= 0) {
          result.affected = false;
        } else if (result.affected && result.fixed.empty()) {
          result.fixed = e.version;  // the first fix above an affected version
        }
        break;
      case Kind::kLastAffected:
        if (cmp(version, e.version) > 0) result.affected = false;
        break;
      case Kind::kLimit:
        break;
    }
  }
  if (!result.affected) result.fixed.clear();
  return result;
}

// The first fix above `version` in any of the ranges (for a version matched
// by versions[] only).
std::string FirstFixAbove(const OsvAffected& affected, const std::string& version) {
  std::string best;
  for (const OsvRange& range : affected.ranges) {
    if (range.type != "ECOSYSTEM" && range.type != "SEMVER") continue;
    VersionScheme scheme =
        range.type == "SEMVER" ? VersionScheme::kSemver : SchemeForEcosystem(affected.ecosystem);
    for (const OsvEvent& e : range.events) {
      if (e.kind != OsvEvent::Kind::kFixed || CompareVersions(scheme, version, e.version) >= 0) {
        continue;
      }
      if (best.empty() || CompareVersions(scheme, e.version, best) < 0) best = e.version;
    }
  }
  return best;
}

// Severity from the highest CVSS v3 score, else the highest v2 score, else
// the database's word; vectors that do not score are skipped.
void SetSeverity(const OsvEntry& entry, const OsvAffected& affected, OsvMatch& match) {
  std::vector<std::string> vectors = entry.severity_vectors;
  vectors.insert(vectors.end(), affected.severity_vectors.begin(), affected.severity_vectors.end());
  for (bool v3 : {true, false}) {
    for (const std::string& vector : vectors) {
      bool is_v3 = vector.rfind("CVSS:3.", 0) == 0;
      if (is_v3 != v3 || vector.rfind("CVSS:4", 0) == 0) continue;
      Result<double> score = v3 ? CvssV3BaseScore(vector) : CvssV2BaseScore(vector);
      if (!score.ok() || (match.cvss_score && *score <= *match.cvss_score)) continue;
      match.cvss_score = *score;
      match.cvss_vector = vector;
    }
    if (match.cvss_score) {
      match.severity = SeverityForScore(*match.cvss_score);
      return;
    }
  }
  match.severity = ParseSeverity(entry.database_severity).value_or(Severity::kUnassigned);
}

}  // namespace

std::string NormalizePypiName(std::string_view name) {
  std::string out;
  bool in_separator_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator_run) out += '-';
      in_separator_run = true;
      continue;
    }
    in_separator_run = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

OsvMatch Affects(const OsvEntry& entry, const Package& package) {
  OsvMatch match;
  if (entry.withdrawn) return match;
  Subject subject = SubjectOf(package);
  for (const OsvAffected& affected : entry.affected) {
    if (!EcosystemMatches(affected.ecosystem, package.ecosystem)) continue;
    if (!NameMatches(affected, subject)) continue;
    VersionScheme ecosystem_scheme = SchemeForEcosystem(affected.ecosystem);
    for (const OsvRange& range : affected.ranges) {
      // GIT ranges name commits, which an installed version cannot be
      // placed among.
      if (range.type != "ECOSYSTEM" && range.type != "SEMVER") continue;
      VersionScheme scheme = range.type == "SEMVER" ? VersionScheme::kSemver : ecosystem_scheme;
      RangeResult r = Evaluate(range, scheme, subject.version);
      if (r.affected) {
        match.affected = true;
        match.fixed_version = r.fixed;
        break;
      }
    }
    if (!match.affected) {
      for (const std::string& listed : affected.versions) {
        if (CompareVersions(ecosystem_scheme, listed, subject.version) == 0) {
          match.affected = true;
          match.fixed_version = FirstFixAbove(affected, subject.version);
          break;
        }
      }
    }
    if (match.affected) {
      SetSeverity(entry, affected, match);
      return match;
    }
  }
  return match;
}

}  // namespace sluice::scan
