// Version ordering per package ecosystem, as advisories compare versions.
//
// Debian (dpkg, Debian Policy 5.6.12: epoch, upstream, revision; '~' sorts
// before everything, even the end), PyPI (PEP 440: epochs, pre/post/dev
// releases, local versions; non-PEP 440 strings sort before every valid
// version, in byte order, as pip's legacy versions did), npm and Go and
// OSV's SEMVER ranges (SemVer 2.0: pre-release identifiers, build metadata
// ignored; a leading 'v' accepted), Alpine (apk's own ordering). Pure
// functions; thread-safe.
//
// Fallbacks for strings a scheme does not define (every comparison is a
// total order; leading and trailing white space never counts):
//  * Debian: an epoch that is not a number stays part of the upstream
//    version; the character rules then apply to whatever is there.
//  * SemVer: read leniently -- any number of core numbers, missing ones 0
//    (1.2 == 1.2.0; Maven-like 1.2.3.4 orders too), leading zeros ignored;
//    a string with no numeric core or an empty pre-release identifier sorts
//    before every valid version, in byte order.
//  * Alpine: a version apk would reject sorts, from the token apk rejects,
//    before one that goes on validly; two versions rejected at the same
//    token compare the rest byte-wise.
#pragma once

#include <string_view>

namespace sluice::scan {

enum class VersionScheme { kDebian, kPep440, kSemver, kAlpine };

// The scheme OSV's ECOSYSTEM ranges use for `ecosystem` ("Debian:12" and
// "Ubuntu:22.04" -> kDebian, "PyPI" -> kPep440, "npm" and "Go" -> kSemver,
// "Alpine:v3.19", "Wolfi" and "Chainguard" -> kAlpine); kSemver for
// anything else.
VersionScheme SchemeForEcosystem(std::string_view ecosystem);

// <0, 0 or >0 as a is older than, the same as or newer than b. Total on
// every input: a version the scheme cannot parse still compares (by the
// fallback the scheme's comment gives), never crashes.
int CompareVersions(VersionScheme scheme, std::string_view a, std::string_view b);

// The scheme's own comparisons, for tests and callers that know the scheme.
int CompareDebianVersions(std::string_view a, std::string_view b);
int ComparePep440Versions(std::string_view a, std::string_view b);
int CompareSemverVersions(std::string_view a, std::string_view b);
int CompareAlpineVersions(std::string_view a, std::string_view b);

}  // namespace sluice::scan
