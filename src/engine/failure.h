// Choosing the failure strategy for a failed node (harness-semantics §4.2):
// the step's own list first, then each enclosing step group from the inside
// out, then the stage. The first level with an entry whose `errors` match the
// failure type wins; within a level the first matching entry wins; AllErrors
// matches every type. No match: the failure stands (MarkAsFailure).
#pragma once

#include <vector>

#include "pipeline/ir.h"

namespace sluice::engine {

// Strategy lists from the innermost level (the step) to the outermost (the stage).
using StrategyChain = std::vector<const std::vector<pipeline::FailureStrategy>*>;

// Returns the action to apply, or nullptr when no level matches.
const pipeline::FailureAction* FindFailureAction(const StrategyChain& chain,
                                                 pipeline::ErrorType failure);

// The wait before retry number `attempt` (1-based): retryIntervals[attempt-1],
// the last interval repeating; none given → no wait.
Millis RetryInterval(const pipeline::FailureAction& retry, int attempt);

}  // namespace sluice::engine
