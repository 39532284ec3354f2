// sluice: run Harness v0 pipelines on your own machine. This file only
// dispatches to the subcommands (one file each in src/cli/).
#include <CLI/CLI.hpp>

#include "cli/app.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  sluice::cli::GlobalOptions options;
  CLI::App cli{"sluice — a self-hosted MLOps CI/CD engine that runs Harness pipeline YAML locally"};
  cli.name("sluice");
  cli.set_version_flag("--version", "sluice " SLUICE_VERSION);
  cli.add_option("-C,--project", options.project, "Project directory (default: .)");
  cli.add_option("--state", options.state, "State directory (default: <project>/.sluice)");
  cli.add_flag("-v,--verbose", options.verbose, "Stream step logs while running");
  cli.require_subcommand(1);
  cli.fallthrough();

  sluice::cli::AddValidateCommand(cli, options);
  sluice::cli::AddRunCommand(cli, options);
  sluice::cli::AddExecutionsCommand(cli, options);
  sluice::cli::AddResumeCommand(cli, options);
  sluice::cli::AddRetryCommand(cli, options);
  sluice::cli::AddAbortCommand(cli, options);
  sluice::cli::AddInterveneCommand(cli, options);
  sluice::cli::AddApproveCommand(cli, options);
  sluice::cli::AddSecretCommand(cli, options);
  sluice::cli::AddPolicyCommand(cli, options);
  sluice::cli::AddImageCommand(cli, options);
  sluice::cli::AddVulnDbCommand(cli, options);
  sluice::cli::AddFunctionsCommand(cli, options);
  sluice::cli::AddUserCommand(cli, options);
  sluice::cli::AddTokenCommand(cli, options);
  sluice::cli::AddServerCommand(cli, options);
  sluice::cli::AddHooksCommand(cli, options);
  sluice::cli::AddTriggerCommand(cli, options);
  sluice::cli::AddAlertsCommand(cli, options);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : sluice::cli::kExitUsage;
  }
  return 0;
}
