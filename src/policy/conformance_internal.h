// Internals of the conformance runner shared by its .cc files; not for use
// outside src/policy.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "policy/conformance.h"

namespace sluice::policy::conformance::internal {

// The short description of what a case expects (Outcome::expected).
std::string DescribeExpected(const Case& c);

struct IsolationStats {
  int crashed = 0;
  int timed_out = 0;
};

// RunCase for every case, each in a worker process (conformance_isolate.cc):
// a case that kills its worker fails as crashed, one without a result after
// `case_timeout` (0 = no limit) fails as timed out, and the run goes on.
// Falls back to running in this process when it cannot fork. The caller
// must not have other threads running (fork).
std::vector<Outcome> RunIsolated(const std::vector<Case>& cases, const QueryFunction& query,
                                 std::chrono::milliseconds case_timeout, IsolationStats* stats);

}  // namespace sluice::policy::conformance::internal
