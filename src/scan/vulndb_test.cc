#include "scan/vulndb.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "scan/vulndb_test_util.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;
using vulndb_test::OsvEntryText;
using vulndb_test::WriteTextFile;
using vulndb_test::WriteZip;

class VulnDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("vulndb-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto db = VulnDb::Open(DbFile());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::make_unique<VulnDb>(std::move(*db));
  }

  fs::path Dir() const { return dir_->path(); }
  fs::path DbFile() const { return dir_->path() / "vulndb.sqlite"; }
  VulnDb& db() { return *db_; }

  VulnDbImport MustImport(const fs::path& source) {
    auto result = db_->Import(source);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : VulnDbImport{};
  }

  int64_t MustCount() {
    auto count = db_->Count();
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  // The ids of the entries for (ecosystem, name).
  std::vector<std::string> IdsFor(std::string_view ecosystem, std::string_view name) {
    auto entries = db_->EntriesFor(ecosystem, name);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::vector<std::string> ids;
    if (!entries.ok()) return ids;
    for (const std::string& text : *entries) {
      ids.push_back(nlohmann::json::parse(text).at("id").get<std::string>());
    }
    return ids;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<VulnDb> db_;
};

using Ids = std::vector<std::string>;

TEST_F(VulnDbTest, NewDatabaseIsEmpty) {
  EXPECT_EQ(MustCount(), 0);
  EXPECT_EQ(IdsFor("PyPI", "flask"), Ids{});
}

TEST_F(VulnDbTest, ImportsJsonFilesFromNestedDirectories) {
  fs::path src = Dir() / "osv";
  WriteTextFile(src / "PYSEC-1.json",
                OsvEntryText("PYSEC-1", "2024-01-01T00:00:00Z", "PyPI", "flask"));
  WriteTextFile(src / "a/b/GHSA-2.json",
                OsvEntryText("GHSA-2", "2024-01-01T00:00:00Z", "npm", "left-pad"));
  WriteTextFile(src / "a/README.md", "not an entry");

  VulnDbImport result = MustImport(src);
  EXPECT_EQ(result.imported, 2);
  EXPECT_EQ(result.unchanged, 0);
  EXPECT_EQ(result.skipped, 0);
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(MustCount(), 2);
  EXPECT_EQ(IdsFor("PyPI", "flask"), Ids{"PYSEC-1"});
  EXPECT_EQ(IdsFor("npm", "left-pad"), Ids{"GHSA-2"});
}

TEST_F(VulnDbTest, EntriesForReturnsTheStoredJsonText) {
  std::string text = OsvEntryText("GO-1", "2024-01-01T00:00:00Z", "Go", "stdlib", "a summary");
  WriteTextFile(Dir() / "osv/GO-1.json", text);
  MustImport(Dir() / "osv");
  auto entries = db().EntriesFor("Go", "stdlib");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(*entries, std::vector<std::string>{text});
}

TEST_F(VulnDbTest, ImportsTheJsonMembersOfAZip) {
  fs::path zip = Dir() / "all.zip";
  WriteZip(zip,
           {{"DSA-1.json", OsvEntryText("DSA-1", "2024-01-01T00:00:00Z", "Debian:12", "openssl")},
            {"DSA-2.json", OsvEntryText("DSA-2", "2024-01-01T00:00:00Z", "Debian:11", "curl")},
            {"LICENSE.txt", "not an entry"}});
  VulnDbImport result = MustImport(zip);
  EXPECT_EQ(result.imported, 2);
  EXPECT_EQ(result.skipped, 0);
  EXPECT_EQ(IdsFor("Debian", "openssl"), Ids{"DSA-1"});
  EXPECT_EQ(IdsFor("Debian", "curl"), Ids{"DSA-2"});
}

TEST_F(VulnDbTest, ImportsEveryZipInADirectory) {
  fs::path src = Dir() / "osv";
  WriteZip(src / "PyPI/all.zip",
           {{"PYSEC-1.json", OsvEntryText("PYSEC-1", "2024-01-01T00:00:00Z", "PyPI", "jinja2")}});
  WriteZip(src / "npm/all.zip",
           {{"GHSA-1.json", OsvEntryText("GHSA-1", "2024-01-01T00:00:00Z", "npm", "lodash")},
            {"GHSA-2.json", OsvEntryText("GHSA-2", "2024-01-01T00:00:00Z", "npm", "lodash")}});
  VulnDbImport result = MustImport(src);
  EXPECT_EQ(result.imported, 3);
  EXPECT_EQ(MustCount(), 3);
  EXPECT_EQ(IdsFor("PyPI", "jinja2"), Ids{"PYSEC-1"});
  EXPECT_EQ(IdsFor("npm", "lodash"), (Ids{"GHSA-1", "GHSA-2"}));
}

TEST_F(VulnDbTest, ReimportingTheSameSourceChangesNothing) {
  fs::path src = Dir() / "osv";
  WriteTextFile(src / "A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "PyPI", "a"));
  WriteTextFile(src / "A-2.json", OsvEntryText("A-2", "2024-01-01T00:00:00Z", "PyPI", "a"));
  MustImport(src);
  VulnDbImport again = MustImport(src);
  EXPECT_EQ(again.imported, 0);
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(MustCount(), 2);
  EXPECT_EQ(IdsFor("PyPI", "a"), (Ids{"A-1", "A-2"}));
}

TEST_F(VulnDbTest, NewerModifiedReplacesTheEntryAndItsPackages) {
  WriteTextFile(Dir() / "old/A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "old"));
  WriteTextFile(Dir() / "new/A-1.json", OsvEntryText("A-1", "2024-02-01T00:00:00Z", "npm", "new"));
  MustImport(Dir() / "old");
  VulnDbImport result = MustImport(Dir() / "new");
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.unchanged, 0);
  EXPECT_EQ(MustCount(), 1);
  EXPECT_EQ(IdsFor("npm", "old"), Ids{});
  EXPECT_EQ(IdsFor("npm", "new"), Ids{"A-1"});
}

TEST_F(VulnDbTest, OlderModifiedDoesNotReplaceTheEntry) {
  WriteTextFile(Dir() / "new/A-1.json", OsvEntryText("A-1", "2024-02-01T00:00:00Z", "npm", "new"));
  WriteTextFile(Dir() / "old/A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "old"));
  MustImport(Dir() / "new");
  VulnDbImport result = MustImport(Dir() / "old");
  EXPECT_EQ(result.imported, 0);
  EXPECT_EQ(result.unchanged, 1);
  EXPECT_EQ(IdsFor("npm", "old"), Ids{});
  EXPECT_EQ(IdsFor("npm", "new"), Ids{"A-1"});
}

TEST_F(VulnDbTest, SameModifiedWithDifferentTextReplacesTheEntry) {
  WriteTextFile(Dir() / "one/A-1.json",
                OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "x", "first"));
  WriteTextFile(Dir() / "two/A-1.json",
                OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "x", "second"));
  MustImport(Dir() / "one");
  VulnDbImport result = MustImport(Dir() / "two");
  EXPECT_EQ(result.imported, 1);
  auto entries = db().EntriesFor("npm", "x");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_NE((*entries)[0].find("second"), std::string::npos);
}

TEST_F(VulnDbTest, ImportEntriesReplacesWhatDiffersWhenAskedToEvenIfOlder) {
  std::string newer = OsvEntryText("A-1", "2024-02-01T00:00:00Z", "npm", "new");
  std::string older = OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "old");
  auto first = db().ImportEntries({{"one", newer}}, VulnDb::Replace::kWhenNewer);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->imported, 1);
  auto kept = db().ImportEntries({{"two", older}}, VulnDb::Replace::kWhenNewer);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->unchanged, 1);
  EXPECT_EQ(IdsFor("npm", "new"), Ids{"A-1"});

  auto replaced =
      db().ImportEntries({{"two", older}, {"three", "{not json"}}, VulnDb::Replace::kWhenDifferent);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->imported, 1);
  EXPECT_EQ(replaced->skipped, 1);
  ASSERT_EQ(replaced->warnings.size(), 1u);
  EXPECT_EQ(replaced->warnings[0].rfind("three: skipped: ", 0), 0u) << replaced->warnings[0];
  EXPECT_EQ(IdsFor("npm", "old"), Ids{"A-1"});
  EXPECT_EQ(IdsFor("npm", "new"), Ids{});
  auto again = db().ImportEntries({{"two", older}}, VulnDb::Replace::kWhenDifferent);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1);
}

