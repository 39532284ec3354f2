// sluice secret set ID | list | rm ID. Values come from stdin only, so they
// never appear in shell history or `ps`.
#include <unistd.h>

#include <iostream>
#include <iterator>

#include "cli/app.h"

namespace sluice::cli {

void AddSecretCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("secret", "Manage encrypted secrets for <+secrets.getValue(\"id\")>");
  cmd->require_subcommand(1);

  auto set_id = std::make_shared<std::string>();
  auto* set = cmd->add_subcommand("set", "Store a secret; the value is read from stdin");
  set->add_option("id", *set_id, "Secret identifier")->required();
  set->callback([&options, set_id] {
    App app(options);
    auto secrets = app.Secrets();
    if (!secrets.ok()) std::exit(Fail(secrets.status()));
    if (isatty(STDIN_FILENO)) std::cerr << "value for " << *set_id << " (end with Ctrl-D): " << std::flush;
    std::string value((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    // `echo value | sluice secret set` adds one newline that is not part of the value.
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    if (value.empty()) std::exit(Fail(Status::InvalidArgument("empty value: pipe the secret into stdin"), kExitUsage));
    Status s = (*secrets)->Set(*set_id, value);
    if (!s.ok()) std::exit(Fail(s, kExitUsage));
    std::cout << "secret " << *set_id << " stored\n";
    std::exit(kExitOk);
  });

  auto* list = cmd->add_subcommand("list", "List secret identifiers (never values)");
  list->callback([&options] {
    App app(options);
    auto secrets = app.Secrets();
    if (!secrets.ok()) std::exit(Fail(secrets.status()));
    auto ids = (*secrets)->List();
    if (!ids.ok()) std::exit(Fail(ids.status()));
    for (const auto& id : *ids) std::cout << id << "\n";
    std::exit(kExitOk);
  });

  auto rm_id = std::make_shared<std::string>();
  auto* rm = cmd->add_subcommand("rm", "Delete a secret");
  rm->add_option("id", *rm_id, "Secret identifier")->required();
  rm->callback([&options, rm_id] {
    App app(options);
    auto secrets = app.Secrets();
    if (!secrets.ok()) std::exit(Fail(secrets.status()));
    Status s = (*secrets)->Remove(*rm_id);
    if (!s.ok()) std::exit(Fail(s, kExitUsage));
    std::cout << "secret " << *rm_id << " removed\n";
    std::exit(kExitOk);
  });
}

}  // namespace sluice::cli
