// Test helpers for version orderings (test-only).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scan/version_order.h"

namespace sluice::scan::testing {

// -1, 0 or 1 as `c` is negative, zero or positive.
inline int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

// Expects `scheme` to order `ascending` as listed: every pair compares by
// its positions (each version equal to itself).
inline void ExpectAscending(VersionScheme scheme, const std::vector<std::string>& ascending) {
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(Sign(CompareVersions(scheme, ascending[i], ascending[j])), expected)
          << ascending[i] << " vs " << ascending[j];
    }
  }
}

}  // namespace sluice::scan::testing
