// Masking secret values out of every stream sluice writes: step logs,
// output variables, error messages, stored records.
//
// Add() registers a value; Mask() replaces every occurrence of every
// registered form with "**************". For each value the forms are: the
// value itself, each line of a multi-line value (trimmed of "\r"), its
// standard and URL-safe base64 encodings (with and without padding), and its
// JSON-escaped form. Forms shorter than kMinLength characters are not
// registered, so a secret "1" does not blank every digit of a log — such a
// value is only counted (weak_value_count) so the caller can warn once.
// Longest forms are replaced first so one never leaves part of another.
// Thread-safe: Add and Mask may be called from different threads.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::secrets {

inline constexpr std::string_view kMask = "**************";

class Masker {
 public:
  static constexpr size_t kMinLength = 4;

  void Add(std::string_view value);
  std::string Mask(std::string_view text) const;
  bool empty() const;
  size_t weak_value_count() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> forms_;  // sorted longest first; guarded by mu_
  size_t weak_ = 0;                 // guarded by mu_
};

}  // namespace sluice::secrets
