// The audit log (audit_log.h): appending, filtering, paging, and that the
// database itself refuses to change what was written.
#include "store/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using ::testing::HasSubstr;
using testing::MakeStateDir;
using testing::OpenOrDie;

AuditRecord Record(int64_t time_ms, std::string actor, std::string action,
                   std::string outcome = "success") {
  AuditRecord r;
  r.time_ms = time_ms;
  r.actor = std::move(actor);
  r.action = std::move(action);
  r.target = "bob";
  r.outcome = std::move(outcome);
  r.remote_address = "127.0.0.1";
  r.detail = {{"role", "viewer"}};
  return r;
}

TEST(AuditLogTest, AppendsAndReadsBackNewestFirstAfterReopening) {
  TempDir dir = MakeStateDir();
  {
    auto store = OpenOrDie(dir.path());
    AuditRecord a = Record(1'000, "local:root", "user.add");
    AuditRecord b = Record(2'000, "alice", "login", "denied");
    ASSERT_TRUE(store->audit().Append(&a).ok());
    ASSERT_TRUE(store->audit().Append(&b).ok());
    EXPECT_GT(b.id, a.id);
  }
  auto store = OpenOrDie(dir.path());
  auto all = store->audit().Query({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].action, "login");
  EXPECT_EQ((*all)[0].outcome, "denied");
  EXPECT_EQ((*all)[1].actor, "local:root");
  EXPECT_EQ((*all)[1].time_ms, 1'000);
  EXPECT_EQ((*all)[1].target, "bob");
  EXPECT_EQ((*all)[1].remote_address, "127.0.0.1");
  EXPECT_EQ((*all)[1].detail, nlohmann::json({{"role", "viewer"}}));
}

TEST(AuditLogTest, FiltersByTimeRangeActorAndAction) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  for (int i = 1; i <= 6; ++i) {
    AuditRecord r = Record(i * 1'000, i % 2 == 0 ? "alice" : "bob", i <= 3 ? "login" : "run");
    ASSERT_TRUE(store->audit().Append(&r).ok());
  }
  AuditQuery range;
  range.from_ms = 2'000;
  range.to_ms = 5'000;
  auto in_range = store->audit().Query(range);
  ASSERT_TRUE(in_range.ok());
  ASSERT_EQ(in_range->size(), 3u);
  EXPECT_EQ((*in_range)[0].time_ms, 4'000);
  EXPECT_EQ((*in_range)[2].time_ms, 2'000);

  AuditQuery by_actor;
  by_actor.actor = "alice";
  by_actor.action = "run";
  auto alice_runs = store->audit().Query(by_actor);
  ASSERT_TRUE(alice_runs.ok());
  ASSERT_EQ(alice_runs->size(), 2u);
  EXPECT_EQ((*alice_runs)[0].time_ms, 6'000);
  EXPECT_EQ((*alice_runs)[1].time_ms, 4'000);
}

TEST(AuditLogTest, PagesWithALimitAndTheLastIdSeen) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  for (int i = 1; i <= 5; ++i) {
    AuditRecord r = Record(i, "alice", "login");
    ASSERT_TRUE(store->audit().Append(&r).ok());
  }
  AuditQuery page;
  page.limit = 2;
  std::vector<int64_t> times;
  while (true) {
    auto records = store->audit().Query(page);
    ASSERT_TRUE(records.ok());
    if (records->empty()) break;
    ASSERT_LE(records->size(), 2u);
    for (const AuditRecord& r : *records) times.push_back(r.time_ms);
    page.before_id = records->back().id;
  }
  EXPECT_EQ(times, (std::vector<int64_t>{5, 4, 3, 2, 1}));
}

TEST(AuditLogTest, RefusesIncompleteRecords) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  AuditRecord no_action = Record(1'000, "alice", "");
  EXPECT_EQ(store->audit().Append(&no_action).code(), StatusCode::kInvalidArgument);
  AuditRecord no_time = Record(0, "alice", "login");
  EXPECT_EQ(store->audit().Append(&no_time).code(), StatusCode::kInvalidArgument);
  AuditRecord bad_detail = Record(1'000, "alice", "login");
  bad_detail.detail = nlohmann::json::array();
  Status s = store->audit().Append(&bad_detail);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("must be a JSON object"));
}

// The log is append-only in the database too, not only by the interface:
// another program writing to sluice.db cannot rewrite history quietly.
TEST(AuditLogTest, TheDatabaseRefusesUpdatesAndDeletes) {
  TempDir dir = MakeStateDir();
  {
    auto store = OpenOrDie(dir.path());
    AuditRecord r = Record(1'000, "alice", "login");
    ASSERT_TRUE(store->audit().Append(&r).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "sluice.db").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor = 'mallory'", nullptr, nullptr, &error),
            SQLITE_OK);
  EXPECT_THAT(std::string(error != nullptr ? error : ""), HasSubstr("append-only"));
  sqlite3_free(error);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenOrDie(dir.path());
  auto records = store->audit().Query({});
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].actor, "alice");
}

}  // namespace
}  // namespace sluice::store