TEST_F(VulnDbTest, ComparesModifiedAsTimesNotAsWrittenText) {
  // 10:00+02:00 is 08:00Z, older than 09:00Z although it sorts after it as
  // text; "05Z" is older than "05.5Z" although '.' sorts before 'Z'.
  WriteTextFile(Dir() / "a/A-1.json", OsvEntryText("A-1", "2024-01-01T09:00:00Z", "npm", "kept"));
  WriteTextFile(Dir() / "b/A-1.json",
                OsvEntryText("A-1", "2024-01-01T10:00:00+02:00", "npm", "dropped"));
  WriteTextFile(Dir() / "a/A-2.json", OsvEntryText("A-2", "2024-01-01T00:00:05Z", "npm", "old"));
  WriteTextFile(Dir() / "b/A-2.json", OsvEntryText("A-2", "2024-01-01T00:00:05.5Z", "npm", "new"));
  MustImport(Dir() / "a");
  VulnDbImport result = MustImport(Dir() / "b");
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.unchanged, 1);
  EXPECT_EQ(IdsFor("npm", "kept"), Ids{"A-1"});
  EXPECT_EQ(IdsFor("npm", "dropped"), Ids{});
  EXPECT_EQ(IdsFor("npm", "new"), Ids{"A-2"});
}

