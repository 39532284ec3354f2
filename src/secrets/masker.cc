#include "secrets/masker.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "secrets/crypto.h"

namespace sluice::secrets {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The string as nlohmann::json would print it, without the quotes. Invalid
// UTF-8 is replaced (U+FFFD), as sluice's own JSON writers do.
std::string JsonEscaped(std::string_view value, bool ensure_ascii) {
  nlohmann::json j = std::string(value);
  std::string quoted = j.dump(-1, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

// Every form of `value` worth masking (may repeat; too-short ones included —
// the caller filters).
std::vector<std::string> FormsOf(std::string_view value) {
  std::vector<std::string> forms;
  forms.emplace_back(value);
  forms.emplace_back(Trim(value));
  if (value.find('\n') != std::string_view::npos) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find('\n', start);
      if (end == std::string_view::npos) end = value.size();
      forms.emplace_back(Trim(value.substr(start, end - start)));
      start = end + 1;
    }
  }
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    forms.push_back(internal::Base64Encode(value, variant));
  }
  forms.push_back(JsonEscaped(value, false));
  forms.push_back(JsonEscaped(value, true));
  if (value.size() >= 2 && value.front() == value.back() &&
      (value.front() == '"' || value.front() == '\'')) {
    forms.emplace_back(value.substr(1, value.size() - 2));
  }
  return forms;
}

}  // namespace

// The compiled matcher. Forms are bucketed by a hash of their first four
// bytes (every form has at least kMinLength = 4); Mask() hashes the four bytes
// at each text position and compares only the forms in that bucket, longest
// first. Immutable once built, so any number of threads may use one.
class Masker::Index {
 public:
  explicit Index(std::vector<std::string> forms);
  std::string Mask(std::string_view text) const;

 private:
  static constexpr int kBits = 14;
  static_assert(kMinLength >= 4, "the prefix hash reads four bytes of every form");

  static uint32_t Load4(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  static uint32_t Hash(uint32_t prefix) { return prefix * 2654435761u; }
  static uint32_t Bucket(uint32_t hash) { return hash >> (32 - kBits); }
  // A 2^16-bit (8 KiB) filter that stays in L1 cache: most positions stop here.
  bool MayMatch(uint32_t hash) const {
    const uint32_t bit = hash >> 16;
    return (filter_[bit >> 6] >> (bit & 63)) & 1;
  }
  // Length of the longest form starting at text[i], or 0.
  size_t LongestMatchAt(std::string_view text, size_t i) const;

  std::vector<std::string> forms_;      // unique, longest first
  std::vector<uint32_t> prefix_;        // first four bytes of forms_[k]
  std::vector<uint32_t> bucket_start_;  // 2^kBits + 1 offsets into bucket_forms_
  std::vector<uint32_t> bucket_forms_;  // form indices grouped by bucket, longest first
  std::vector<uint64_t> filter_;        // bit (Hash >> 16) set for every form's prefix
};

Masker::Index::Index(std::vector<std::string> forms) : forms_(std::move(forms)) {
  std::sort(forms_.begin(), forms_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  forms_.erase(std::unique(forms_.begin(), forms_.end()), forms_.end());

  const size_t buckets = size_t{1} << kBits;
  std::vector<uint32_t> bucket_of(forms_.size());
  bucket_start_.assign(buckets + 1, 0);
  prefix_.reserve(forms_.size());
  filter_.assign((size_t{1} << 16) / 64, 0);
  for (size_t k = 0; k < forms_.size(); ++k) {
    prefix_.push_back(Load4(forms_[k].data()));
    const uint32_t hash = Hash(prefix_[k]);
    filter_[hash >> 22] |= uint64_t{1} << ((hash >> 16) & 63);
    bucket_of[k] = Bucket(hash);
    ++bucket_start_[bucket_of[k] + 1];
  }
  for (size_t b = 0; b < buckets; ++b) bucket_start_[b + 1] += bucket_start_[b];
  // Counting sort; visiting forms in order keeps each bucket longest first.
  std::vector<uint32_t> next(bucket_start_.begin(), bucket_start_.end() - 1);
  bucket_forms_.resize(forms_.size());
  for (size_t k = 0; k < forms_.size(); ++k) {
    bucket_forms_[next[bucket_of[k]]++] = static_cast<uint32_t>(k);
  }
}

size_t Masker::Index::LongestMatchAt(std::string_view text, size_t i) const {
  const uint32_t prefix = Load4(text.data() + i);
  const uint32_t hash = Hash(prefix);
  if (!MayMatch(hash)) return 0;
  const uint32_t b = Bucket(hash);
  const size_t left = text.size() - i;
  for (uint32_t k = bucket_start_[b]; k < bucket_start_[b + 1]; ++k) {
    const uint32_t f = bucket_forms_[k];
    const std::string& form = forms_[f];
    if (prefix_[f] != prefix || form.size() > left) continue;
    if (std::memcmp(form.data() + 4, text.data() + i + 4, form.size() - 4) == 0) return form.size();
  }
  return 0;
}

std::string Masker::Index::Mask(std::string_view text) const {
  if (forms_.empty() || text.size() < kMinLength) return std::string(text);
  std::string out;
  size_t copied = 0;                    // text[0, copied) is already in `out`
  size_t span_begin = 0, span_end = 0;  // the masked span being grown; empty when equal
  auto flush = [&] {
    if (span_end == span_begin) return;
    if (out.empty()) out.reserve(text.size());
    out.append(text.substr(copied, span_begin - copied));
    out.append(kMask);
    copied = span_end;
  };
  for (size_t i = 0; i + kMinLength <= text.size(); ++i) {
    const size_t len = LongestMatchAt(text, i);
    if (len == 0) continue;
    if (i < span_end) {
      span_end = std::max(span_end, i + len);  // overlaps the current span: extend it
    } else {
      flush();
      span_begin = i;
      span_end = i + len;
    }
  }
  flush();
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

Masker::Masker() = default;
Masker::~Masker() = default;

void Masker::Add(std::string_view value) {
  if (value.empty()) return;
  const bool weak = Trim(value).size() < kMinLength;
  // Forms are computed outside the lock; they depend only on the value.
  std::vector<std::string> forms;
  if (!weak) forms = FormsOf(value);

  std::lock_guard<std::mutex> lock(mu_);
  if (!added_.emplace(value).second) return;
  if (weak) {
    ++weak_;
    return;
  }
  for (std::string& form : forms) {
    if (Trim(form).size() >= kMinLength) forms_.push_back(std::move(form));
  }
  index_.reset();
}

std::shared_ptr<const Masker::Index> Masker::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!index_) index_ = std::make_shared<const Index>(forms_);
  return index_;
}

std::string Masker::Mask(std::string_view text) const { return Snapshot()->Mask(text); }

bool Masker::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return forms_.empty();
}

size_t Masker::weak_value_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return weak_;
}

}  // namespace sluice::secrets
