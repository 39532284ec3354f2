#include "scan/debian_changelog.h"

#include <gtest/gtest.h>

namespace sluice::scan {
namespace {

constexpr std::string_view kOpenssl = R"(openssl (3.0.22-1~deb12u2) bookworm-security; urgency=high

  * Non-maintainer upload by the LTS Team.
  * CVE-2026-84782 ("DTLS Retransmits Handshake Messages From a Stale Buffer
    Offset")
  * CVE-2026-35189 ("Memory Allocation in Relative CRLDP Processing")

 -- Arnaud Rebillout <arnaudr@debian.org>  Wed, 21 Oct 2026 16:54:24 +0700

openssl (3.0.22-1~deb12u1) bookworm-security; urgency=medium (HIGH for TLS servers)

  [ Jane Maintainer ]
  * Import 3.0.22
    - Fixes CVE-2026-42767 and GHSA-5qpq-xqfv-j9pg.
    - Also DLA-4023-1, see CVE-2026-42767.

 -- Jane Maintainer <jane@example.org>  Mon,  4 May 2026 20:47:50 +0000

openssl (3.0.11-1) unstable experimental; urgency=low

  * New upstream release.

 -- Somebody <s@example.org>  Sun, 01 Jan 2023 00:00:00 UTC

Local variables:
mode: debian-changelog
End:
)";

TEST(ParseDebianChangelogTest, ReadsEachEntrysHeaderAndTrailer) {
  auto entries = ParseDebianChangelog(kOpenssl);
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->size(), 3u);
  const DebianChangelogEntry& first = (*entries)[0];
  EXPECT_EQ(first.source, "openssl");
  EXPECT_EQ(first.version, "3.0.22-1~deb12u2");
  EXPECT_EQ(first.distributions, std::vector<std::string>{"bookworm-security"});
  EXPECT_EQ(first.urgency, "high");
  EXPECT_EQ(first.date, "2026-10-21T16:54:24+07:00");
  EXPECT_EQ((*entries)[1].urgency, "medium");
  EXPECT_EQ((*entries)[1].date, "2026-05-04T20:47:50+00:00");
  EXPECT_EQ((*entries)[2].distributions, (std::vector<std::string>{"unstable", "experimental"}));
  EXPECT_EQ((*entries)[2].date, "2023-01-01T00:00:00Z");
}

TEST(ParseDebianChangelogTest, CitesEachIdOnceWithTheItemsThatNameIt) {
  auto entries = ParseDebianChangelog(kOpenssl);
  ASSERT_TRUE(entries.ok());
  const auto& first = (*entries)[0].citations;
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, "CVE-2026-84782");
  // Continuation lines join the item with a space.
  EXPECT_EQ(first[0].text,
            "CVE-2026-84782 (\"DTLS Retransmits Handshake Messages From a Stale Buffer Offset\")");
  EXPECT_EQ(first[1].id, "CVE-2026-35189");

  // The GHSA and DLA ids name the same fix as the CVE they are given with.
  const auto& second = (*entries)[1].citations;
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, "CVE-2026-42767");
  EXPECT_EQ(second[0].text,
            "Fixes CVE-2026-42767 and GHSA-5qpq-xqfv-j9pg.\nAlso DLA-4023-1, see CVE-2026-42767.");
  EXPECT_EQ(second[0].aliases, (std::vector<std::string>{"GHSA-5qpq-xqfv-j9pg", "DLA-4023-1"}));
  EXPECT_TRUE((*entries)[2].citations.empty());
}

TEST(ParseDebianChangelogTest, IdsWithoutACveAreCitedOnTheirOwn) {
  auto entries = ParseDebianChangelog(
      "xz-utils (5.4.1-1+deb12u2) bookworm-security; urgency=medium\n\n"
      "  * Includes security fix for GHSA-5qpq-xqfv-j9pg (Closes: #1147318)\n\n"
      " -- A <a@b>  Sun, 01 Jan 2023 00:00:00 +0000\n");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ((*entries)[0].citations.size(), 1u);
  EXPECT_EQ((*entries)[0].citations[0].id, "GHSA-5qpq-xqfv-j9pg");
  EXPECT_TRUE((*entries)[0].citations[0].aliases.empty());
}

TEST(ParseDebianChangelogTest, IdsMustStandAlone) {
  auto entries = ParseDebianChangelog(
      "x (1) unstable; urgency=low\n\n  * XCVE-2024-12345, CVE-24-1, CVE-2024-123, "
      "CVE-2024-1234x, (CVE-2024-99999)\n\n -- A <a@b>  Sun, 01 Jan 2023 00:00:00 +0000\n");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ((*entries)[0].citations.size(), 1u);
  EXPECT_EQ((*entries)[0].citations[0].id, "CVE-2024-99999");
}

TEST(ParseDebianChangelogTest, RejectsTextThatIsNotAChangelog) {
  auto parsed = ParseDebianChangelog("This is a README.\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("not a Debian changelog"), std::string::npos);
  EXPECT_FALSE(ParseDebianChangelog("").ok());
}

TEST(Rfc2822ToRfc3339Test, ConvertsDebianDates) {
  EXPECT_EQ(Rfc2822ToRfc3339("Wed, 21 Oct 2026 16:54:24 +0700"), "2026-10-21T16:54:24+07:00");
  EXPECT_EQ(Rfc2822ToRfc3339("Sat, 06 Jun 2026 21:56:20 -0230"), "2026-06-06T21:56:20-02:30");
  EXPECT_EQ(Rfc2822ToRfc3339("6 Jun 2026 01:02:03 GMT"), "2026-06-06T01:02:03Z");
  EXPECT_EQ(Rfc2822ToRfc3339("Wed, 25 Nov 2026 02:22:30 UTC"), "2026-11-25T02:22:30Z");
  EXPECT_EQ(Rfc2822ToRfc3339("yesterday"), "");
  EXPECT_EQ(Rfc2822ToRfc3339("Wed, 21 Foo 2026 16:54:24 +0700"), "");
  EXPECT_EQ(Rfc2822ToRfc3339("Wed, 21 Oct 2026 16:54:24 CEST"), "");
}

}  // namespace
}  // namespace sluice::scan
