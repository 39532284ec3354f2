#include "scan/debian_security.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scan/debian_test_util.h"
#include "scan/osv.h"

namespace sluice::scan {
namespace {

using debian_test::ArchiveDeb;
using debian_test::ChangelogEntry;
using debian_test::MakeDeb;
using debian_test::WriteArchiveTree;

DebianRelease Bookworm() {
  DebianRelease release;
  release.codename = "bookworm-security";
  release.version = "12";
  release.date = "2026-11-25T02:22:30Z";
  return release;
}

std::string OpensslChangelog() {
  return ChangelogEntry("openssl", "3.0.22-1~deb12u2", "bookworm-security", "high",
                        "  * CVE-2026-84782 (\"DTLS stale buffer\")\n"
                        "  * CVE-2026-42767 regression fix\n") +
         ChangelogEntry("openssl", "3.0.22-1~deb12u1", "bookworm-security", "medium",
                        "  * CVE-2026-42767 (\"NULL dereference\"), DLA-4023-1\n",
                        "Wed, 23 Sep 2026 10:52:17 +0700") +
         ChangelogEntry("openssl", "3.0.20-1~deb12u1", "bookworm", "medium",
                        "  * Import 3.0.20\n") +
         ChangelogEntry("openssl", "3.0.19-1~deb12u2", "bookworm-security", "medium",
                        "  * 8 security fixes\n") +
         ChangelogEntry("openssl", "3.0.9-1", "unstable", "medium", "  * CVE-2023-0001\n");
}

DebianSourceUpdate Update(const std::string& source, const std::string& version,
                          const std::string& changelog) {
  DebianSourceUpdate update{source, version, {}};
  if (!changelog.empty()) update.changelog = *ParseDebianChangelog(changelog);
  return update;
}

std::map<std::string, nlohmann::json> ById(const std::vector<std::string>& entries) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& e : entries) {
    nlohmann::json j = nlohmann::json::parse(e);
    out[j["id"]] = j;
  }
  return out;
}

Package DebianPackage(const std::string& source, const std::string& version) {
  Package p;
  p.ecosystem = "Debian:12";
  p.name = "lib" + source;
  p.version = version;
  p.source_name = source;
  p.source_version = version;
  return p;
}

TEST(DebianSecurityAdvisoriesTest, EachCitedIdIsFixedAtTheFirstUploadCitingIt) {
  auto entries = ById(DebianSecurityAdvisories(
      Bookworm(), {Update("openssl", "3.0.22-1~deb12u2", OpensslChangelog())}));
  ASSERT_EQ(entries.count("DEBSEC-CVE-2026-42767"), 1u);
  const nlohmann::json& cve = entries["DEBSEC-CVE-2026-42767"];
  EXPECT_EQ(cve["aliases"], nlohmann::json({"CVE-2026-42767", "DLA-4023-1"}));
  EXPECT_EQ(cve["summary"], "CVE-2026-42767 (\"NULL dereference\"), DLA-4023-1");
  EXPECT_EQ(cve["affected"][0]["package"]["ecosystem"], "Debian:12");
  EXPECT_EQ(cve["affected"][0]["package"]["name"], "openssl");
  EXPECT_EQ(cve["affected"][0]["ranges"][0]["events"][1]["fixed"], "3.0.22-1~deb12u1");
  EXPECT_EQ(cve["database_specific"]["severity"], "MEDIUM");
  EXPECT_EQ(cve["modified"], "2026-09-23T10:52:17+07:00");
  EXPECT_EQ(entries["DEBSEC-CVE-2026-84782"]["database_specific"]["severity"], "HIGH");
}

TEST(DebianSecurityAdvisoriesTest, UploadsCitingNoIdAreEntriesOfTheirOwn) {
  auto entries = ById(DebianSecurityAdvisories(
      Bookworm(), {Update("openssl", "3.0.22-1~deb12u2", OpensslChangelog())}));
  // The security upload that names no CVE; not the point release's import,
  // nor anything uploaded to unstable before the release.
  EXPECT_EQ(entries.count("DEBSEC-openssl-3.0.19-1~deb12u2"), 1u);
  EXPECT_EQ(entries.count("DEBSEC-openssl-3.0.20-1~deb12u1"), 0u);
  EXPECT_EQ(entries.count("DEBSEC-CVE-2023-0001"), 0u);
  EXPECT_EQ(entries.size(), 3u);
}

