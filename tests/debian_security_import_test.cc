// `sluice vulndb import-debian` on the real binary: a small Debian archive
// made with Debian's own tools (dpkg-deb, gzip, xz) and served by a real
// HTTP server, imported, then an image holding an older version of its
// package scanned against it; a second import from the same archive as a
// local mirror reads the changelog from the cache.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "common/hash.h"
#include "oci/test_tools.h"
#include "static_http_server.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using oci::testing::RunRequiredTool;

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

std::string Slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

constexpr char kChangelog[] =
    "demo (1.2-1+deb12u2) bookworm-security; urgency=high\n\n"
    "  * CVE-2026-1111: heap overflow in the frobnicator\n"
    "    (Closes: #1000001)\n\n"
    " -- Jane Maintainer <jane@example.org>  Wed, 21 Oct 2026 16:54:24 +0700\n\n"
    "demo (1.2-1+deb12u1) bookworm-security; urgency=medium\n\n"
    "  * Fix two security issues.\n\n"
    " -- Jane Maintainer <jane@example.org>  Wed, 23 Sep 2026 10:52:17 +0700\n\n"
    "demo (1.2-1) unstable; urgency=medium\n\n"
    "  * CVE-2020-0001, fixed long before the release.\n\n"
    " -- Jane Maintainer <jane@example.org>  Sun, 01 Jan 2023 00:00:00 +0000\n";

// Builds pool/.../<name>_<version>_all.deb with dpkg-deb; `doc_link`
// makes its doc directory a symlink to another package's, as
// dh_installdocs --link-doc does. Returns the Packages paragraph.
std::string BuildDeb(const fs::path& archive, const fs::path& work, const std::string& name,
                     const std::string& doc_link) {
  const std::string version = "1.2-1+deb12u2";
  fs::path tree = work / name;
  Write(tree / "DEBIAN/control", "Package: " + name + "\nSource: demo\nVersion: " + version +
                                     "\nArchitecture: all\nMaintainer: Jane <jane@example.org>\n"
                                     "Description: demo package\n");
  fs::path doc = tree / "usr/share/doc" / name;
  if (doc_link.empty()) {
    Write(doc / "changelog.Debian", kChangelog);
    EXPECT_EQ(
        RunRequiredTool({"gzip", "-9n", (doc / "changelog.Debian").string()}, "gzip")->exit_code,
        0);
  } else {
    fs::create_directories(doc.parent_path());
    fs::create_symlink(doc_link, doc);
  }
  std::string filename = "pool/updates/main/d/demo/" + name + "_" + version + "_all.deb";
  fs::create_directories((archive / filename).parent_path());
  auto built = RunRequiredTool({"dpkg-deb", "--root-owner-group", "-Zxz", "--build", tree.string(),
                                (archive / filename).string()},
                               "dpkg");
  EXPECT_TRUE(built.ok() && built->exit_code == 0)
      << (built.ok() ? built->output : built.status().message());
  std::string deb = Slurp(archive / filename);
  return "Package: " + name + "\nSource: demo\nVersion: " + version +
         "\nArchitecture: all\nFilename: " + filename + "\nSize: " + std::to_string(deb.size()) +
         "\nSHA256: " + Sha256Hex(deb) + "\n\n";
}

// dists/bookworm-security/{Release, main/binary-amd64/Packages.xz} and the pool.
void WriteArchive(const fs::path& archive, const fs::path& work) {
  std::string packages =
      BuildDeb(archive, work, "libdemo1", "") + BuildDeb(archive, work, "libdemo-dev", "libdemo1");
  fs::path dist = archive / "dists/bookworm-security";
  fs::path index = dist / "main/binary-amd64/Packages";
  Write(index, packages);
  ASSERT_EQ(RunRequiredTool({"xz", "-9", index.string()}, "xz-utils")->exit_code, 0);
  std::string xz = Slurp(index.string() + ".xz");
  Write(dist / "Release",
        "Origin: Debian\nSuite: oldstable-security\nVersion: 12\n"
        "Codename: bookworm-security\nDate: Wed, 25 Nov 2026 02:22:30 UTC\n"
        "SHA256:\n " +
            Sha256Hex(xz) + " " + std::to_string(xz.size()) + " main/binary-amd64/Packages.xz\n");
}

