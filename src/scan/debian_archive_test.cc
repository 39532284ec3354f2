#include "scan/debian_archive.h"

#include <gtest/gtest.h>

#include "scan/debian_test_util.h"

namespace sluice::scan {
namespace {

using debian_test::Compress;
using debian_test::MakeDeb;

constexpr std::string_view kRelease = R"(Origin: Debian
Label: Debian-Security
Suite: oldstable-security
Version: 12
Codename: bookworm-security
Date: Wed, 25 Nov 2026 02:22:30 UTC
SHA256:
 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855        0 contrib/Contents-amd64
 a59b44d3150ec5621306ce98e42bcb14f95451fe82ca7e6b83d1da7454a1ea3d   379936 main/binary-amd64/Packages.xz
)";

TEST(ParseDebianReleaseTest, ReadsTheSuiteAndItsIndexHashes) {
  auto release = ParseDebianRelease(kRelease);
  ASSERT_TRUE(release.ok()) << release.status().message();
  EXPECT_EQ(release->suite, "oldstable-security");
  EXPECT_EQ(release->codename, "bookworm-security");
  EXPECT_EQ(release->version, "12");
  EXPECT_EQ(release->date, "2026-11-25T02:22:30Z");
  ASSERT_EQ(release->files.size(), 2u);
  const auto& packages = release->files.at("main/binary-amd64/Packages.xz");
  EXPECT_EQ(packages.sha256, "a59b44d3150ec5621306ce98e42bcb14f95451fe82ca7e6b83d1da7454a1ea3d");
  EXPECT_EQ(packages.size, 379936);
}

TEST(ParseDebianReleaseTest, ReadsAnInReleaseFile) {
  std::string signed_text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" +
                            std::string(kRelease) +
                            "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";
  auto release = ParseDebianRelease(signed_text);
  ASSERT_TRUE(release.ok()) << release.status().message();
  EXPECT_EQ(release->codename, "bookworm-security");
  EXPECT_EQ(release->files.size(), 2u);
}

TEST(ParseDebianReleaseTest, SaysWhatIsMissing) {
  auto no_codename = ParseDebianRelease("Suite: stable\nSHA256:\n abc 1 x\n");
  ASSERT_FALSE(no_codename.ok());
  EXPECT_NE(no_codename.status().message().find("no Codename"), std::string::npos);
  auto no_hashes = ParseDebianRelease("Codename: bookworm\nMD5Sum:\n abc 1 x\n");
  ASSERT_FALSE(no_hashes.ok());
  EXPECT_NE(no_hashes.status().message().find("no SHA256 list"), std::string::npos);
}

TEST(ParseDebianPackagesTest, ReadsSourcesAndTheirVersions) {
  auto packages = ParseDebianPackages(
      "Package: 7zip\nVersion: 22.01+dfsg-0+deb12u1\nArchitecture: amd64\n"
      "Filename: pool/updates/main/7/7zip/7zip.deb\nSize: 1021788\nSHA256: aa\n\n"
      "Package: libssl3\nSource: openssl\nVersion: 3.0.22-1~deb12u2\nFilename: f1\n\n"
      "Package: libfoo1\nSource: foo (1.2-3)\nVersion: 1.2-3+b1\nFilename: f2\n");
  ASSERT_TRUE(packages.ok()) << packages.status().message();
  ASSERT_EQ(packages->size(), 3u);
  EXPECT_EQ((*packages)[0].source, "7zip");
  EXPECT_EQ((*packages)[0].source_version, "22.01+dfsg-0+deb12u1");
  EXPECT_EQ((*packages)[0].size, 1021788);
  EXPECT_EQ((*packages)[0].sha256, "aa");
  EXPECT_EQ((*packages)[1].source, "openssl");
  EXPECT_EQ((*packages)[1].source_version, "3.0.22-1~deb12u2");
  EXPECT_EQ((*packages)[2].source, "foo");
  EXPECT_EQ((*packages)[2].source_version, "1.2-3");
  EXPECT_EQ((*packages)[2].version, "1.2-3+b1");
}

TEST(ParseDebianPackagesTest, NamesTheParagraphWithoutAFilename) {
  auto packages = ParseDebianPackages(
      "Package: a\nVersion: 1\nFilename: f\n\nPackage: b\n"
      "Version: 2\n");
  ASSERT_FALSE(packages.ok());
  EXPECT_NE(packages.status().message().find("paragraph 2"), std::string::npos);
}

TEST(DecompressIndexTest, ReadsXzGzipAndPlainIndexes) {
  const std::string text = "Package: a\nVersion: 1\n";
  for (const char* filter : {"xz", "gzip"}) {
    auto out = DecompressIndex(Compress(filter, text), "Packages");
    ASSERT_TRUE(out.ok()) << filter << ": " << out.status().message();
    EXPECT_EQ(*out, text) << filter;
  }
  auto plain = DecompressIndex(text, "Packages");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, text);
}

TEST(DecompressIndexTest, NamesACorruptIndex) {
  std::string xz = Compress("xz", std::string(4096, 'x'));
  xz.resize(xz.size() / 2);
  auto out = DecompressIndex(xz, "dists/x/Packages.xz");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("dists/x/Packages.xz"), std::string::npos);
}

TEST(DebChangelogTest, FindsTheGzippedChangelogInTheDataArchive) {
  auto changelog = DebChangelog(MakeDeb("libfoo1", "foo (1) unstable; urgency=low\n"), "foo.deb");
  ASSERT_TRUE(changelog.ok()) << changelog.status().message();
  EXPECT_EQ(*changelog, "foo (1) unstable; urgency=low\n");
}

TEST(DebChangelogTest, ADocDirectorySymlinkIsNotFound) {
  auto changelog = DebChangelog(MakeDeb("libfoo-dev", "", "libfoo1"), "libfoo-dev.deb");
  ASSERT_FALSE(changelog.ok());
  EXPECT_EQ(changelog.status().code(), StatusCode::kNotFound);
  EXPECT_NE(changelog.status().message().find("libfoo-dev.deb"), std::string::npos);
}

TEST(DebChangelogTest, RejectsWhatIsNotADeb) {
  auto changelog = DebChangelog("<html>Not found</html>", "x.deb");
  ASSERT_FALSE(changelog.ok());
  EXPECT_EQ(changelog.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(changelog.status().message().find("x.deb"), std::string::npos);
}

}  // namespace
}  // namespace sluice::scan
