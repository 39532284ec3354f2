#include "store/migrations.h"

#include <gtest/gtest.h>

#include <vector>

#include <string>

#include "store/statement.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;

// A raw connection for building databases by hand.
DbPtr RawOpen(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);
  EXPECT_EQ(rc, SQLITE_OK);
  return db;
}

void Exec(sqlite3* db, const std::string& sql) {
  Status s = ExecSql(db, sql, "test setup");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

int UserVersion(sqlite3* db) {
  auto v = SchemaVersion(db);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : -1;
}

TEST(StoreMigrationTest, EmptyVersionZeroDatabaseIsMigrated) {
  TempDir dir = MakeStateDir();
  {
    DbPtr db = RawOpen(dir.path() / "sluice.db");
    Exec(db.get(), "PRAGMA user_version = 0; CREATE TABLE unrelated_scratch (x); DROP TABLE unrelated_scratch");
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), static_cast<int>(SchemaMigrations().size()));
  ExecutionRecord rec = testing::SampleExecution();
  EXPECT_TRUE(store->CreateExecution(&rec).ok());
}

TEST(StoreMigrationTest, HandMadeVersionOneDatabaseOpensWithItsData) {
  TempDir dir = MakeStateDir();
  {
    // A version-1 database as an older sluice left it: rollback journal,
    // rows written with the persisted column names.
    DbPtr db = RawOpen(dir.path() / "sluice.db");
    Exec(db.get(), std::string(SchemaMigrations()[0].sql));
    Exec(db.get(),
         "INSERT INTO executions (id, pipeline_id, pipeline_name, sequence_id, status, started_ms, inputs_json) "
         "VALUES ('legacy-id-1', 'p', 'P', 7, 'Success', 10, '{\"k\":\"v\"}');"
         "INSERT INTO nodes (execution_id, path, status, outputs_json) "
         "VALUES ('legacy-id-1', 'S.step', 'Success', '{\"o\":1}');"
         "PRAGMA user_version = 1;");
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  auto rec = store->FindExecution("legacy");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(rec->sequence_id, 7);
  EXPECT_EQ(rec->inputs, (nlohmann::json{{"k", "v"}}));
  EXPECT_EQ(rec->trigger_type, "MANUAL");  // the column default
  auto nodes = store->GetNodes("legacy-id-1");
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ(nodes->front().outputs, (nlohmann::json{{"o", 1}}));

  ExecutionRecord next = testing::SampleExecution("p");
  ASSERT_TRUE(store->CreateExecution(&next).ok());
  EXPECT_EQ(next.sequence_id, 8);
}

TEST(StoreMigrationTest, DatabaseFromANewerSluiceIsRefusedUntouched) {
  TempDir dir = MakeStateDir();
  const int newer = static_cast<int>(SchemaMigrations().size()) + 1;
  {
    DbPtr db = RawOpen(dir.path() / "sluice.db");
    Exec(db.get(), "CREATE TABLE future (x); PRAGMA user_version = " + std::to_string(newer));
  }
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  const std::string msg = store.status().message();
  EXPECT_NE(msg.find("sluice.db"), std::string::npos) << msg;
  EXPECT_NE(msg.find("schema version " + std::to_string(newer)), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer sluice"), std::string::npos) << msg;

  DbPtr db = RawOpen(dir.path() / "sluice.db");
  EXPECT_EQ(UserVersion(db.get()), newer);
}

TEST(StoreMigrationTest, AppendedMigrationRunsOnceAndKeepsData) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = testing::SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  store.reset();

  // sluice's migrations plus one more, as the next release would append it.
  std::vector<Migration> with_two(SchemaMigrations().begin(), SchemaMigrations().end());
  const int next = static_cast<int>(with_two.size()) + 1;
  with_two.push_back({next, "ALTER TABLE nodes ADD COLUMN note TEXT NOT NULL DEFAULT ''"});
  DbPtr db = RawOpen(dir.path() / "sluice.db");
  auto v = Migrate(db.get(), with_two);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, next);
  EXPECT_EQ(UserVersion(db.get()), next);
  // Running it again is a no-op (the ALTER would fail a second time).
  v = Migrate(db.get(), with_two);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  Exec(db.get(), "SELECT note FROM nodes");

  auto stmt = Statement::Prepare(db.get(), "SELECT count(*) FROM executions");
  ASSERT_TRUE(stmt.ok());
  Query q(*stmt, "counting");
  auto row = q.Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(q.Int(0), 1);
}

TEST(StoreMigrationTest, FailedMigrationLeavesTheOldVersion) {
  TempDir dir = MakeStateDir();
  OpenOrDie(dir.path()).reset();
  std::vector<Migration> broken(SchemaMigrations().begin(), SchemaMigrations().end());
  const int current = static_cast<int>(broken.size());
  broken.push_back({current + 1, "CREATE TABLE half_done (x); SELECT * FROM no_such_table"});
  DbPtr db = RawOpen(dir.path() / "sluice.db");
  auto v = Migrate(db.get(), broken);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("from version " + std::to_string(current) + " to " +
                                      std::to_string(current + 1)),
            std::string::npos)
      << v.status().message();
  EXPECT_NE(v.status().message().find("no_such_table"), std::string::npos) << v.status().message();
  EXPECT_EQ(UserVersion(db.get()), current);
  Status s = ExecSql(db.get(), "SELECT * FROM half_done", "probe");
  EXPECT_FALSE(s.ok()) << "the partial migration was not rolled back";
}

}  // namespace
}  // namespace sluice::store
