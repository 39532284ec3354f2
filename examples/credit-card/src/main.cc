// ccapproval: the credit-card demo's data-science CLI. This file
// parses the command line and dispatches; the work lives in the library
// (ccapproval_core), one *_command file per subcommand.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "common/clock.h"
#include "generate_command.h"
#include "handler_command.h"
#include "ml/model_file.h"
#include "predict_command.h"
#include "test_command.h"
#include "train_command.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Predict with stdin and stdout: the one subcommand whose streams are the
// data itself, so main owns them.
int RunPredict(const std::string& model_path) {
  auto model = sluice::ml::LoadModel(model_path);
  if (!model.ok()) {
    std::cerr << "ccapproval predict: error: " << model.status().message() << "\n";
    return kExitFailure;
  }
  sluice::Status s = ccapproval::Predict(*model, std::cin, std::cout, "<stdin>");
  // Predict flushes and checks; this covers what an error path left buffered.
  std::cout.flush();
  if (s.ok() && !std::cout) {
    s = sluice::Status::IoError("cannot write the predictions to stdout");
  }
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

// An empty path would fail late and obscurely ("cannot rename .tmp.N to :").
const CLI::Validator kPath(
    [](const std::string& text) -> std::string {
      return text.empty() ? "must be a path, got an empty string" : "";
    },
    "", "path");

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ccapproval — the credit-card approval model's data-science CLI"};
  cli.name("ccapproval");
  cli.require_subcommand(1);

  ccapproval::GenerateOptions gen;
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
  generate->add_option("--out", gen.out, "Output CSV file")->required()->check(kPath);
  generate->callback(
      [&] { exit_code = ccapproval::RunGenerateCommand(gen, std::cout, std::cerr); });

  std::filesystem::path train_config;
  auto* train = cli.add_subcommand(
      "train",
      "Train the baseline and group-unaware trees; save the selected (unaware) model and "
      "the metrics JSON named in the config");
  train
      ->add_option("--config", train_config,
                   "Config YAML (data.load_file_path, "
                   "model.save_file_path, model.save_metrics_file_path)")
      ->required()
      ->check(kPath);
  train->callback([&] {
    exit_code =
        ccapproval::RunTrainCommand(train_config, sluice::DefaultClock(), std::cout, std::cerr);
  });

  ccapproval::TestOptions test_options;
  std::string test_model;
  auto* test = cli.add_subcommand(
      "test",
      "Check the trained model against the accuracy and fairness thresholds: JUnit XML, "
      "shared_env_variables.txt and model_metrics.html; exit 1 when a check fails");
  test->add_option("--metrics", test_options.metrics_file,
                   "Metrics JSON written by `ccapproval train`")
      ->required()
      ->check(kPath);
  test->add_option("--output-dir", test_options.output_dir,
                   "Folder for shared_env_variables.txt and model_metrics.html (created)")
      ->required()
      ->check(kPath);
  test->add_option("--junit", test_options.junit_file, "JUnit XML report to write")
      ->required()
      ->check(kPath);
  test->add_option("--model", test_model,
                   "Model file for the report's tree (default: the metrics' model_file)")
      ->check(kPath);
  test->add_option("--min-accuracy", test_options.min_accuracy,
                   "Lowest passing test accuracy, a fraction in [0, 1]")
      ->capture_default_str();
  test->add_option("--max-fairness-gap", test_options.max_fairness_gap,
                   "Highest passing equal-opportunity gap, in percentage points. The metrics "
                   "store the raw difference of the two rounded rates (7.35 is stored as "
                   "7.3500000000000085), so a limit equal to the printed gap fails by ~1e-14")
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
      ->required()
      ->check(kPath);
  predict->callback([&] { exit_code = RunPredict(predict_model); });

  ccapproval::HandlerOptions handler_options;
  auto* handler = cli.add_subcommand(
      "handler",
      "Run as the credit-card function: answer the Lambda Runtime API at "
      "$AWS_LAMBDA_RUNTIME_API (direct events and function-URL events) until it goes away");
  handler->add_option("--model", handler_options.model, "Model file written by `ccapproval train`")
      ->check(kPath)
      ->capture_default_str();
  handler->callback([&] {
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    handler_options.runtime_api = api == nullptr ? "" : api;
    exit_code = ccapproval::RunHandlerCommand(handler_options, std::cerr);
  });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
