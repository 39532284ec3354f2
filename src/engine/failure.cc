#include "engine/failure.h"

#include <algorithm>

namespace sluice::engine {

const pipeline::FailureAction* FindFailureAction(const StrategyChain& chain,
                                                 pipeline::ErrorType failure) {
  for (const auto* level : chain) {
    if (level == nullptr) continue;
    for (const pipeline::FailureStrategy& s : *level) {
      bool match = std::any_of(s.errors.begin(), s.errors.end(), [&](pipeline::ErrorType e) {
        return e == pipeline::ErrorType::kAllErrors || e == failure;
      });
      if (match) return &s.action;
    }
  }
  return nullptr;
}

Millis RetryInterval(const pipeline::FailureAction& retry, int attempt) {
  if (retry.retry_intervals.empty() || attempt <= 0) return Millis(0);
  size_t i = std::min(static_cast<size_t>(attempt - 1), retry.retry_intervals.size() - 1);
  return retry.retry_intervals[i];
}

}  // namespace sluice::engine
