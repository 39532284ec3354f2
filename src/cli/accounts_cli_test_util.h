// Running the account commands (accounts_cli.h) in tests: a state directory
// of its own, stdin text, a scripted terminal, and what was printed.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/accounts_cli.h"
#include "common/files.h"

namespace sluice::cli::testing {

class AccountsCliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-cli-accounts-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    options_.project = dir_->path().string();
    options_.state = (dir_->path() / "state").string();
  }

  // A fresh CommandIo reading `stdin_text`; when `terminal_lines` is given
  // stdin is a terminal answering each hidden prompt with the next line.
  CommandIo& Io(std::string stdin_text = "", std::vector<std::string> terminal_lines = {},
                bool terminal = false) {
    in_.str(std::move(stdin_text));
    in_.clear();
    out_.str("");
    err_.str("");
    prompts_.clear();
    terminal_lines_ = std::move(terminal_lines);
    io_ = std::make_unique<CommandIo>(
        CommandIo{in_, out_, err_, terminal,
                  [this](std::string_view prompt) -> Result<std::string> {
                    prompts_.emplace_back(prompt);
                    if (terminal_lines_.empty())
                      return Status::InvalidArgument("no password entered");
                    std::string line = terminal_lines_.front();
                    terminal_lines_.erase(terminal_lines_.begin());
                    return line;
                  },
                  server::Actor{"local:tester", ""}});
    return *io_;
  }

  store::Store& Store() {
    if (!app_) app_ = std::make_unique<App>(options_);
    auto store = app_->Store();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return **store;
  }

  // Adds `name` with password "<name>-password" through the command.
  void AddUser(const std::string& name, const std::string& role) {
    App app(options_);
    UserAddArgs args;
    args.name = name;
    args.role = role;
    args.password_stdin = true;
    ASSERT_EQ(RunUserAdd(app, args, Io(name + "-password\n")), kExitOk) << err_.str();
  }

  std::unique_ptr<TempDir> dir_;
  GlobalOptions options_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::vector<std::string> prompts_;
  std::vector<std::string> terminal_lines_;
  std::unique_ptr<CommandIo> io_;
  std::unique_ptr<App> app_;
};

}  // namespace sluice::cli::testing