TEST_F(VulnDbTest, SkipsCorruptEntriesWithWarningsNamingThemAndImportsTheRest) {
  fs::path src = Dir() / "osv";
  WriteTextFile(src / "GOOD-1.json", OsvEntryText("GOOD-1", "2024-01-01T00:00:00Z", "npm", "ok"));
  WriteTextFile(src / "broken.json", "{\"id\": \"X\", ");
  WriteTextFile(src / "no-id.json", R"({"modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "npm", "name": "ok"}}]})");
  WriteTextFile(src / "no-modified.json",
                R"({"id": "NM-1", "affected": [{"package": {"ecosystem": "npm", "name": "ok"}}]})");
  WriteTextFile(src / "no-package.json",
                R"({"id": "NP-1", "modified": "2024-01-01T00:00:00Z",
                    "affected": [{"package": {"ecosystem": "npm"}}]})");
  VulnDbImport result = MustImport(src);
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.skipped, 4);
  ASSERT_EQ(result.warnings.size(), 4u);
  // In name order.
  EXPECT_EQ(
      result.warnings[0].rfind((src / "broken.json").string() + ": skipped: not valid JSON", 0), 0u)
      << result.warnings[0];
  EXPECT_EQ(result.warnings[1], (src / "no-id.json").string() + ": skipped: no id");
  EXPECT_EQ(result.warnings[2],
            (src / "no-modified.json").string() + ": skipped: no modified time");
  EXPECT_EQ(result.warnings[3],
            (src / "no-package.json").string() +
                ": skipped: no affected package name (affected[].package.ecosystem/name)");
  EXPECT_EQ(IdsFor("npm", "ok"), Ids{"GOOD-1"});
}

TEST_F(VulnDbTest, WarningsNameTheZipAndTheMember) {
  fs::path zip = Dir() / "all.zip";
  WriteZip(zip, {{"GOOD-1.json", OsvEntryText("GOOD-1", "2024-01-01T00:00:00Z", "npm", "ok")},
                 {"BAD-1.json", "not json"}});
  VulnDbImport result = MustImport(zip);
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.skipped, 1);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(
      result.warnings[0].rfind(zip.string() + " (member BAD-1.json): skipped: not valid JSON", 0),
      0u)
      << result.warnings[0];
}

TEST_F(VulnDbTest, SkipsAZipMemberWhoseDataIsDamaged) {
  fs::path zip = Dir() / "all.zip";
  std::string damaged = OsvEntryText("BAD-1", "2024-01-01T00:00:00Z", "npm", "damaged-package");
  WriteZip(zip,
           {{"BAD-1.json", damaged},
            {"GOOD-1.json", OsvEntryText("GOOD-1", "2024-01-01T00:00:00Z", "npm", "ok")}},
           /*stored=*/true);
  // Change one byte of the stored member (still valid JSON): its CRC no
  // longer matches.
  std::string bytes = ReadFile(zip).value();
  size_t at = bytes.find("damaged-package");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'D';
  WriteTextFile(zip, bytes);

  VulnDbImport result = MustImport(zip);
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.skipped, 1);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].rfind(zip.string() + " (member BAD-1.json): skipped: ", 0), 0u)
      << result.warnings[0];
  EXPECT_EQ(IdsFor("npm", "ok"), Ids{"GOOD-1"});
  EXPECT_EQ(IdsFor("npm", "Damaged-package"), Ids{});
}

TEST_F(VulnDbTest, KeepsAHundredWarningsThenACount) {
  std::vector<std::pair<std::string, std::string>> members;
  for (int i = 0; i < 105; ++i) members.emplace_back("BAD-" + std::to_string(i) + ".json", "{");
  WriteZip(Dir() / "all.zip", members);
  VulnDbImport result = MustImport(Dir() / "all.zip");
  EXPECT_EQ(result.skipped, 105);
  ASSERT_EQ(result.warnings.size(), 101u);
  EXPECT_EQ(result.warnings.back(), "... and 5 more entries skipped");
}

