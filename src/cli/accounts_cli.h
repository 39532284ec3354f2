// `sluice user ...` and `sluice token ...` (user_command.cc,
// token_command.cc): the commands as functions over streams, so tests can
// run them without a terminal or a process of their own. The work itself is
// server::Accounts (server/accounts.h); these read passwords, print and
// turn errors into exit codes. Every change is audited with the actor
// "local:<os user>".
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "cli/app.h"
#include "common/status.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "store/store.h"

namespace sluice::cli {

// Where a command reads and writes. `terminal` says whether `in` is one:
// then passwords are asked for with `read_hidden` (no echo), twice.
struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool terminal = false;
  std::function<Result<std::string>(std::string_view prompt)> read_hidden;
  server::Actor actor = server::LocalActor();
};

// The real thing: std::cin/cout/cerr, the terminal if stdin is one.
CommandIo StandardIo();

// A new password: from one line of `io.in` when `from_stdin` (the newline
// dropped), else asked twice on the terminal; InvalidArgument when there
// is no terminal, the two differ, or it breaks server::CheckNewPassword.
Result<std::string> ReadNewPassword(CommandIo& io, bool from_stdin);

// Prints "sluice: <message>" on io.err; returns kExitUsage for bad input
// (invalid, unknown or taken names), kExitFailed for the rest.
int ReportError(CommandIo& io, const Status& status);

// The accounts of `store`, stamped with the system clock.
server::Accounts AccountsOf(store::Store& store);

struct UserAddArgs {
  std::string name;
  std::string email;
  std::string display_name;
  std::string role = "viewer";
  bool password_stdin = false;
};
int RunUserAdd(App& app, const UserAddArgs& args, CommandIo& io);
int RunUserPasswd(App& app, const std::string& name, bool password_stdin, CommandIo& io);
int RunUserRm(App& app, const std::string& name, CommandIo& io);
int RunUserList(App& app, bool json, CommandIo& io);

struct TokenCreateArgs {
  std::string user;
  std::string label;
  std::string expires;  // a duration ("30d"); "" = never
};
int RunTokenCreate(App& app, const TokenCreateArgs& args, CommandIo& io);
int RunTokenList(App& app, const std::string& user, bool json, CommandIo& io);
int RunTokenRevoke(App& app, const std::string& id, CommandIo& io);

}  // namespace sluice::cli
