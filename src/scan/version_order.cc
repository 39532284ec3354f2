#include "scan/version_order.h"

namespace sluice::scan {

VersionScheme SchemeForEcosystem(std::string_view ecosystem) {
  std::string_view name = ecosystem.substr(0, ecosystem.find(':'));
  if (name == "Debian" || name == "Ubuntu") return VersionScheme::kDebian;
  if (name == "Alpine" || name == "Wolfi" || name == "Chainguard") return VersionScheme::kAlpine;
  if (name == "PyPI") return VersionScheme::kPep440;
  return VersionScheme::kSemver;
}

int CompareVersions(VersionScheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case VersionScheme::kDebian:
      return CompareDebianVersions(a, b);
    case VersionScheme::kPep440:
      return ComparePep440Versions(a, b);
    case VersionScheme::kAlpine:
      return CompareAlpineVersions(a, b);
    case VersionScheme::kSemver:
      break;
  }
  return CompareSemverVersions(a, b);
}

}  // namespace sluice::scan
