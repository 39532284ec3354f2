// Reading a Debian changelog (debian/changelog, shipped in every binary
// package as usr/share/doc/<package>/changelog.Debian.gz), for the
// advisories its entries cite.
//
// The format is Debian Policy §4.4's:
//
//   openssl (3.0.22-1~deb12u2) bookworm-security; urgency=high
//
//     * CVE-2026-84782 ("DTLS Retransmits Handshake Messages From a Stale
//       Buffer Offset")
//
//    -- Maintainer Name <email@example.org>  Wed, 21 Oct 2026 16:54:24 +0700
//
// ParseDebianChangelog returns the entries newest first, as written. For
// each entry: the source package, its version, the distributions it was
// uploaded to, the urgency (lower-case, without a comment:
// "medium (HIGH for users of foo)" -> "medium"), the date from the trailer
// line as RFC 3339 ("2026-10-21T16:54:24+07:00"; empty when it does not
// parse), and the advisory ids its change lines cite -- CVE-YYYY-N,
// GHSA-xxxx-xxxx-xxxx, DSA-N(-N) and DLA-N(-N), each once, in order of
// appearance, with the text of the change items ("* ..." and nested
// "- ..." items, continuation lines joined by spaces) that cite it. An
// item that cites CVEs and other ids ("GHSA-r9hj-j2rw-4q3m: Fix large JIT
// stack allocation (CVE-2026-103111)") cites the CVEs, with the other ids
// as their aliases: one fix, not two. Lines
// outside entries (the "Local variables:" footer, old-format history at
// the end of long changelogs) are skipped.
//
// Errors: InvalidArgument when the text does not start with an entry
// header. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::scan {

struct DebianChangelogCitation {
  std::string id;                    // "CVE-2026-84782"
  std::string text;                  // the change items that cite it, '\n' between items
  std::vector<std::string> aliases;  // other ids a CVE's items give it
};

struct DebianChangelogEntry {
  std::string source;
  std::string version;
  std::vector<std::string> distributions;  // "bookworm-security"
  std::string urgency;                     // "high"; empty when not given
  std::string date;                        // RFC 3339, or empty
  std::vector<DebianChangelogCitation> citations;
};

Result<std::vector<DebianChangelogEntry>> ParseDebianChangelog(std::string_view text);

// RFC 2822 ("Wed, 21 Oct 2026 16:54:24 +0700", the day name optional) as
// RFC 3339 ("2026-10-21T16:54:24+07:00"); empty when it is not one.
std::string Rfc2822ToRfc3339(std::string_view date);

}  // namespace sluice::scan
