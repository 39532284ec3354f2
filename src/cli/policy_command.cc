// sluice policy conformance DIR [--verbose] [--json FILE] [--min-pass-rate SPEC|FILE]
//                                [--case-timeout SECONDS] [--in-process]:
// runs OPA's Rego conformance cases below DIR on sluice's evaluator, the
// way OPA's harness runs them (policy/conformance.h), each in a worker
// process so a crash or hang fails one case, and prints a line per
// category and last "N passed, M failed". Exit 0 when every tree meets its
// minimum pass rate (none by default), 1 when one does not, 2 on usage
// errors and an unreadable DIR.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/app.h"
#include "common/files.h"
#include "policy/conformance.h"
#include "policy/query.h"

namespace sluice::cli {

namespace {

namespace conformance = policy::conformance;

struct ConformanceOptions {
  std::string dir;
  bool verbose = false;
  std::string json_path;
  std::string min_pass_rate;  // "v0=0.9,v1=0.9" or a baseline file
  double case_timeout_seconds = 10;
  bool in_process = false;
};

// A baseline file when one exists at `arg`, else a TREE=RATE list.
Result<conformance::PassRates> MinimumPassRates(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) {
    Result<std::string> text = ReadFile(arg);
    if (!text.ok()) return text.status();
    return conformance::ParseBaseline(*text, arg);
  }
  if (arg.find('=') == std::string::npos) {
    return Status::InvalidArgument("--min-pass-rate: no baseline file " + arg +
                                   " (or give TREE=RATE,... e.g. v0=0.9,v1=0.9)");
  }
  Result<conformance::PassRates> rates = conformance::ParsePassRates(arg);
  if (!rates.ok()) return rates.status().Annotate("--min-pass-rate");
  return rates;
}

// Problems in the case files that are not failures of a case.
void PrintLoadNotes(const conformance::Suite& suite) {
  constexpr size_t kMaxShown = 20;
  for (size_t i = 0; i < suite.warnings.size() && i < kMaxShown; ++i) {
    std::cerr << "warning: " << suite.warnings[i] << "\n";
  }
  if (suite.warnings.size() > kMaxShown) {
    std::cerr << "warning: ... and " << suite.warnings.size() - kMaxShown << " more\n";
  }
  if (!suite.skipped_files.empty()) {
    std::cerr << "note: skipped " << suite.skipped_files.size()
              << " file(s) that are not YAML case files:";
    for (size_t i = 0; i < suite.skipped_files.size() && i < 5; ++i) {
      std::cerr << " " << suite.skipped_files[i];
    }
    std::cerr << (suite.skipped_files.size() > 5 ? " ...\n" : "\n");
  }
}

int RunConformance(const ConformanceOptions& options, bool global_verbose) {
  conformance::PassRates minimums;
  if (!options.min_pass_rate.empty()) {
    Result<conformance::PassRates> rates = MinimumPassRates(options.min_pass_rate);
    if (!rates.ok()) return Fail(rates.status(), kExitUsage);
    minimums = std::move(rates).value();
  }
  Result<conformance::Suite> suite = conformance::LoadSuite(options.dir);
  if (!suite.ok()) return Fail(suite.status().Annotate("conformance cases"), kExitUsage);
  PrintLoadNotes(*suite);

  conformance::RunOptions run_options;
  run_options.isolate = !options.in_process;
  run_options.case_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.case_timeout_seconds * 1000.0));
  conformance::Report report = conformance::RunSuite(*suite, policy::RunQuery, run_options);
  std::cout << conformance::FormatReport(report, options.verbose || global_verbose) << std::flush;
  if (report.crashed > 0 || report.timed_out > 0) {
    std::cerr << "note: " << report.crashed << " case(s) crashed the evaluator and "
              << report.timed_out << " timed out (counted as failed; --verbose lists them)\n";
  }

  if (!options.json_path.empty()) {
    Status s = WriteFileAtomic(options.json_path, conformance::ReportJson(report));
    if (!s.ok()) return Fail(s.Annotate("--json " + options.json_path), kExitUsage);
  }
  std::vector<std::string> problems = conformance::CheckPassRates(report, minimums);
  for (const std::string& p : problems) std::cerr << "sluice: " << p << "\n";
  if (!problems.empty()) return kExitFailed;
  if (!minimums.empty()) {
    std::cerr << "pass rates meet the minimums (";
    const char* sep = "";
    for (const auto& [tree, rate] : minimums) {
      std::cerr << sep << tree << " >= " << rate * 100.0 << "%";
      sep = ", ";
    }
    std::cerr << ")\n";
  }
  return kExitOk;
}

}  // namespace

void AddPolicyCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("policy", "Rego policies: evaluate queries, run policy tests and OPA's conformance suite");
  cmd->require_subcommand(1);

  auto conf = std::make_shared<ConformanceOptions>();
  auto* run = cmd->add_subcommand("conformance",
                                  "Run OPA's Rego conformance cases (v0/ and v1/ trees) below DIR");
  run->add_option("dir", conf->dir, "Directory of OPA conformance YAML files")->required();
  run->add_flag("--verbose", conf->verbose,
                "List every failing case with its file, expected and actual result");
  run->add_option("--json", conf->json_path, "Also write a JSON summary to FILE (for CI)");
  run->add_option("--min-pass-rate", conf->min_pass_rate,
                  "Minimum pass rate per tree: v0=0.9,v1=95% or a baseline file of "
                  "'TREE RATE' lines (or an earlier --json summary); exit 1 below it");
  run->add_option("--case-timeout", conf->case_timeout_seconds,
                  "Seconds a case may run before it fails as timed out (0: no limit)")
      ->default_val(10)
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--in-process", conf->in_process,
                "Run cases in this process, not in a worker process: a crash ends the run "
                "(for debuggers)");
  run->callback([&options, conf] { std::exit(RunConformance(*conf, options.verbose)); });

  AddPolicyEvalCommand(*cmd);
  AddPolicyTestCommand(*cmd);
}

}  // namespace sluice::cli
