// Masking secret values out of every stream sluice writes: step logs,
// output variables, error messages, stored records.
//
// Add() registers a value; Mask() replaces every occurrence of every
// registered form with "**************". For each value the forms are: the
// value itself and the value trimmed of surrounding whitespace, each line of
// a multi-line value (trimmed of surrounding whitespace, "\r" included), its
// standard and URL-safe base64 encodings (with and without padding), its
// JSON-escaped form (as nlohmann::json dumps the string, without the quotes;
// also the \u-escaped ASCII-only variant) and, for a value wrapped in matching
// quotes, the value without them (what a shell prints).
//
// Forms shorter than kMinLength characters (ignoring surrounding whitespace)
// are not registered, so a secret "1" does not blank every digit of a log —
// a whole value that short is only counted (weak_value_count) so the caller
// can warn once. Adding the same value again changes nothing.
//
// Where occurrences overlap or nest (two secrets sharing characters, one form
// inside another) the whole covered span becomes one mask, so no part of any
// form is left visible — the effect of replacing longest forms first, without
// its order dependence. Matching is a single pass over the text that checks
// each position against a hash of the forms' 4-byte prefixes, so its cost
// hardly grows with the number of secrets (1 MB with 50 secrets: ~1-2 ms).
//
// Base64 is matched only as the encoding of the whole value: inside longer
// base64 text the value's encoding appears only at aligned offsets, and
// partial encodings are not attempted.
//
// Mask() works on any text; callers masking a stream should mask whole lines
// (never arbitrary chunks, which can split a secret). Multi-line secrets are
// covered line by line because each line is a form.
//
// Thread-safe: Add and Mask may be called from different threads. Mask runs
// on an immutable snapshot of the forms, so concurrent Masks do not serialise.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace sluice::secrets {

inline constexpr std::string_view kMask = "**************";

class Masker {
 public:
  static constexpr size_t kMinLength = 4;

  Masker();
  ~Masker();
  Masker(const Masker&) = delete;
  Masker& operator=(const Masker&) = delete;

  void Add(std::string_view value);
  std::string Mask(std::string_view text) const;
  bool empty() const;
  size_t weak_value_count() const;

 private:
  class Index;  // compiled, immutable matcher (masker.cc)

  std::shared_ptr<const Index> Snapshot() const;

  mutable std::mutex mu_;
  std::unordered_set<std::string> added_;       // guarded by mu_; every value given to Add
  std::vector<std::string> forms_;              // guarded by mu_; may repeat (Index dedupes)
  size_t weak_ = 0;                             // guarded by mu_
  mutable std::shared_ptr<const Index> index_;  // guarded by mu_; null when forms_ changed
};

}  // namespace sluice::secrets
