// What every subcommand needs: global options, and opening the project, the
// state directory, the store and the secret store the same way everywhere.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "common/status.h"
#include "engine/step.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "store/store.h"

namespace sluice::cli {

struct GlobalOptions {
  std::string project = ".";
  std::string state;  // default: <project>/.sluice
  bool verbose = false;
};

// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the pipeline failed / validation errors
inline constexpr int kExitUsage = 2;     // bad flags or input
inline constexpr int kExitWaiting = 3;   // the execution waits for an approval

class App {
 public:
  explicit App(const GlobalOptions& options) : options_(options) {}

  std::filesystem::path ProjectDir() const;
  std::filesystem::path StateDir() const;

  Result<store::Store*> Store();
  Result<secrets::SecretStore*> Secrets();
  const engine::StepRegistry& Steps();

  const GlobalOptions& options() const { return options_; }

 private:
  GlobalOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<secrets::SecretStore> secrets_;
  std::unique_ptr<engine::StepRegistry> steps_;
};

// A server's --addr: "HOST:PORT" (port 0 for a free one) as (host, port);
// InvalidArgument naming `flag` otherwise.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& flag,
                                                           const std::string& addr);

// Prints "sluice: <message>" to stderr and returns kExitUsage / kExitFailed.
int Fail(const Status& status, int code = kExitFailed);

// Each subcommand registers itself on the CLI11 app and runs when chosen.
void AddValidateCommand(CLI::App& cli, GlobalOptions& options);
void AddRunCommand(CLI::App& cli, GlobalOptions& options);
void AddExecutionsCommand(CLI::App& cli, GlobalOptions& options);
void AddResumeCommand(CLI::App& cli, GlobalOptions& options);
void AddRetryCommand(CLI::App& cli, GlobalOptions& options);
void AddAbortCommand(CLI::App& cli, GlobalOptions& options);
void AddSecretCommand(CLI::App& cli, GlobalOptions& options);
void AddInterveneCommand(CLI::App& cli, GlobalOptions& options);
void AddPolicyCommand(CLI::App& cli, GlobalOptions& options);
void AddImageCommand(CLI::App& cli, GlobalOptions& options);
void AddVulnDbCommand(CLI::App& cli, GlobalOptions& options);
void AddFunctionsCommand(CLI::App& cli, GlobalOptions& options);
void AddUserCommand(CLI::App& cli, GlobalOptions& options);
void AddTokenCommand(CLI::App& cli, GlobalOptions& options);
void AddApproveCommand(CLI::App& cli, GlobalOptions& options);
void AddServerCommand(CLI::App& cli, GlobalOptions& options);
void AddHooksCommand(CLI::App& cli, GlobalOptions& options);
void AddTriggerCommand(CLI::App& cli, GlobalOptions& options);
void AddAlertsCommand(CLI::App& cli, GlobalOptions& options);
// `functions serve` (functions_serve.cc), added by AddFunctionsCommand.
void AddFunctionsServeCommand(CLI::App& functions_cmd, GlobalOptions& options);
// `image scan` (image_scan_command.cc), added by AddImageCommand.
void AddImageScanCommand(CLI::App& image_cmd, GlobalOptions& options);
// `policy eval` (policy_eval_command.cc) and `policy test`
// (policy_test_command.cc), added by AddPolicyCommand.
void AddPolicyEvalCommand(CLI::App& policy_cmd);
void AddPolicyTestCommand(CLI::App& policy_cmd);

}  // namespace sluice::cli
