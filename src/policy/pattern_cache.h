// Internal to src/policy: a small thread-safe cache of compiled patterns
// (regular expressions, globs) keyed by their source text, as OPA keeps one
// per process. Bounded: when full, an arbitrary entry makes room.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::policy::internal {

template <typename T>
class PatternCache {
 public:
  explicit PatternCache(size_t capacity) : capacity_(capacity) {}
  PatternCache(const PatternCache&) = delete;
  PatternCache& operator=(const PatternCache&) = delete;

  // nullptr when absent.
  std::shared_ptr<const T> Find(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second;
  }

  void Insert(const std::string& key, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.erase(entries_.begin());
    entries_[key] = std::move(value);
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const T>> entries_;  // guarded by mu_
};

}  // namespace sluice::policy::internal
