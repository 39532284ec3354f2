// `ccapproval test`: the notebook's test cells. It reads the metrics JSON of
// `ccapproval train`, runs the two assertions as test cases and writes what
// the pipeline consumes:
//   <junit file>                        JUnit XML, one test case per check
//   <output dir>/shared_env_variables.txt
//       ACCURACY=<test accuracy>
//       EQUAL_OPPORTUNITY_FAIRNESS_PERCENT=<equal-opportunity gap>
//       each number exactly as the metrics file holds it, printed as Python
//       prints a float (shortest round trip: 0.92669, 7.3500000000000085)
//   <output dir>/model_metrics.html     the model report (ml/report.h)
//
// THE CHECKS. test accuracy >= min_accuracy (default 0.9) and the
// equal-opportunity gap ("fairness.equal_opportunity.gap_%", the notebook's
// EQUAL_OPPORTUNITY_FAIRNESS_PERCENT) <= max_fairness_gap (default 21
// points). The notebook asserts strictly (> 0.9, < 21); the bounds here are
// inclusive, as the pipeline's policy reads them, so the test step and the
// policy step never disagree at the limit.
//
// THE MODEL FILE draws the tree in the report: `model_file` when given, else
// the "model_file" key of the metrics JSON (metrics written before that key
// existed get a report without a diagram). A model that cannot be loaded, or
// whose features differ from the metrics', is an error.
//
// OUTCOMES. Failing checks are not errors: RunModelTests writes every output
// and returns them in the outcome. Errors (unreadable or malformed inputs,
// thresholds out of range, unwritable outputs) come back as Status, naming
// the file and key; outputs may then be missing. Relative paths are taken
// from the working directory; empty ones are errors. The clock (report time
// and JUnit timestamp) is handed in. JUnit durations are 0: each check only
// compares a figure train already computed. Thread-compatible.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "ml/model_check.h"

namespace ccapproval {

struct TestOptions {
  std::filesystem::path metrics_file;
  std::filesystem::path output_dir;
  std::filesystem::path junit_file;
  std::optional<std::filesystem::path> model_file;
  double min_accuracy = 0.9;     // in [0, 1]
  double max_fairness_gap = 21;  // percentage points, in [0, 100]
};

struct TestOutcome {
  std::vector<sluice::ml::ModelCheck> checks;  // accuracy, then the gap
  std::filesystem::path env_file;
  std::filesystem::path report_file;
  std::filesystem::path junit_file;
  std::optional<std::filesystem::path> model_file;  // the one drawn, if any

  bool passed() const;
};

inline constexpr std::string_view kEnvFileName = "shared_env_variables.txt";
inline constexpr std::string_view kReportFileName = "model_metrics.html";

sluice::Result<TestOutcome> RunModelTests(const TestOptions& options, const sluice::Clock& clock);

// The subcommand: runs the tests, prints one line per check and the files
// written to `out`, problems to `err`. Returns the exit code: 0 when every
// check passes, 1 when one fails (outputs written) or on an error.
int RunTestCommand(const TestOptions& options, const sluice::Clock& clock, std::ostream& out,
                   std::ostream& err);

}  // namespace ccapproval