TEST(DebianSecurityAdvisoriesTest, ACveOfSeveralSourcesIsOneEntry) {
  std::string firefox = ChangelogEntry("firefox-esr", "128.5.0esr-1~deb12u1", "bookworm-security",
                                       "high", "  * CVE-2026-84782\n");
  auto entries = ById(DebianSecurityAdvisories(
      Bookworm(), {Update("firefox-esr", "128.5.0esr-1~deb12u1", firefox),
                   Update("openssl", "3.0.22-1~deb12u2", OpensslChangelog())}));
  const nlohmann::json& cve = entries["DEBSEC-CVE-2026-84782"];
  ASSERT_EQ(cve["affected"].size(), 2u);
  EXPECT_EQ(cve["affected"][0]["package"]["name"], "firefox-esr");
  EXPECT_EQ(cve["affected"][1]["package"]["name"], "openssl");
}

TEST(DebianSecurityAdvisoriesTest, ASourceWithoutChangelogGetsOneEntryAtItsVersion) {
  auto entries =
      ById(DebianSecurityAdvisories(Bookworm(), {Update("zlib", "1:1.2.13-1+deb12u1", "")}));
  ASSERT_EQ(entries.size(), 1u);
  const nlohmann::json& e = entries["DEBSEC-zlib-1:1.2.13-1+deb12u1"];
  EXPECT_EQ(e["affected"][0]["ranges"][0]["events"][1]["fixed"], "1:1.2.13-1+deb12u1");
  EXPECT_EQ(e["modified"], "2026-11-25T02:22:30Z");
  EXPECT_FALSE(e["database_specific"].contains("severity"));
}

TEST(DebianSecurityAdvisoriesTest, InstalledVersionsBeforeTheFixAreAffected) {
  auto texts = DebianSecurityAdvisories(
      Bookworm(), {Update("openssl", "3.0.22-1~deb12u2", OpensslChangelog())});
  auto affected_ids = [&](const std::string& installed) {
    std::vector<std::string> ids;
    for (const std::string& text : texts) {
      auto entry = ParseOsvEntry(text);
      EXPECT_TRUE(entry.ok()) << entry.status().message();
      OsvMatch match = Affects(*entry, DebianPackage("openssl", installed));
      if (match.affected) ids.push_back(entry->id + " fixed " + match.fixed_version);
    }
    return ids;
  };
  EXPECT_EQ(affected_ids("3.0.20-1~deb12u1"),
            (std::vector<std::string>{"DEBSEC-CVE-2026-42767 fixed 3.0.22-1~deb12u1",
                                      "DEBSEC-CVE-2026-84782 fixed 3.0.22-1~deb12u2"}));
  EXPECT_EQ(affected_ids("3.0.22-1~deb12u1"),
            (std::vector<std::string>{"DEBSEC-CVE-2026-84782 fixed 3.0.22-1~deb12u2"}));
  EXPECT_TRUE(affected_ids("3.0.22-1~deb12u2").empty());
}

class ImportDebianSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-debsec-");
    ASSERT_TRUE(dir.ok()) << dir.status().message();
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    archive_root_ = dir_->path() / "mirror";
    cache_ = dir_->path() / "cache";
    // openssl: the smallest .deb has a symlinked doc directory; the next
    // one carries the changelog. zlib: no .deb has one.
    WriteArchiveTree(
        archive_root_, "bookworm-security",
        {{"libssl-dev", "3.0.22-1~deb12u2", "openssl", MakeDeb("libssl-dev", "", "libssl3")},
         {"libssl3", "3.0.22-1~deb12u2", "openssl", MakeDeb("libssl3", OpensslChangelog())},
         {"libssl3", "3.0.22-1~deb12u1", "openssl", MakeDeb("libssl3", "old")},
         {"zlib1g", "1:1.2.13-1+deb12u1", "zlib", MakeDeb("zlib1g", "", "zlib1g-dev")}});
    auto db = VulnDb::Open(dir_->path() / "vulndb.sqlite");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::make_unique<VulnDb>(std::move(*db));
  }

  Result<DebianSecurityImport> Import(DebianSecurityOptions options = {}) {
    options.changelog_cache = cache_;
    SLUICE_ASSIGN_OR_RETURN(auto archive, OpenDebianArchive(archive_root_.string()));
    return ImportDebianSecurity(*db_, *archive, options);
  }

  std::unique_ptr<TempDir> dir_;
  std::filesystem::path archive_root_, cache_;
  std::unique_ptr<VulnDb> db_;
};