TEST_F(VulnDbTest, FindsEcosystemsByTheirNameBeforeTheColon) {
  fs::path src = Dir() / "osv";
  WriteTextFile(src / "DSA-1.json",
                OsvEntryText("DSA-1", "2024-01-01T00:00:00Z", "Debian:12", "glibc"));
  WriteTextFile(src / "DSA-2.json",
                OsvEntryText("DSA-2", "2024-01-01T00:00:00Z", "Debian", "glibc"));
  WriteTextFile(src / "ALPINE-1.json",
                OsvEntryText("ALPINE-1", "2024-01-01T00:00:00Z", "Alpine:v3.19", "musl"));
  MustImport(src);
  EXPECT_EQ(IdsFor("Debian", "glibc"), (Ids{"DSA-1", "DSA-2"}));
  EXPECT_EQ(IdsFor("Alpine", "musl"), Ids{"ALPINE-1"});
  EXPECT_EQ(IdsFor("Debian:12", "glibc"), (Ids{"DSA-1", "DSA-2"}));  // tolerated
  EXPECT_EQ(IdsFor("Ubuntu", "glibc"), Ids{});
}

TEST_F(VulnDbTest, IndexesEveryAffectedPackageOnce) {
  WriteTextFile(Dir() / "osv/M-1.json", R"({"id": "M-1", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "Debian:11", "name": "curl"}},
                   {"package": {"ecosystem": "Debian:12", "name": "curl"}},
                   {"package": {"ecosystem": "npm", "name": "curl"}},
                   {"ranges": [{"type": "GIT", "repo": "https://example.com/x"}]}]})");
  VulnDbImport result = MustImport(Dir() / "osv");
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(IdsFor("Debian", "curl"), Ids{"M-1"});
  EXPECT_EQ(IdsFor("npm", "curl"), Ids{"M-1"});
}

TEST_F(VulnDbTest, NormalisesPypiNames) {
  WriteTextFile(Dir() / "osv/PYSEC-1.json",
                OsvEntryText("PYSEC-1", "2024-01-01T00:00:00Z", "PyPI", "Foo_Bar"));
  WriteTextFile(Dir() / "osv/GHSA-1.json",
                OsvEntryText("GHSA-1", "2024-01-01T00:00:00Z", "npm", "Foo_Bar"));
  MustImport(Dir() / "osv");
  EXPECT_EQ(IdsFor("PyPI", "foo-bar"), Ids{"PYSEC-1"});
  EXPECT_EQ(IdsFor("PyPI", "FOO..bar"), Ids{"PYSEC-1"});
  // Other ecosystems' names compare exactly.
  EXPECT_EQ(IdsFor("npm", "foo-bar"), Ids{});
  EXPECT_EQ(IdsFor("npm", "Foo_Bar"), Ids{"GHSA-1"});
}

TEST_F(VulnDbTest, EntriesSurviveReopening) {
  WriteTextFile(Dir() / "osv/A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "a"));
  MustImport(Dir() / "osv");
  db_.reset();
  auto reopened = VulnDb::Open(DbFile());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto count = reopened->Count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
}

TEST_F(VulnDbTest, ASecondConnectionSeesAnImport) {
  auto reader = VulnDb::Open(DbFile());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ(*reader->Count(), 0);
  WriteTextFile(Dir() / "osv/A-1.json", OsvEntryText("A-1", "2024-01-01T00:00:00Z", "npm", "a"));
  MustImport(Dir() / "osv");
  auto entries = reader->EntriesFor("npm", "a");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(entries->size(), 1u);
}

TEST_F(VulnDbTest, ImportsFiveThousandEntriesFromOneZip) {
  std::vector<std::pair<std::string, std::string>> members;
  for (int i = 0; i < 5000; ++i) {
    std::string id = "GHSA-" + std::to_string(i);
    members.emplace_back(id + ".json", OsvEntryText(id, "2024-01-01T00:00:00Z", "npm",
                                                    "pkg-" + std::to_string(i % 500)));
  }
  WriteZip(Dir() / "all.zip", members);
  VulnDbImport result = MustImport(Dir() / "all.zip");
  EXPECT_EQ(result.imported, 5000);
  EXPECT_EQ(MustCount(), 5000);
  EXPECT_EQ(IdsFor("npm", "pkg-7").size(), 10u);
}

}  // namespace
}  // namespace sluice::scan
