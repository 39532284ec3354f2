#include "scan/osv.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::scan {
namespace {

// A GitHub advisory as osv.dev serves it, trimmed.
constexpr const char* kGhsa = R"json({
  "schema_version": "1.6.0",
  "id": "GHSA-9wx4-h78v-vm56",
  "modified": "2024-05-01T12:00:00Z",
  "published": "2023-05-22T20:30:00Z",
  "aliases": ["CVE-2023-32681", "PYSEC-2023-74"],
  "summary": "Unintended leak of Proxy-Authorization header in requests",
  "details": "Requests 2.3.0 through 2.30.0 leak the header.",
  "severity": [
    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"},
    {"type": "Ubuntu", "score": "medium"}
  ],
  "affected": [{
    "package": {"ecosystem": "PyPI", "name": "requests", "purl": "pkg:pypi/requests"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]},
               {"type": "GIT", "repo": "https://github.com/psf/requests",
                "events": [{"introduced": "0"}, {"fixed": "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"}]}],
    "versions": ["2.3.0", "2.30.0"],
    "severity": [{"type": "CVSS_V2", "score": "AV:N/AC:M/Au:N/C:P/I:N/A:N"}],
    "database_specific": {"source": "https://github.com/..."}
  }],
  "references": [
    {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-32681"},
    {"type": "FIX", "url": "https://github.com/psf/requests/commit/74ea7cf"}
  ],
  "database_specific": {"severity": "MODERATE", "cwe_ids": ["CWE-200"], "github_reviewed": true}
})json";

std::string ErrorOf(const std::string& json) {
  auto entry = ParseOsvEntry(json);
  EXPECT_FALSE(entry.ok()) << json;
  return entry.ok() ? "" : entry.status().message();
}

TEST(ParseOsvEntryTest, ReadsEveryFieldTheMatcherUses) {
  auto entry = ParseOsvEntry(kGhsa);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->id, "GHSA-9wx4-h78v-vm56");
  EXPECT_EQ(entry->modified, "2024-05-01T12:00:00Z");
  EXPECT_EQ(entry->aliases, (std::vector<std::string>{"CVE-2023-32681", "PYSEC-2023-74"}));
  EXPECT_EQ(entry->summary, "Unintended leak of Proxy-Authorization header in requests");
  EXPECT_EQ(entry->details, "Requests 2.3.0 through 2.30.0 leak the header.");
  EXPECT_FALSE(entry->withdrawn);
  // Ubuntu's priority word is not a vector.
  EXPECT_EQ(entry->severity_vectors,
            std::vector<std::string>{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"});
  EXPECT_EQ(entry->database_severity, "MODERATE");
  EXPECT_EQ(entry->references,
            (std::vector<std::string>{"https://nvd.nist.gov/vuln/detail/CVE-2023-32681",
                                      "https://github.com/psf/requests/commit/74ea7cf"}));
  ASSERT_EQ(entry->affected.size(), 1u);
  const OsvAffected& a = entry->affected[0];
  EXPECT_EQ(a.ecosystem, "PyPI");
  EXPECT_EQ(a.name, "requests");
  EXPECT_EQ(a.versions, (std::vector<std::string>{"2.3.0", "2.30.0"}));
  EXPECT_EQ(a.severity_vectors, std::vector<std::string>{"AV:N/AC:M/Au:N/C:P/I:N/A:N"});
  ASSERT_EQ(a.ranges.size(), 2u);
  EXPECT_EQ(a.ranges[0].type, "ECOSYSTEM");
  ASSERT_EQ(a.ranges[0].events.size(), 2u);
  EXPECT_EQ(a.ranges[0].events[0].kind, OsvEvent::Kind::kIntroduced);
  EXPECT_EQ(a.ranges[0].events[0].version, "2.3.0");
  EXPECT_EQ(a.ranges[0].events[1].kind, OsvEvent::Kind::kFixed);
  EXPECT_EQ(a.ranges[0].events[1].version, "2.31.0");
  EXPECT_EQ(a.ranges[1].type, "GIT");
}

TEST(ParseOsvEntryTest, ReadsLastAffectedLimitAndWithdrawn) {
  auto entry = ParseOsvEntry(R"({"id": "GO-2024-0001", "modified": "2024-01-01T00:00:00Z",
    "withdrawn": "2024-02-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"last_affected": "1.2.0"},
                                              {"limit": "2.0.0"}]}]}]})");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_TRUE(entry->withdrawn);
  const auto& events = entry->affected[0].ranges[0].events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, OsvEvent::Kind::kLastAffected);
  EXPECT_EQ(events[2].kind, OsvEvent::Kind::kLimit);
  EXPECT_EQ(events[2].version, "2.0.0");
}

TEST(ParseOsvEntryTest, OptionalPartsMayBeAbsentOrNull) {
  auto entry = ParseOsvEntry(
      R"({"id": "X-1", "modified": "2024-01-01T00:00:00Z", "summary": null,
          "affected": [{"ranges": [{"type": "GIT", "repo": "r", "events": [{"introduced": "0"}]}]}],
          "database_specific": {"severity": {"nested": true}}})");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->affected[0].ecosystem, "");  // no package: matches nothing
  EXPECT_EQ(entry->database_severity, "");      // free-form: a non-string is not a severity
}

TEST(ParseOsvEntryTest, ErrorsNameTheField) {
  EXPECT_EQ(ErrorOf(R"({"modified": "x"})"), "OSV entry: id is missing");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1"})"), "OSV entry X-1: modified is missing");
  EXPECT_EQ(ErrorOf(R"({"id": 7, "modified": "x"})"),
            "OSV entry: id must be a string, not a number");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "aliases": "CVE-1"})"),
            "OSV entry X-1: aliases must be an array, not a string");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "aliases": ["CVE-1", 2]})"),
            "OSV entry X-1: aliases[1] must be a string, not a number");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "severity": [{"type": "CVSS_V3"}]})"),
            "OSV entry X-1: severity[0].score is missing");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "affected": [{"package": {"name": "p"}}]})"),
            "OSV entry X-1: affected[0].package.ecosystem is missing");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "affected": [{"package": {"ecosystem": "npm",
            "name": "p"}, "ranges": [{"type": "SEMVER"}]}]})"),
            "OSV entry X-1: affected[0].ranges[0].events is missing");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "affected": [{"package": {"ecosystem": "npm",
            "name": "p"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {}]}]}]})"),
            "OSV entry X-1: affected[0].ranges[0].events[1] has no version (introduced, fixed, "
            "last_affected or limit)");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "affected": [{"package": {"ecosystem": "npm",
            "name": "p"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": 3}]}]}]})"),
            "OSV entry X-1: affected[0].ranges[0].events[0].fixed must be a string, not a number");
  EXPECT_EQ(ErrorOf(R"({"id": "X-1", "modified": "x", "references": [{"type": "WEB"}]})"),
            "OSV entry X-1: references[0].url is missing");
  EXPECT_EQ(ErrorOf("[1, 2]"), "OSV entry: the entry must be an object, not an array");
  EXPECT_NE(ErrorOf("{\"id\": ").find("OSV entry: parse error"), std::string::npos);
}

}  // namespace
}  // namespace sluice::scan