// An image whose dpkg database lists libdemo1 at 1.2-1.
fs::path WriteContext(const TestProject& project) {
  fs::path ctx = project.scratch() / "ctx";
  Write(ctx / "rootfs/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  Write(ctx / "rootfs/var/lib/dpkg/status",
        "Package: libdemo1\nStatus: install ok installed\nArchitecture: all\nSource: demo\n"
        "Version: 1.2-1\n\n");
  Write(ctx / "Dockerfile", "FROM scratch\nCOPY rootfs/ /\nUSER 1000\n");
  return ctx;
}

TEST(DebianSecurityImportTest, ImportsFromAMirrorOverHttpAndFindsTheFixesAnImageLacks) {
  TestProject project;
  fs::path archive = project.scratch() / "mirror";
  WriteArchive(archive, project.scratch() / "debs");
  auto server = StaticHttpServer::Start(archive);
  ASSERT_TRUE(server.ok()) << server.status().message();

  RunResult imported = project.Sluice({"vulndb", "import-debian", (*server)->url()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("bookworm-security (Debian:12): 1 source packages, changelogs 1 "
                              "read and 0 cached"),
            std::string::npos)
      << imported.out;
  EXPECT_NE(imported.out.find("imported 2 advisories (0 unchanged, 0 skipped)"), std::string::npos)
      << imported.out;
  // The symlinked doc directory's package is the smaller; both were fetched.
  EXPECT_NE((*server)->log().find("libdemo-dev_1.2-1+deb12u2_all.deb"), std::string::npos);
  EXPECT_NE((*server)->log().find("libdemo1_1.2-1+deb12u2_all.deb"), std::string::npos);

  RunResult built =
      project.Sluice({"image", "build", "-t", "demo:1", WriteContext(project).string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  RunResult scanned = project.Sluice({"image", "scan", "demo:1", "--format", "json"});
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  nlohmann::json report = nlohmann::json::parse(scanned.out);
  std::map<std::string, std::string> found;
  for (const auto& f : report["findings"]) {
    if (f["kind"] != "vulnerability") continue;
    found[f["id"]] = f["severity"].get<std::string>() + " " + f["package"].get<std::string>() +
                     " " + f["installedVersion"].get<std::string>() + " -> " +
                     f["fixedVersion"].get<std::string>();
  }
  EXPECT_EQ(found, (std::map<std::string, std::string>{
                       {"DEBSEC-CVE-2026-1111", "HIGH libdemo1 1.2-1 -> 1.2-1+deb12u2"},
                       {"DEBSEC-demo-1.2-1+deb12u1", "MEDIUM libdemo1 1.2-1 -> 1.2-1+deb12u1"}}));

  // The same archive as a local mirror: the changelog comes from the cache.
  RunResult again = project.Sluice({"vulndb", "import-debian", archive.string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("changelogs 0 read and 1 cached"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("imported 0 advisories (2 unchanged, 0 skipped)"), std::string::npos)
      << again.out;
}

TEST(DebianSecurityImportTest, SaysWhichSuiteTheArchiveLacks) {
  TestProject project;
  fs::path archive = project.scratch() / "mirror";
  WriteArchive(archive, project.scratch() / "debs");
  RunResult imported =
      project.Sluice({"vulndb", "import-debian", archive.string(), "--suite", "trixie-security"});
  EXPECT_NE(imported.exit_code, 0);
  EXPECT_NE(imported.err.find("is trixie-security a suite of this archive?"), std::string::npos)
      << imported.err;
  EXPECT_FALSE(fs::exists(project.state() / "vulndb.sqlite-wal") &&
               fs::file_size(project.state() / "vulndb.sqlite-wal") > 0);
}

}  // namespace
}  // namespace sluice::testing
