// Writing JUnit XML test reports, the dialect CI systems (and sluice's own
// steps/junit.h) read: <testsuites> holding one <testsuite> of <testcase>
// elements, each failed case with a <failure message="..."> whose text holds
// the details. Counts on the suite are computed from the cases. pugixml does
// the escaping, so any text is safe. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

// `timestamp_ms` (Unix milliseconds) becomes the suite's ISO 8601 timestamp.
std::string JUnitXml(const std::string& suite_name, const std::vector<JUnitCase>& cases,
                     int64_t timestamp_ms);

}  // namespace ccapproval
