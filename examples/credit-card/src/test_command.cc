#include "test_command.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <ostream>
#include <string>
#include <utility>

#include "common/files.h"
#include "junit_writer.h"
#include "metrics_reader.h"
#include "ml/model_file.h"
#include "ml/number_format.h"
#include "ml/report.h"

namespace ccapproval {
namespace {

namespace ml = sluice::ml;
using sluice::Result;
using sluice::Status;

constexpr std::string_view kSuiteName = "model";
// Where each check's value comes from in the metrics file, in MakeChecks' order.
constexpr std::array<std::string_view, 2> kCheckKeys = {"test.accuracy",
                                                        "fairness.equal_opportunity.gap_%"};

Status CheckOptions(const TestOptions& o) {
  // An empty path would otherwise fail late and obscurely ("cannot rename
  // report.xml.tmp.N to :"); the CLI rejects these before we get here.
  if (o.metrics_file.empty()) return Status::InvalidArgument("--metrics must not be empty");
  if (o.output_dir.empty()) return Status::InvalidArgument("--output-dir must not be empty");
  if (o.junit_file.empty()) return Status::InvalidArgument("--junit must not be empty");
  if (!std::isfinite(o.min_accuracy) || o.min_accuracy < 0 || o.min_accuracy > 1) {
    std::string hint;
    if (o.min_accuracy > 1 && o.min_accuracy <= 100) {
      hint = " (a percentage? use " + ml::FormatExact(o.min_accuracy / 100) + ")";
    }
    return Status::InvalidArgument("--min-accuracy must be a fraction in [0, 1], got " +
                                   ml::FormatExact(o.min_accuracy) + hint);
  }
  if (!std::isfinite(o.max_fairness_gap) || o.max_fairness_gap < 0 || o.max_fairness_gap > 100) {
    return Status::InvalidArgument(
        "--max-fairness-gap must be in percentage points in [0, 100], got " +
        ml::FormatExact(o.max_fairness_gap));
  }
  return Status::Ok();
}

// The model whose tree the report draws, checked against the metrics.
Result<std::optional<ml::ModelFile>> LoadModelFor(const std::optional<std::filesystem::path>& path,
                                                  const TrainedMetrics& metrics,
                                                  const std::filesystem::path& metrics_file) {
  if (!path) return std::optional<ml::ModelFile>();
  auto model = ml::LoadModel(*path);
  if (!model.ok()) {
    return model.status().Annotate("cannot read the model file for the report's tree");
  }
  if (model->features != metrics.selected.features) {
    return Status::InvalidArgument(path->string() + ": the model's features differ from those " +
                                   metrics_file.string() +
                                   " reports; are the two files from the same training run?");
  }
  return std::optional<ml::ModelFile>(std::move(*model));
}

std::vector<ml::ModelCheck> MakeChecks(const TrainedMetrics& m, const TestOptions& o) {
  return {
      {"test_accuracy", "Test accuracy", m.selected.test.accuracy, ml::Bound::kAtLeast,
       o.min_accuracy, "", 5},
      {"test_equal_opportunity", "Equal-opportunity gap", m.selected.equal_opportunity_gap,
       ml::Bound::kAtMost, o.max_fairness_gap, "points", 2},
  };
}

std::string EnvFile(const TrainedMetrics& m) {
  return "ACCURACY=" + ml::PythonRepr(m.selected.test.accuracy) +
         "\nEQUAL_OPPORTUNITY_FAIRNESS_PERCENT=" +
         ml::PythonRepr(m.selected.equal_opportunity_gap) + "\n";
}

std::string JUnit(const std::vector<ml::ModelCheck>& checks, const TrainedMetrics& m,
                  const TestOptions& o, int64_t now_ms) {
  assert(checks.size() == kCheckKeys.size());
  std::vector<JUnitCase> cases;
  for (size_t i = 0; i < checks.size(); ++i) {
    const ml::ModelCheck& c = checks[i];
    JUnitCase jc;
    jc.classname = "ccapproval.model." + m.selected_model;
    jc.name = c.id;
    // jc.seconds stays 0: a check is one comparison of figures train already
    // computed; there is no work of its own worth timing.
    if (!c.Passed()) {
      jc.failure_message = c.Describe();
      jc.failure_details = "measured:  " + ml::PythonRepr(c.value) + " (" +
                           o.metrics_file.string() + ", key " + std::string(kCheckKeys[i]) + ")\n" +
                           (c.bound == ml::Bound::kAtLeast ? "minimum:   " : "maximum:   ") +
                           c.LimitText() + "\nmisses by: " + c.ShortfallText() + "\n";
    }
    cases.push_back(std::move(jc));
  }
  return JUnitXml(std::string(kSuiteName), cases, now_ms);
}

// "2026-11-26 14:15 UTC": minutes are enough for people.
std::string HumanTime(int64_t unix_ms) {
  std::string iso = sluice::FormatTimestamp(unix_ms);  // 2026-11-26T14:15:10.766Z
  if (iso.size() < 16) return iso;
  iso[10] = ' ';
  return iso.substr(0, 16) + " UTC";
}

ml::ReportInput Report(const TrainedMetrics& m, const std::optional<ml::ModelFile>& model,
                       const TestOutcome& outcome, const TestOptions& o,
                       const sluice::Clock& clock) {
  ml::ReportInput in;
  in.title = "Credit card approval model";
  in.checks = outcome.checks;
  in.model = m.selected;
  in.model.name = m.selected_model + " (deployed)";
  in.baseline = m.baseline;
  if (in.baseline) in.baseline->name = "baseline (with Group)";
  in.class_names = {"denied", "approved"};
  in.group_names = {"Group 0", "Group 1"};
  in.facts.emplace_back("Selected model",
                        m.selected_model + ", features " + ml::FeatureList(m.selected.features));
  in.facts.emplace_back("Metrics file", o.metrics_file.string());
  if (model) {
    in.tree = model->tree;
    in.tree_features = model->features;
    const ml::TrainingInfo& t = model->training;
    in.facts.emplace_back("Model file", outcome.model_file->string());
    in.facts.emplace_back("Trained", HumanTime(t.created_unix_ms) + " on " +
                                         ml::FormatCount(t.rows) + " rows (" + t.library_version +
                                         ")");
    in.facts.emplace_back("Dataset SHA-256", t.dataset_sha256);
  } else {
    in.facts.emplace_back("Model file", "none recorded in the metrics (no tree diagram)");
  }
  in.facts.emplace_back("Test set",
                        ml::FormatCount(m.selected.fairness.confusion.overall.total()) + " rows");
  in.facts.emplace_back("Report written", HumanTime(clock.NowMillis()));
  return in;
}

}  // namespace

bool TestOutcome::passed() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const ml::ModelCheck& c) { return c.Passed(); });
}

