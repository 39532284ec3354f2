// Internal to src/policy: URL parsing with Go's net/url rules (url.Parse),
// for uri.parse and uri.is_valid.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::policy::internal {

struct Uri {
  std::string scheme;    // lower-cased
  std::string opaque;    // "user@example.com" in "mailto:user@example.com"
  std::string hostname;  // without brackets or port
  std::string port;
  std::string path;      // percent-decoded
  std::string raw_path;  // Go's EscapedPath() when path is not empty
  std::string raw_query;
  std::string fragment;  // percent-decoded
};

// Fails as url.Parse does: a control byte, a scheme-less ":" first, a bad
// percent escape, a missing "]" or a non-numeric port in the host.
Result<Uri> ParseUri(std::string_view raw);

}  // namespace sluice::policy::internal
