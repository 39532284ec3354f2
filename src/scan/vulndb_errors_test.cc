// VulnDb's failures: databases it must not use, sources it cannot read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/files.h"
#include "scan/vulndb.h"
#include "scan/vulndb_test_util.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vulndb_test::OsvEntryText;
using vulndb_test::WriteTextFile;
using vulndb_test::WriteZip;

class VulnDbErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("vulndb-error-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<TempDir>(std::move(*dir));
  }

  fs::path Dir() const { return dir_->path(); }

  // Runs `sql` on `file` with the plain sqlite API, as another program would.
  static void RunSql(const fs::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(VulnDbErrorTest, AnotherSchemaVersionIsFailedPreconditionSayingToImportAgain) {
  fs::path file = Dir() / "vulndb.sqlite";
  ASSERT_TRUE(VulnDb::Open(file).ok());
  RunSql(file, "PRAGMA user_version = 99");
  auto db = VulnDb::Open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(db.status().message(),
            file.string() +
                " has vulnerability database schema version 99, this sluice reads version 1; "
                "delete it and run `sluice vulndb import` again");
}

TEST_F(VulnDbErrorTest, AnotherProgramsSqliteDatabaseIsFailedPrecondition) {
  fs::path file = Dir() / "other.sqlite";
  RunSql(file, "CREATE TABLE t (x INTEGER)");
  auto db = VulnDb::Open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("not a sluice vulnerability database"));
  EXPECT_THAT(db.status().message(), HasSubstr("check the path"));
  EXPECT_THAT(db.status().message(), ::testing::Not(HasSubstr("delete")));
}

TEST_F(VulnDbErrorTest, AFileThatIsNotADatabaseIsIoErrorNamingIt) {
  fs::path file = Dir() / "notes.txt";
  WriteTextFile(file, std::string(4096, 'x'));
  auto db = VulnDb::Open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIoError);
  EXPECT_THAT(db.status().message(), HasSubstr(file.string()));
  EXPECT_THAT(db.status().message(), ::testing::Not(HasSubstr("delete")));
}

TEST_F(VulnDbErrorTest, ADatabaseInAMissingDirectoryIsIoErrorNamingIt) {
  fs::path file = Dir() / "missing" / "vulndb.sqlite";
  auto db = VulnDb::Open(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kIoError);
  EXPECT_THAT(db.status().message(), HasSubstr(file.string()));
}

class VulnDbImportErrorTest : public VulnDbErrorTest {
 protected:
  void SetUp() override {
    VulnDbErrorTest::SetUp();
    auto db = VulnDb::Open(Dir() / "vulndb.sqlite");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::make_unique<VulnDb>(std::move(*db));
  }
  std::unique_ptr<VulnDb> db_;
};

TEST_F(VulnDbImportErrorTest, MissingSourceIsIoErrorNamingIt) {
  fs::path source = Dir() / "nowhere";
  auto result = db_->Import(source);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_THAT(result.status().message(), HasSubstr(source.string()));
}

TEST_F(VulnDbImportErrorTest, APlainFileThatIsNotAZipIsInvalidArgument) {
  fs::path source = Dir() / "entry.json";
  WriteTextFile(source, OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "a"));
  auto result = db_->Import(source);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(),
            source.string() + " is neither a directory nor a zip of OSV entries");
}

TEST_F(VulnDbImportErrorTest, AFailedImportStoresNothing) {
  // The good entry is read first (name order), then the fake zip fails the
  // import; the transaction rolls back.
  fs::path source = Dir() / "osv";
  WriteTextFile(source / "a/A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "a"));
  WriteTextFile(source / "b/all.zip", "not a zip");
  auto result = db_->Import(source);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr((source / "b/all.zip").string()));
  EXPECT_EQ(*db_->Count(), 0);
  // The database is still usable.
  fs::remove(source / "b/all.zip");
  auto again = db_->Import(source);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->imported, 1);
}

TEST_F(VulnDbImportErrorTest, ATruncatedZipIsAnError) {
  fs::path zip = Dir() / "all.zip";
  std::vector<std::pair<std::string, std::string>> members;
  for (int i = 0; i < 50; ++i) {
    std::string id = "A-" + std::to_string(i);
    members.emplace_back(id + ".json", OsvEntryText(id, "2024-01-01T00:00:00Z", "npm", "a"));
  }
  WriteZip(zip, members);
  fs::resize_file(zip, fs::file_size(zip) / 2);
  auto result = db_->Import(zip);
  ASSERT_FALSE(result.ok()) << "imported " << result->imported << ", skipped " << result->skipped;
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_THAT(result.status().message(), HasSubstr(zip.string()));
  EXPECT_EQ(*db_->Count(), 0);
}

TEST_F(VulnDbImportErrorTest, AnEmptyZipImportsNothing) {
  WriteZip(Dir() / "empty.zip", {});
  auto result = db_->Import(Dir() / "empty.zip");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->imported, 0);
}

}  // namespace
}  // namespace sluice::scan
