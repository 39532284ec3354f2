// ccapproval: the credit-card demo's data-science CLI (issue 3). This file
// parses the command line and dispatches; the work lives in the library
// (ccapproval_core); `test` and `predict` have their own *_command files.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <string>

#include "common/clock.h"
#include "generator.h"
#include "ml/model_file.h"
#include "predict_command.h"
#include "test_command.h"
#include "train.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct GenerateOptions {
  uint64_t seed = 54;
  uint64_t rows = 500000;
  std::string out;
};

int RunGenerate(const GenerateOptions& o) {
  uint64_t bytes = 0;
  sluice::Status s = ccapproval::GenerateCsvFile(o.seed, o.rows, o.out, &bytes);
  if (!s.ok()) {
    std::cerr << "ccapproval generate: error: " << s.message() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote " << o.rows << " rows (" << bytes << " bytes, seed " << o.seed << ") to "
            << o.out << "\n";
  return kExitOk;
}

int RunTrain(const std::string& config_path) {
  auto config = ccapproval::LoadTrainConfig(config_path);
  if (!config.ok()) {
    std::cerr << "ccapproval train: error: " << config.status().message() << "\n";
    return kExitFailure;
  }
  auto outcome = ccapproval::Train(*config, sluice::DefaultClock());
  if (!outcome.ok()) {
    std::cerr << "ccapproval train: error: " << outcome.status().message() << "\n";
    return kExitFailure;
  }
  const ccapproval::ModelEvaluation& selected = outcome->selected;
  const ccapproval::ModelEvaluation& baseline = outcome->baseline;
  std::cout << "trained on " << outcome->train_rows << " rows, tested on " << outcome->test_rows
            << "\n"
            << "selected (group-unaware): test accuracy " << selected.test.accuracy
            << ", equal-opportunity gap " << selected.equal_opportunity_gap << " points\n"
            << "baseline (with Group):    test accuracy " << baseline.test.accuracy
            << ", equal-opportunity gap " << baseline.equal_opportunity_gap << " points\n"
            << "wrote " << config->model_file.string() << " and " << config->metrics_file.string()
            << "\n";
  return kExitOk;
}

int RunPredict(const std::string& model_path) {
  auto model = sluice::ml::LoadModel(model_path);
  if (!model.ok()) {
    std::cerr << "ccapproval predict: error: " << model.status().message() << "\n";
    return kExitFailure;
  }
  sluice::Status s = ccapproval::Predict(*model, std::cin, std::cout, "<stdin>");
  std::cout.flush();
  if (!s.ok()) {
    std::cerr << "ccapproval predict: error: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// CLI11 converts "-1" to an unsigned option by wrapping around (to 2^64 - 1),
// which for --rows would mean "write until the disk is full". Reject signs.
const CLI::Validator kUnsigned(
    [](const std::string& text) -> std::string {
      if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        return "must be a non-negative integer without a sign, got " + text;
      }
      return {};
    },
    "", "unsigned");

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ccapproval — the credit-card approval model's data-science CLI"};
  cli.name("ccapproval");
  cli.require_subcommand(1);

  GenerateOptions gen;
  int exit_code = kExitOk;
  auto* generate = cli.add_subcommand(
      "generate",
      "Write the synthetic credit-card dataset (integer-only SplitMix64; byte-for-byte "
      "reproducible for a given seed and row count)");
  generate->add_option("--seed", gen.seed, "Generator seed")
      ->check(kUnsigned)
      ->capture_default_str();
  generate->add_option("--rows", gen.rows, "Number of data rows (header excluded)")
      ->check(kUnsigned)
      ->capture_default_str();
  generate->add_option("--out", gen.out, "Output CSV file")->required();
  generate->callback([&] { exit_code = RunGenerate(gen); });

  std::string train_config;
  auto* train = cli.add_subcommand(
      "train",
      "Train the baseline and group-unaware trees; save the selected (unaware) model and "
      "the metrics JSON named in the config");
  train->add_option("--config", train_config, "Config YAML (data.load_file_path, "
                    "model.save_file_path, model.save_metrics_file_path)")
      ->required();
  train->callback([&] { exit_code = RunTrain(train_config); });

  ccapproval::TestOptions test_options;
  std::string test_model;
  auto* test = cli.add_subcommand(
      "test",
      "Check the trained model against the accuracy and fairness thresholds: JUnit XML, "
      "shared_env_variables.txt and model_metrics.html; exit 1 when a check fails");
  test->add_option("--metrics", test_options.metrics_file,
                   "Metrics JSON written by `ccapproval train`")
      ->required();
  test->add_option("--output-dir", test_options.output_dir,
                   "Folder for shared_env_variables.txt and model_metrics.html (created)")
      ->required();
  test->add_option("--junit", test_options.junit_file, "JUnit XML report to write")->required();
  test->add_option("--model", test_model,
                   "Model file for the report's tree (default: the metrics' model_file)");
  test->add_option("--min-accuracy", test_options.min_accuracy,
                   "Lowest passing test accuracy, a fraction in [0, 1]")
      ->capture_default_str();
  test->add_option("--max-fairness-gap", test_options.max_fairness_gap,
                   "Highest passing equal-opportunity gap, in percentage points")
      ->capture_default_str();
  test->callback([&] {
    if (!test_model.empty()) test_options.model_file = test_model;
    exit_code =
        ccapproval::RunTestCommand(test_options, sluice::DefaultClock(), std::cout, std::cerr);
  });

  std::string predict_model;
  auto* predict = cli.add_subcommand(
      "predict",
      "Score applications: one JSON object of features per stdin line in, one "
      "{\"prediction\": 0|1, \"probability\": p} line out (p: probability of approval)");
  predict->add_option("--model", predict_model, "Model file written by `ccapproval train`")
      ->required();
  predict->callback([&] { exit_code = RunPredict(predict_model); });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
