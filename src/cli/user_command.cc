// sluice user add NAME [--email E] [--role R] [--password-stdin] | passwd NAME
// | rm NAME | list [--json]: the users sluice server signs in.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/accounts_cli.h"
#include "common/clock.h"
#include "server/accounts.h"

namespace sluice::cli {

int RunUserAdd(App& app, const UserAddArgs& args, CommandIo& io) {
  auto role = server::ParseRole(args.role);
  if (!role.ok()) return ReportError(io, role.status());
  // Check the cheap things before asking for a password.
  if (Status s = store::CheckUserName(args.name); !s.ok()) return ReportError(io, s);
  if (Status s = server::CheckEmail(args.email); !s.ok()) return ReportError(io, s);
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  auto password = ReadNewPassword(io, args.password_stdin);
  if (!password.ok()) return ReportError(io, password.status());
  server::NewUser user{args.name, args.email, args.display_name, *role, std::move(*password)};
  if (Status s = accounts.AddUser(io.actor, user); !s.ok()) return ReportError(io, s);
  io.out << "user " << args.name << " added with role " << server::RoleName(*role) << "\n";
  return kExitOk;
}

int RunUserPasswd(App& app, const std::string& name, bool password_stdin, CommandIo& io) {
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  auto password = ReadNewPassword(io, password_stdin);
  if (!password.ok()) return ReportError(io, password.status());
  if (Status s = accounts.SetPassword(io.actor, name, *password); !s.ok())
    return ReportError(io, s);
  io.out << "password of " << name << " changed; its browser sessions were ended\n";
  return kExitOk;
}

int RunUserRm(App& app, const std::string& name, CommandIo& io) {
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  if (Status s = accounts.RemoveUser(io.actor, name); !s.ok()) return ReportError(io, s);
  io.out << "user " << name << " removed with its API tokens and sessions\n";
  return kExitOk;
}

int RunUserList(App& app, bool json, CommandIo& io) {
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  auto users = accounts.ListUsers();
  if (!users.ok()) return ReportError(io, users.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const store::UserRecord& u : *users) {
      out.push_back({{"name", u.name},
                     {"email", u.email},
                     {"displayName", u.display_name},
                     {"role", u.role},
                     {"createdAt", FormatTimestamp(u.created_ms)},
                     {"disabled", u.disabled}});
    }
    io.out << out.dump(2) << "\n";
    return kExitOk;
  }
  if (users->empty()) {
    io.out << "no users yet (add one with `sluice user add NAME --role admin`)\n";
    return kExitOk;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-24s  %-8s  %-30s  %-24s  %s\n", "NAME", "ROLE", "EMAIL",
                "CREATED", "STATE");
  io.out << line;
  for (const store::UserRecord& u : *users) {
    std::snprintf(line, sizeof line, "%-24s  %-8s  %-30s  %-24s  %s\n", u.name.c_str(),
                  u.role.c_str(), u.email.empty() ? "-" : u.email.c_str(),
                  FormatTimestamp(u.created_ms).c_str(), u.disabled ? "disabled" : "active");
    io.out << line;
  }
  return kExitOk;
}

void AddUserCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("user", "Manage the users sluice server signs in");
  cmd->require_subcommand(1);

  auto add_args = std::make_shared<UserAddArgs>();
  auto* add = cmd->add_subcommand("add", "Add a user; asks for the password twice");
  add->add_option("name", add_args->name, "User name (letters, digits, . _ @ -)")->required();
  add->add_option("--email", add_args->email, "E-mail address (user groups may list it)");
  add->add_option("--display-name", add_args->display_name, "Name to show");
  add->add_option("--role", add_args->role, "viewer | executor | approver | admin")
      ->capture_default_str();
  add->add_flag("--password-stdin", add_args->password_stdin,
                "Read the password from one line of stdin");
  add->callback([&options, add_args] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunUserAdd(app, *add_args, io));
  });

  struct PasswdArgs {
    std::string name;
    bool password_stdin = false;
  };
  auto passwd_args = std::make_shared<PasswdArgs>();
  auto* passwd = cmd->add_subcommand("passwd", "Change a user's password");
  passwd->add_option("name", passwd_args->name, "User name")->required();
  passwd->add_flag("--password-stdin", passwd_args->password_stdin,
                   "Read the password from one line of stdin");
  passwd->callback([&options, passwd_args] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunUserPasswd(app, passwd_args->name, passwd_args->password_stdin, io));
  });

  auto rm_name = std::make_shared<std::string>();
  auto* rm = cmd->add_subcommand("rm", "Remove a user with its API tokens and sessions");
  rm->add_option("name", *rm_name, "User name")->required();
  rm->callback([&options, rm_name] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunUserRm(app, *rm_name, io));
  });

  auto list_json = std::make_shared<bool>(false);
  auto* list = cmd->add_subcommand("list", "List users (never passwords)");
  list->add_flag("--json", *list_json, "Print JSON");
  list->callback([&options, list_json] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunUserList(app, *list_json, io));
  });
}

}  // namespace sluice::cli
