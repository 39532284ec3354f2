#include <gtest/gtest.h>

#include <string>

#include "scan/osv.h"

namespace sluice::scan {
namespace {

OsvEntry Entry(const std::string& json) {
  auto entry = ParseOsvEntry(json);
  EXPECT_TRUE(entry.ok()) << entry.status().ToString();
  return entry.ok() ? *entry : OsvEntry{};
}

// An entry with one affected package and the given ranges/versions JSON.
OsvEntry Simple(const std::string& ecosystem, const std::string& name, const std::string& body) {
  return Entry(R"({"id": "TEST-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package":
    {"ecosystem": ")" +
               ecosystem + R"(", "name": ")" + name + R"("}, )" + body + "}]}");
}

Package Pkg(const std::string& ecosystem, const std::string& name, const std::string& version) {
  Package p;
  p.ecosystem = ecosystem;
  p.name = name;
  p.version = version;
  return p;
}

Package DebianBinary(const std::string& name, const std::string& version, const std::string& source,
                     const std::string& source_version) {
  Package p = Pkg("Debian", name, version);
  p.source_name = source;
  p.source_version = source_version;
  return p;
}

const char* kOpensslDsa = R"("ranges": [{"type": "ECOSYSTEM",
    "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}])";

TEST(AffectsTest, DebianRangeFromTheBeginningToTheFix) {
  OsvEntry entry = Simple("Debian:12", "openssl", kOpensslDsa);
  OsvMatch m = Affects(entry, Pkg("Debian", "openssl", "3.0.11-1~deb12u2"));
  EXPECT_TRUE(m.affected);
  EXPECT_EQ(m.fixed_version, "3.0.13-1~deb12u1");
  EXPECT_FALSE(Affects(entry, Pkg("Debian", "openssl", "1:0.9")).affected);  // epoch 1 > fix
  EXPECT_TRUE(Affects(entry, Pkg("Debian", "openssl", "3.0.13-1~deb11u1")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Debian", "openssl", "3.0.13-1~deb12u1")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Debian", "openssl", "3.0.13-1")).affected);
  EXPECT_EQ(Affects(entry, Pkg("Debian", "openssl", "3.0.13-1")).fixed_version, "");
}

TEST(AffectsTest, DebianMatchesBySourcePackageAndSourceVersion) {
  OsvEntry entry = Simple("Debian:12", "openssl", kOpensslDsa);
  // libssl3's advisory is keyed by its source, openssl; a binNMU's binary
  // version (+b1) is not the source version.
  OsvMatch m =
      Affects(entry, DebianBinary("libssl3", "3.0.13-1~deb12u1+b1", "openssl", "3.0.11-1~deb12u2"));
  EXPECT_TRUE(m.affected);
  EXPECT_FALSE(
      Affects(entry, DebianBinary("libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.13-1~deb12u1"))
          .affected);
  // Without a source, the binary's own name and version are used.
  EXPECT_FALSE(Affects(entry, DebianBinary("libssl3", "3.0.11-1~deb12u2", "", "")).affected);
  EXPECT_TRUE(Affects(entry, DebianBinary("openssl", "3.0.11-1~deb12u2", "", "")).affected);
  // A source name without a source version uses the binary version.
  EXPECT_TRUE(Affects(entry, DebianBinary("libssl3", "3.0.11-1~deb12u2", "openssl", "")).affected);
}

