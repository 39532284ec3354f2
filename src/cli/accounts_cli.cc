// What `sluice user` and `sluice token` share: reading passwords (from a
// terminal without echo, or one line of stdin for scripts) and reporting
// errors.
#include "cli/accounts_cli.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "common/clock.h"
#include "server/password.h"

namespace sluice::cli {

namespace {

// Reads one line from the terminal on stdin with echo off, restoring the
// terminal's mode afterwards.
Result<std::string> ReadHiddenLine(std::string_view prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool have_mode = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (have_mode) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (have_mode) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!got) return Status::InvalidArgument("no password entered");
  return line;
}

}  // namespace

CommandIo StandardIo() {
  return CommandIo{std::cin, std::cout, std::cerr, ::isatty(STDIN_FILENO) != 0, ReadHiddenLine};
}

Result<std::string> ReadNewPassword(CommandIo& io, bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(io.in, password)) {
      return Status::InvalidArgument("--password-stdin: stdin is empty; pipe the password in");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    if (!io.terminal || !io.read_hidden) {
      return Status::InvalidArgument(
          "no terminal to ask for the password on: pipe it in with --password-stdin");
    }
    SLUICE_ASSIGN_OR_RETURN(password, io.read_hidden("new password: "));
    SLUICE_ASSIGN_OR_RETURN(std::string again, io.read_hidden("repeat it: "));
    if (again != password) return Status::InvalidArgument("the two passwords differ; try again");
  }
  SLUICE_RETURN_IF_ERROR(server::CheckNewPassword(password));
  return password;
}

server::Accounts AccountsOf(store::Store& store) {
  return server::Accounts(store.auth(), store.audit(), DefaultClock());
}

int ReportError(CommandIo& io, const Status& status) {
  io.err << "sluice: " << status.message() << "\n";
  const bool usage = status.code() == StatusCode::kInvalidArgument ||
                     status.code() == StatusCode::kNotFound ||
                     status.code() == StatusCode::kAlreadyExists;
  return usage ? kExitUsage : kExitFailed;
}

}  // namespace sluice::cli
