// Internal to src/scan: the built-in secret rules, as data.
//
// Each rule is an RE2 regex (Go syntax) whose group named `secret` holds the
// secret, lower-case keywords of which one must appear (case-insensitively)
// on the line before the regex runs, and the checks a candidate secret must
// pass. Every keyword of a rule occurs inside the text its regex matches, so
// looking for keywords line by line loses no match.
#pragma once

#include <string_view>
#include <vector>

#include "scan/findings.h"

namespace sluice::scan::internal {

struct SecretRuleSpec {
  std::string_view id;     // persisted in reports and allowlists: do not rename
  std::string_view title;  // "AWS access key id"
  Severity severity = Severity::kUnassigned;
  std::string_view regex;                  // RE2; the secret in (?P<secret>...)
  std::vector<std::string_view> keywords;  // lower case, at least one
  double min_entropy = 0;                  // of the secret, bits per character
  // A secret matching this (partially) is a documented example, not a leak.
  std::string_view allow_secret;
  // A whole match containing this (partially) is not a secret either (a GPG
  // key fingerprint in GPG_KEY=...).
  std::string_view allow_match;
  // The secret must hold a letter and a digit: generated secrets do, words
  // and identifiers (tokenizer_class: PreTrainedTokenizerFast) do not.
  bool require_digit = false;
  // The match may run past its first line (a PEM block); otherwise matches
  // stop at line ends and NULs.
  bool multiline = false;
  // Multi-line rules: the line the match starts on must match this, before
  // the regex runs over the window after it.
  std::string_view start_line;
  // Too noisy on binary data (compiled strings, compressed bytes): run on
  // text files and config values only.
  bool text_only = false;
  // A catch-all rule: dropped where a specific rule matched the same secret.
  bool generic = false;
};

// The rules in report order. Static storage; thread-safe.
const std::vector<SecretRuleSpec>& BuiltinSecretRules();

}  // namespace sluice::scan::internal