TEST(AffectsTest, EcosystemsMatchOnTheNameBeforeTheColon) {
  OsvEntry entry = Simple("Debian:12", "openssl", kOpensslDsa);
  EXPECT_TRUE(Affects(entry, Pkg("Debian", "openssl", "3.0.0-1")).affected);
  EXPECT_TRUE(Affects(entry, Pkg("Debian:12", "openssl", "3.0.0-1")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Debian:11", "openssl", "3.0.0-1")).affected);  // other release
  EXPECT_FALSE(Affects(entry, Pkg("Ubuntu", "openssl", "3.0.0-1")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Debiano", "openssl", "3.0.0-1")).affected);
  OsvEntry plain = Simple("Debian", "openssl", kOpensslDsa);
  EXPECT_TRUE(Affects(plain, Pkg("Debian:12", "openssl", "3.0.0-1")).affected);
}

TEST(AffectsTest, AlpineMatchesTheOriginPackageWithApkOrder) {
  OsvEntry entry = Simple("Alpine:v3.19", "openssl", R"("ranges": [{"type": "ECOSYSTEM",
      "events": [{"introduced": "0"}, {"fixed": "3.1.4-r5"}]}])");
  Package libcrypto = Pkg("Alpine", "libcrypto3", "3.1.4-r4");
  libcrypto.source_name = "openssl";
  EXPECT_TRUE(Affects(entry, libcrypto).affected);
  libcrypto.version = "3.1.4-r5";
  EXPECT_FALSE(Affects(entry, libcrypto).affected);
  libcrypto.version = "3.1.4_rc1-r9";  // a pre-release of 3.1.4: older than any 3.1.4
  EXPECT_TRUE(Affects(entry, libcrypto).affected);
}

TEST(AffectsTest, SemverRangesWithSeveralIntervalsReportTheFixOfTheOneHit) {
  OsvEntry entry = Simple("npm", "lodash", R"("ranges": [{"type": "SEMVER", "events": [
      {"introduced": "2.0.0"}, {"fixed": "2.1.3"}, {"introduced": "1.0.0"}, {"fixed": "1.2.5"}]}])");
  EXPECT_FALSE(Affects(entry, Pkg("npm", "lodash", "0.9.0")).affected);
  OsvMatch first = Affects(entry, Pkg("npm", "lodash", "1.0.0"));
  EXPECT_TRUE(first.affected);
  EXPECT_EQ(first.fixed_version, "1.2.5");
  EXPECT_FALSE(Affects(entry, Pkg("npm", "lodash", "1.2.5")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("npm", "lodash", "1.3.0")).affected);
  OsvMatch second = Affects(entry, Pkg("npm", "lodash", "2.1.3-rc.1"));
  EXPECT_TRUE(second.affected);
  EXPECT_EQ(second.fixed_version, "2.1.3");
  EXPECT_FALSE(Affects(entry, Pkg("npm", "lodash", "2.1.3")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("npm", "Lodash", "1.0.0")).affected);  // names compare exactly
}

