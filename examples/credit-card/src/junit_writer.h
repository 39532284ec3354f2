// Writing JUnit XML test reports, the dialect CI systems (and sluice's own
// steps/junit.h) read: <testsuites> holding one <testsuite> of <testcase>
// elements, each failed case with a <failure message="..."> whose text holds
// the details. Counts on the suite are computed from the cases.
//
// Text may hold anything (a model name read from a file, say): pugixml
// escapes markup (& < > "), and before that XmlSafeText replaces what no XML
// 1.0 document may contain -- control characters other than tab, LF and CR
// (NUL included, which would otherwise cut the text short), U+FFFE, U+FFFF
// and bytes that are not well-formed UTF-8 -- with U+FFFD, so the output
// always parses. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccapproval {

struct JUnitCase {
  std::string classname;
  std::string name;
  double seconds = 0;
  // Set for a failed case: the one-line message and the longer details.
  std::optional<std::string> failure_message;
  std::string failure_details;
};

// `text` with every character XML 1.0 forbids, and every byte that is not
// part of well-formed UTF-8, replaced by U+FFFD (one per byte).
std::string XmlSafeText(std::string_view text);

// `timestamp_ms` (Unix milliseconds) becomes the suite's ISO 8601 timestamp.
std::string JUnitXml(const std::string& suite_name, const std::vector<JUnitCase>& cases,
                     int64_t timestamp_ms);

}  // namespace ccapproval
