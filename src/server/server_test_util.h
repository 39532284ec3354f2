// Helpers shared by the server tests: a real store in a temporary state
// directory, a fixed clock, and reading back the audit log.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/files.h"
#include "server/accounts.h"
#include "store/store.h"

namespace sluice::server::testing {

class AuthFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-server-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto store = store::Store::Open(dir_->path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    accounts_ = std::make_unique<Accounts>(store_->auth(), store_->audit(), clock_);
  }

  // Adds a user with password "<name>-password".
  void AddUser(const std::string& name, Role role, const std::string& email = "") {
    NewUser u;
    u.name = name;
    u.email = email;
    u.role = role;
    u.password = name + "-password";
    Status s = accounts_->AddUser(admin_, u);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The audit log, oldest first.
  std::vector<store::AuditRecord> AuditTrail() {
    auto records = store_->audit().Query({.limit = 1000});
    EXPECT_TRUE(records.ok());
    std::vector<store::AuditRecord> out(records->rbegin(), records->rend());
    return out;
  }

  // The audit log as one text, to search for what must not be there.
  std::string AuditText() {
    std::string text;
    for (const auto& r : AuditTrail()) {
      text += r.actor + " " + r.action + " " + r.target + " " + r.outcome + " " + r.remote_address +
              " " + r.detail.dump() + "\n";
    }
    return text;
  }

  FakeClock clock_;
  const Actor admin_{"local:root", ""};
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

}  // namespace sluice::server::testing