TEST(AffectsTest, LastAffectedIncludesThatVersionAndNoFixIsReported) {
  OsvEntry entry = Simple("Go", "example.com/mod", R"("ranges": [{"type": "SEMVER", "events": [
      {"introduced": "0"}, {"last_affected": "1.2.0"}]}])");
  OsvMatch m = Affects(entry, Pkg("Go", "example.com/mod", "v1.2.0"));
  EXPECT_TRUE(m.affected);
  EXPECT_EQ(m.fixed_version, "");
  EXPECT_TRUE(
      Affects(entry, Pkg("Go", "example.com/mod", "v0.0.0-20200101000000-abcdef")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Go", "example.com/mod", "v1.2.1")).affected);
}

// The Go vulnerability database's shape: versions without Go's "v", the
// standard library as the module "stdlib", a second range opened at a
// pre-release ("1.21.0-0"). The inventory writes Go's versions with "v"
// (a toolchain go1.20.10 is stdlib v1.20.10).
TEST(AffectsTest, GoStandardLibraryAsTheGoDatabaseWritesIt) {
  OsvEntry entry = Simple("Go", "stdlib", R"("ranges": [{"type": "SEMVER", "events": [
      {"introduced": "0"}, {"fixed": "1.20.11"}, {"introduced": "1.21.0-0"},
      {"fixed": "1.21.4"}]}])");
  OsvMatch old = Affects(entry, Pkg("Go", "stdlib", "v1.19.8"));
  EXPECT_TRUE(old.affected);
  EXPECT_EQ(old.fixed_version, "1.20.11");
  EXPECT_FALSE(Affects(entry, Pkg("Go", "stdlib", "v1.20.11")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Go", "stdlib", "v1.20.12")).affected);
  OsvMatch newer = Affects(entry, Pkg("Go", "stdlib", "v1.21.0"));
  EXPECT_TRUE(newer.affected);
  EXPECT_EQ(newer.fixed_version, "1.21.4");
  EXPECT_TRUE(Affects(entry, Pkg("Go", "stdlib", "v1.21.0-rc.2")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Go", "stdlib", "v1.21.4")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("Go", "golang.org/x/net", "v1.19.8")).affected);
}

TEST(AffectsTest, LimitsBoundTheRange) {
  OsvEntry limited = Simple("npm", "p", R"("ranges": [{"type": "SEMVER", "events": [
      {"introduced": "0"}, {"limit": "2.0.0"}]}])");
  EXPECT_TRUE(Affects(limited, Pkg("npm", "p", "1.9.9")).affected);
  EXPECT_FALSE(Affects(limited, Pkg("npm", "p", "2.0.0")).affected);
  EXPECT_FALSE(Affects(limited, Pkg("npm", "p", "3.0.0")).affected);
  OsvEntry unlimited = Simple("npm", "p", R"("ranges": [{"type": "SEMVER", "events": [
      {"introduced": "1.0.0"}, {"limit": "*"}]}])");
  EXPECT_TRUE(Affects(unlimited, Pkg("npm", "p", "99.0.0")).affected);
  EXPECT_FALSE(Affects(unlimited, Pkg("npm", "p", "0.1.0")).affected);
}

TEST(AffectsTest, ExplicitVersionsAffectWithoutARange) {
  OsvEntry entry = Simple("PyPI", "requests", R"("versions": ["2.30.0", "2.29.0"])");
  EXPECT_TRUE(Affects(entry, Pkg("PyPI", "requests", "2.30.0")).affected);
  EXPECT_TRUE(Affects(entry, Pkg("PyPI", "requests", "2.30")).affected);  // PEP 440 equal
  EXPECT_FALSE(Affects(entry, Pkg("PyPI", "requests", "2.31.0")).affected);
  // Listed versions next to a range that misses them still count, and the
  // range's fix above them is reported.
  OsvEntry both = Simple("PyPI", "requests", R"("versions": ["1.0.0"], "ranges": [
      {"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.31.0"}]}])");
  OsvMatch m = Affects(both, Pkg("PyPI", "requests", "1.0.0"));
  EXPECT_TRUE(m.affected);
  EXPECT_EQ(m.fixed_version, "2.31.0");
}

TEST(AffectsTest, PypiNamesComparePep503Normalised) {
  EXPECT_EQ(NormalizePypiName("Flask_Cors"), "flask-cors");
  EXPECT_EQ(NormalizePypiName("zope.interface"), "zope-interface");
  EXPECT_EQ(NormalizePypiName("A-_.-b"), "a-b");
  OsvEntry entry = Simple("PyPI", "Flask_Cors", R"("ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "0"}, {"fixed": "4.0.1"}]}])");
  EXPECT_TRUE(Affects(entry, Pkg("PyPI", "flask-cors", "4.0.0")).affected);
  EXPECT_TRUE(Affects(entry, Pkg("PyPI", "FLASK.cors", "4.0.0rc1")).affected);
  EXPECT_FALSE(Affects(entry, Pkg("PyPI", "flask-cors", "4.0.1")).affected);
}

TEST(AffectsTest, MultipleAffectedPackagesEachMatchTheirOwn) {
  OsvEntry entry = Entry(R"({"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z", "affected": [
    {"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER",
      "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "b"}, "ranges": [{"type": "SEMVER",
      "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER",
      "events": [{"introduced": "3.0.0"}, {"fixed": "3.0.5"}]}]}]})");
  EXPECT_EQ(Affects(entry, Pkg("npm", "a", "0.5.0")).fixed_version, "1.0.0");
  EXPECT_FALSE(Affects(entry, Pkg("npm", "a", "1.5.0")).affected);
  EXPECT_EQ(Affects(entry, Pkg("npm", "a", "3.0.1")).fixed_version, "3.0.5");
  EXPECT_EQ(Affects(entry, Pkg("npm", "b", "1.5.0")).fixed_version, "2.0.0");
  EXPECT_FALSE(Affects(entry, Pkg("npm", "c", "0.1.0")).affected);
}

