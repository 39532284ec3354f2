// Internal to src/scan: running the secret rules over a buffer.
//
// How a buffer is searched, so that a 200 MB image stays cheap:
//   1. One RE2 built from every enabled rule's keywords (Latin-1,
//      case-insensitive) finds the next line holding any keyword: a single
//      DFA pass over the buffer, which is all most bytes ever see.
//   2. On that line an RE2::Set tells which keywords it holds, hence which
//      rules to run; only those rules' regexes run, on that line alone.
//   3. The search resumes after the line.
// "Lines" end at '\n' and at NUL, so binary data splits into short runs;
// line numbers count '\n' only. A multi-line rule (the PEM private key)
// runs from its keyword's line over a bounded window (kMultilineWindow).
//
// Binary files (a NUL in the first 8000 bytes, git's test) get only the
// token rules with a fixed prefix (AKIA, ghp_, hf_ ...), which find a token
// compiled into, say, a Go binary. The generic assignment rule (short
// keywords, permissive values) makes noise on compiled strings and
// compressed bytes, and libraries carry self-test private keys (libgnutls),
// so those two rules run on text only. Trivy skips binary files altogether.
//
// Measured on this machine, one thread: 210 MB of shared libraries
// (/usr/lib/x86_64-linux-gnu) and 210 MB of Python, headers and /usr/share
// both scan at 400-650 MB/s; RE2 does most of the work.
//
// Immutable after Create; thread-safe.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scan/secret_rules.h"

namespace sluice::scan::internal {

inline constexpr size_t kMultilineWindow = 64 * 1024;
inline constexpr size_t kBinarySniffBytes = 8000;

// Whether `contents` looks binary (a NUL in its first kBinarySniffBytes).
bool LooksBinary(std::string_view contents);

struct CompiledSecretRule {
  const SecretRuleSpec* spec = nullptr;
  std::unique_ptr<RE2> regex;
  int secret_group = 0;
  std::unique_ptr<RE2> allow_secret;  // null: none
  std::unique_ptr<RE2> allow_match;   // null: none
  std::unique_ptr<RE2> start_line;    // null: any line
};

// One match of a rule; offsets into the scanned buffer.
struct SecretHit {
  size_t rule = 0;  // index into SecretMatcher::rules()
  size_t secret_begin = 0, secret_end = 0;
  size_t match_begin = 0, match_end = 0;
  int line = 0;  // 1-based, of match_begin
  // False when a built-in allowance (an AWS EXAMPLE key) or a more specific
  // rule's match of the same secret (for the generic rule) drops it; such
  // hits are still masked in the others' match text.
  bool report = true;
};

class SecretMatcher {
 public:
  // The built-in rules less `disabled` (ids).
  static Result<std::unique_ptr<SecretMatcher>> Create(const std::set<std::string>& disabled);

  const std::vector<CompiledSecretRule>& rules() const { return rules_; }

  // Every hit in `text`, in text order.
  std::vector<SecretHit> Find(std::string_view text, bool binary) const;

  // The text around `hit` (its lines, at most kContext bytes either side of
  // the match) with the secret of every hit in `all` that shows masked, on
  // one line (line breaks become spaces), valid UTF-8; a hit's secret
  // written again in view is masked too. `all` is Find's result: sorted by
  // match_begin, no match longer than kMultilineWindow.
  static std::string MaskedMatch(std::string_view text, const SecretHit& hit,
                                 const std::vector<SecretHit>& all);
  static constexpr size_t kContext = 40;

 private:
  SecretMatcher() = default;
  void FindInLine(std::string_view text, size_t line_begin, size_t line_end, int line, bool binary,
                  std::vector<SecretHit>& hits) const;

  std::vector<CompiledSecretRule> rules_;
  std::unique_ptr<RE2> any_keyword_;
  std::unique_ptr<RE2::Set> keyword_set_;
  std::vector<std::vector<size_t>> keyword_rules_;  // keyword index -> rule indices
};

// "AKIA****": the first few characters (at most 4, at most a quarter of
// the secret) and a fixed run of asterisks that does not tell the length.
std::string MaskSecret(std::string_view secret);

}  // namespace sluice::scan::internal