Result<TestOutcome> RunModelTests(const TestOptions& o, const sluice::Clock& clock) {
  SLUICE_RETURN_IF_ERROR(CheckOptions(o));
  SLUICE_ASSIGN_OR_RETURN(TrainedMetrics metrics, LoadMetrics(o.metrics_file));
  TestOutcome outcome;
  outcome.model_file = o.model_file ? o.model_file : metrics.model_file;
  SLUICE_ASSIGN_OR_RETURN(std::optional<ml::ModelFile> model,
                          LoadModelFor(outcome.model_file, metrics, o.metrics_file));

  outcome.checks = MakeChecks(metrics, o);

  outcome.env_file = o.output_dir / kEnvFileName;
  outcome.report_file = o.output_dir / kReportFileName;
  outcome.junit_file = o.junit_file;
  SLUICE_RETURN_IF_ERROR(sluice::MakeDirs(o.output_dir));
  if (o.junit_file.has_parent_path()) {
    SLUICE_RETURN_IF_ERROR(sluice::MakeDirs(o.junit_file.parent_path()));
  }
  SLUICE_RETURN_IF_ERROR(sluice::WriteFileAtomic(outcome.env_file, EnvFile(metrics)));
  SLUICE_ASSIGN_OR_RETURN(std::string html,
                          ml::RenderModelReport(Report(metrics, model, outcome, o, clock)));
  SLUICE_RETURN_IF_ERROR(sluice::WriteFileAtomic(outcome.report_file, html));
  SLUICE_RETURN_IF_ERROR(
      sluice::WriteFileAtomic(o.junit_file, JUnit(outcome.checks, metrics, o, clock.NowMillis())));
  return outcome;
}

int RunTestCommand(const TestOptions& options, const sluice::Clock& clock, std::ostream& out,
                   std::ostream& err) {
  auto outcome = RunModelTests(options, clock);
  if (!outcome.ok()) {
    err << "ccapproval test: error: " << outcome.status().message() << "\n";
    return 1;
  }
  size_t failed = 0;
  for (const ml::ModelCheck& c : outcome->checks) {
    out << (c.Passed() ? "PASS  " : "FAIL  ") << c.id << ": " << c.Describe() << "\n";
    failed += c.Passed() ? 0 : 1;
  }
  out << "wrote " << outcome->junit_file.string() << ", " << outcome->env_file.string() << ", "
      << outcome->report_file.string() << "\n";
  if (failed > 0) {
    err << "ccapproval test: " << failed << " of " << outcome->checks.size()
        << (outcome->checks.size() == 1 ? " check" : " checks") << " failed\n";
    return 1;
  }
  return 0;
}

}  // namespace ccapproval