TEST(AffectsTest, GitRangesAndWithdrawnEntriesNeverAffect) {
  OsvEntry git = Simple("npm", "p", R"("ranges": [{"type": "GIT", "repo": "https://x",
      "events": [{"introduced": "0"}]}])");
  EXPECT_FALSE(Affects(git, Pkg("npm", "p", "1.0.0")).affected);
  OsvEntry withdrawn = Entry(R"({"id": "W-1", "modified": "2024-01-01T00:00:00Z",
    "withdrawn": "2024-01-02T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "p"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})");
  EXPECT_FALSE(Affects(withdrawn, Pkg("npm", "p", "1.0.0")).affected);
}

// An npm entry affecting every version of "p", with `extra` top-level fields
// and `affected_extra` fields in its affected package.
OsvEntry WithSeverity(const std::string& extra, const std::string& affected_extra = "") {
  return Entry(R"({"id": "S-1", "modified": "2024-01-01T00:00:00Z", )" + extra +
               R"( "affected": [{"package": {"ecosystem": "npm", "name": "p"}, )" + affected_extra +
               R"( "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})");
}

TEST(AffectsTest, SeverityComesFromTheHighestCvssV3Score) {
  OsvEntry entry = WithSeverity(
      R"("severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"},
                      {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:C/I:C/A:C"}],
         "database_specific": {"severity": "LOW"},)",
      R"("severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],)");
  OsvMatch m = Affects(entry, Pkg("npm", "p", "1.0.0"));
  ASSERT_TRUE(m.affected);
  EXPECT_EQ(m.severity, Severity::kCritical);
  ASSERT_TRUE(m.cvss_score.has_value());
  EXPECT_DOUBLE_EQ(*m.cvss_score, 9.8);
  EXPECT_EQ(m.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
}

TEST(AffectsTest, SeverityFallsBackToCvssV2ThenTheDatabaseWord) {
  OsvMatch v2 = Affects(
      WithSeverity(R"("severity": [{"type": "CVSS_V2", "score": "AV:L/AC:L/Au:N/C:P/I:P/A:P"},
                                   {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/bad"}],)"),
      Pkg("npm", "p", "1.0.0"));
  EXPECT_EQ(v2.severity, Severity::kMedium);
  ASSERT_TRUE(v2.cvss_score.has_value());
  EXPECT_DOUBLE_EQ(*v2.cvss_score, 4.6);
  EXPECT_EQ(v2.cvss_vector, "AV:L/AC:L/Au:N/C:P/I:P/A:P");

  // A CVSS 4.0 vector is not scored here; GitHub's word is used instead.
  OsvMatch word = Affects(
      WithSeverity(
          R"("severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
                      "database_specific": {"severity": "MODERATE"},)"),
      Pkg("npm", "p", "1.0.0"));
  EXPECT_EQ(word.severity, Severity::kMedium);
  EXPECT_FALSE(word.cvss_score.has_value());
  EXPECT_EQ(word.cvss_vector, "");

  OsvMatch none = Affects(WithSeverity(""), Pkg("npm", "p", "1.0.0"));
  EXPECT_TRUE(none.affected);
  EXPECT_EQ(none.severity, Severity::kUnassigned);
  OsvMatch unknown_word = Affects(WithSeverity(R"("database_specific": {"severity": "weird"},)"),
                                  Pkg("npm", "p", "1.0.0"));
  EXPECT_EQ(unknown_word.severity, Severity::kUnassigned);
}

}  // namespace
}  // namespace sluice::scan