TEST_F(ImportDebianSecurityTest, StoresTheChangelogsAdvisories) {
  auto imported = Import();
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->ecosystem, "Debian:12");
  EXPECT_EQ(imported->sources, 2);
  EXPECT_EQ(imported->changelogs_read, 1);
  // zlib's changelog could not be read: a warning, and its own entry.
  ASSERT_EQ(imported->warnings.size(), 1u);
  EXPECT_NE(imported->warnings[0].find("zlib 1:1.2.13-1+deb12u1"), std::string::npos);
  EXPECT_EQ(imported->stored.imported, 4);
  auto openssl = db_->EntriesFor("Debian", "openssl");
  ASSERT_TRUE(openssl.ok());
  EXPECT_EQ(openssl->size(), 3u);
  auto zlib = db_->EntriesFor("Debian", "zlib");
  ASSERT_TRUE(zlib.ok());
  ASSERT_EQ(zlib->size(), 1u);
  EXPECT_NE((*zlib)[0].find("DEBSEC-zlib-1:1.2.13-1+deb12u1"), std::string::npos);
}

TEST_F(ImportDebianSecurityTest, ASecondImportReadsChangelogsFromTheCache) {
  ASSERT_TRUE(Import().ok());
  // The pool is gone: only the cache can answer.
  std::filesystem::remove_all(archive_root_ / "pool/updates/main/o");
  auto again = Import();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->changelogs_cached, 1);
  EXPECT_EQ(again->changelogs_read, 0);
  EXPECT_EQ(again->stored.imported, 0);
  EXPECT_EQ(again->stored.unchanged, 4);
}

TEST_F(ImportDebianSecurityTest, WithoutChangelogsEachSourceIsOneEntry) {
  DebianSecurityOptions options;
  options.changelogs = false;
  auto imported = Import(options);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_EQ(imported->changelogs_read, 0);
  EXPECT_EQ(imported->stored.imported, 2);
  EXPECT_FALSE(std::filesystem::exists(cache_));
}

TEST_F(ImportDebianSecurityTest, AnIndexThatDoesNotMatchTheReleaseIsRefused) {
  std::filesystem::path index =
      archive_root_ / "dists/bookworm-security/main/binary-amd64/Packages.xz";
  ASSERT_TRUE(WriteFileAtomic(index, debian_test::Compress("xz", "Package: x\n")).ok());
  auto imported = Import();
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(imported.status().message().find("Packages.xz: its SHA256 is not the one the Release"),
            std::string::npos)
      << imported.status().message();
  auto count = db_->Count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST_F(ImportDebianSecurityTest, ADebThatDoesNotMatchItsIndexIsAWarning) {
  std::filesystem::path deb =
      archive_root_ / "pool/updates/main/o/openssl/libssl3_3.0.22-1~deb12u2_all.deb";
  ASSERT_TRUE(WriteFileAtomic(deb, "tampered").ok());
  auto imported = Import();
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_EQ(imported->warnings.size(), 2u);
  EXPECT_NE(imported->warnings[0].find("its SHA256 is not the one the index lists"),
            std::string::npos)
      << imported->warnings[0];
  auto openssl = db_->EntriesFor("Debian", "openssl");
  ASSERT_TRUE(openssl.ok());
  ASSERT_EQ(openssl->size(), 1u);
  EXPECT_NE((*openssl)[0].find("DEBSEC-openssl-3.0.22-1~deb12u2"), std::string::npos);
}

TEST_F(ImportDebianSecurityTest, SaysWhichSuiteOrComponentIsMissing) {
  DebianSecurityOptions options;
  options.suite = "trixie-security";
  auto no_suite = Import(options);
  ASSERT_FALSE(no_suite.ok());
  EXPECT_EQ(no_suite.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_suite.status().message().find("is trixie-security a suite of this archive?"),
            std::string::npos);

  options = {};
  options.components = {"contrib"};
  auto no_component = Import(options);
  ASSERT_FALSE(no_component.ok());
  EXPECT_NE(no_component.status().message().find("has no contrib/binary-amd64/Packages index"),
            std::string::npos)
      << no_component.status().message();
}

TEST(OpenDebianArchiveTest, RejectsWhatIsNeitherADirectoryNorAUrl) {
  auto archive = OpenDebianArchive("/no/such/mirror");
  ASSERT_FALSE(archive.ok());
  EXPECT_NE(archive.status().message().find("neither a directory"), std::string::npos);
  EXPECT_TRUE(OpenDebianArchive("http://127.0.0.1:9/debian-security/").ok());
}

}  // namespace
}  // namespace sluice::scan
