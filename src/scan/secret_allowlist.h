// Internal to src/scan: the secret allowlist (trivy-secret.yaml's shape,
// described in secrets.h), parsed and compiled.
//
// Stricter than Trivy on purpose: an unknown top-level key, an unknown
// field in an entry, a rule id no built-in rule has, or an entry with
// neither `path` nor `regex` (it would allow everything) is an error, so a
// typo does not silently turn the allowlist off. Trivy's custom `rules`
// are not supported and say so.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::scan::internal {

struct AllowRule {
  std::string id;               // may be empty
  std::unique_ptr<RE2> path;    // null: any path
  std::unique_ptr<RE2> secret;  // null: any secret
};

struct SecretAllowlist {
  std::set<std::string> disabled_rules;
  std::vector<AllowRule> allow_rules;

  // Whether some allow rule matches (every field it gives matches, as an
  // unanchored search like Go's MatchString).
  bool Allows(std::string_view path, std::string_view secret) const;
};

// Parses the YAML text; `name` names it in errors ("secret allowlist" when
// empty); `known_rules` are the rule ids disable-rules may name.
Result<SecretAllowlist> ParseSecretAllowlist(std::string_view yaml, std::string_view name,
                                             const std::set<std::string>& known_rules);

}  // namespace sluice::scan::internal
