// Finding secrets in image files and in the image config.
//
// Built-in rules, as Trivy and gitleaks define them: AWS access key ids and
// secret access keys, private key blocks, GitHub, GitLab, Slack, Hugging
// Face, Stripe and PyPI tokens, and generic key/secret/password/token
// assignments whose value has enough Shannon entropy. A rule is an RE2
// regex (Go syntax, as those tools use) with the secret in a capture group,
// optional keywords that must appear (case-insensitively) before the regex
// runs, and an optional minimum entropy of the secret.
//
// A finding gives the rule, the file and line, and the matched text with
// the secret masked: a finding never carries the secret itself.
//
// The allowlist (a YAML file, Trivy's trivy-secret.yaml shape):
//   disable-rules: [rule-id, ...]
//   allow-rules:
//     - id: test-fixtures         # names the entry in messages
//       path: '^srv/tests/'       # regex on the file path, and/or
//       regex: 'EXAMPLE'          # regex on the matched secret
// A finding is dropped when any allow rule matches it (every field an entry
// gives must match).
//
// Errors: InvalidArgument naming the file, the entry and the field for an
// allowlist that does not parse or a regex RE2 rejects. Thread-safety: a
// SecretScanner is immutable after Create and may scan from several
// threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/image.h"
#include "scan/findings.h"

namespace sluice::scan {

class SecretScanner {
 public:
  // The built-in rules, less and filtered by the allowlist's text (YAML as
  // above; empty: none). `allowlist_name` names it in errors.
  static Result<SecretScanner> Create(std::string_view allowlist_yaml = "",
                                      std::string_view allowlist_name = "");
  SecretScanner(SecretScanner&&) noexcept;
  SecretScanner& operator=(SecretScanner&&) noexcept;
  ~SecretScanner();

  // The secrets in one file's contents. Matches stop at line ends and NULs,
  // except a private key block, which runs to its END line. Binary files
  // (a NUL in the first 8000 bytes) get the fixed-prefix token rules only,
  // not the generic assignment or private-key rules (secret_match.h says
  // why). Findings come in file order, with 1-based lines.
  std::vector<Finding> ScanFile(std::string_view path, std::string_view layer_digest,
                                std::string_view contents) const;
  // The secrets in the config: Env values, Labels, and history's created_by
  // (where build args and RUN lines show).
  std::vector<Finding> ScanConfig(const oci::ImageConfig& config) const;

  // A hash (64 hex digits) of everything that decides what ScanFile finds:
  // the enabled rules (every field of each), the matching limits and the
  // allowlist as loaded (disabled rules, each allow rule's id and
  // patterns). Two scanners with the same fingerprint find the same
  // secrets in the same files, so results kept under it (the scanner's
  // layer cache) stay valid; a change to the rules or their matching code
  // that keeps these the same must bump kMatchingVersion in secrets.cc.
  std::string Fingerprint() const;

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Shannon entropy of `text` in bits per character.
double ShannonEntropy(std::string_view text);

}  // namespace sluice::scan
