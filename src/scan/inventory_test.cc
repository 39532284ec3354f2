#include "scan/inventory.h"

#include <gtest/gtest.h>

#include "scan/inventory_parsers.h"

namespace sluice::scan {
namespace {

const std::string kLayer = "sha256:" + std::string(64, 'a');

InventoryFile File(const std::string& path, const std::string& contents) {
  return {path, kLayer, contents};
}

const Package* Find(const Inventory& inv, const std::string& ecosystem, const std::string& name,
                    const std::string& path = "") {
  for (const auto& p : inv.packages) {
    std::string_view family = std::string_view(p.ecosystem).substr(0, p.ecosystem.find(':'));
    if (family == ecosystem && p.name == name && (path.empty() || p.path == path)) return &p;
  }
  return nullptr;
}

const std::string kDebianOsRelease =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
    "NAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\n"
    "ID=debian\n";

TEST(IsInventoryPathTest, SelectsWhatTheParsersRead) {
  for (const char* path :
       {"etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status",
        "var/lib/dpkg/status.d/libc6", "lib/apk/db/installed",
        "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA",
        "usr/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO",
        "usr/lib/python3.11/site-packages/six-1.16.0.egg-info",
        "app/node_modules/left-pad/package.json", "app/node_modules/@babel/core/package.json",
        "app/node_modules/a/node_modules/b/package.json"}) {
    EXPECT_TRUE(IsInventoryPath(path, 0644)) << path;
  }
  for (const char* path :
       {"var/lib/dpkg/status.d/libc6.md5sums", "var/lib/dpkg/status-old", "app/package.json",
        "app/node_modules/left-pad/lib/package.json", "app/node_modules/@babel/package.json",
        "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/RECORD", "etc/passwd"}) {
    EXPECT_FALSE(IsInventoryPath(path, 0644)) << path;
  }
  EXPECT_TRUE(IsInventoryPath("usr/local/bin/app", 0755));  // for Go build info
  EXPECT_FALSE(IsInventoryPath("usr/local/bin/app", 0644));
}

TEST(OsReleaseTest, ReadsQuotedAndUnquotedValues) {
  Inventory inv = BuildInventory({File("usr/lib/os-release", kDebianOsRelease)});
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
  EXPECT_EQ(inv.os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  OsInfo alpine = internal::ParseOsRelease(
      "NAME='Alpine Linux'\nID=alpine\nVERSION_ID=3.19.1\n"
      "PRETTY_NAME=\"Alpine \\\"Linux\\\" v3.19\"\n# comment\n");
  EXPECT_EQ(alpine.id, "alpine");
  EXPECT_EQ(alpine.version_id, "3.19.1");
  EXPECT_EQ(alpine.pretty_name, "Alpine \"Linux\" v3.19");
}

TEST(OsReleaseTest, EtcWinsOverUsrLibAndVersionFilesAreTheFallback) {
  Inventory inv = BuildInventory({File("usr/lib/os-release", kDebianOsRelease),
                                  File("etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\n")});
  EXPECT_EQ(inv.os.id, "ubuntu");
  Inventory alpine = BuildInventory({File("etc/alpine-release", "3.19.1\n")});
  EXPECT_EQ(alpine.os.id, "alpine");
  EXPECT_EQ(alpine.os.version_id, "3.19.1");
}

TEST(DpkgStatusTest, ReadsInstalledParagraphsWithSourcesAndPurls) {
  const std::string status =
      "Package: gpgv\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "Source: gnupg2\n"
      "Version: 2.2.40-1.1+deb12u2\n"
      "Description: GNU privacy guard - signature verification tool\n"
      " GPG is GNU's tool for secure communication and data storage.\n"
      " .\n"
      " Continuation lines belong to the field above.\n"
      "\n"
      "Package: libgcc-s1\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "Source: gcc-12 (12.2.0-14)\n"
      "Version: 1:12.2.0-14\n"
      "\n"
      "Package: removed-thing\n"
      "Status: deinstall ok config-files\n"
      "Version: 1.0\n"
      "\n"
      "\n"
      "Package: base-files\n"
      "Status: install ok installed\n"
      "Architecture: amd64\n"
      "Version: 12.4+deb12u5\n";
  Inventory inv = BuildInventory(
      {File("usr/lib/os-release", kDebianOsRelease), File("var/lib/dpkg/status", status)});
  EXPECT_TRUE(inv.warnings.empty());
  ASSERT_EQ(inv.packages.size(), 3u);
  EXPECT_EQ(Find(inv, "Debian", "removed-thing"), nullptr);

  const Package* gpgv = Find(inv, "Debian", "gpgv");
  ASSERT_NE(gpgv, nullptr);
  EXPECT_EQ(gpgv->version, "2.2.40-1.1+deb12u2");
  EXPECT_EQ(gpgv->source_name, "gnupg2");
  EXPECT_EQ(gpgv->source_version, "");  // the same as the binary's
  EXPECT_EQ(gpgv->arch, "amd64");
  EXPECT_EQ(gpgv->purl, "pkg:deb/debian/gpgv@2.2.40-1.1+deb12u2?arch=amd64&distro=debian-12");
  EXPECT_EQ(gpgv->path, "var/lib/dpkg/status");
  EXPECT_EQ(gpgv->layer_digest, kLayer);

  const Package* gcc = Find(inv, "Debian", "libgcc-s1");
  ASSERT_NE(gcc, nullptr);
  EXPECT_EQ(gcc->source_name, "gcc-12");
  EXPECT_EQ(gcc->source_version, "12.2.0-14");
  EXPECT_EQ(gcc->purl, "pkg:deb/debian/libgcc-s1@1:12.2.0-14?arch=amd64&distro=debian-12");

  const Package* base = Find(inv, "Debian", "base-files");
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->source_name, "");
  // Sorted by name.
  EXPECT_EQ(inv.packages[0].name, "base-files");
  EXPECT_EQ(inv.packages[2].name, "libgcc-s1");
}

TEST(DpkgStatusTest, ReadsDistrolessStatusD) {
  Inventory inv =
      BuildInventory({File("var/lib/dpkg/status.d/libssl3",
                           "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: arm64\n"
                           "Source: openssl\n"),
                      File("var/lib/dpkg/status.d/tzdata",
                           "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n")});
  ASSERT_EQ(inv.packages.size(), 2u);
  const Package* ssl = Find(inv, "Debian", "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(ssl->path, "var/lib/dpkg/status.d/libssl3");
  EXPECT_EQ(ssl->source_name, "openssl");
  EXPECT_EQ(ssl->purl, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64");  // no OS known
  EXPECT_EQ(ssl->ecosystem, "Debian");
}

// Advisories name a distribution's release: an image's packages carry it
// when its os-release says which, so a Debian 11 fix never applies to 12.
TEST(DpkgStatusTest, EcosystemCarriesTheReleaseTheOsNames) {
  auto with_os = [](const std::string& os_release, const std::string& db_path,
                    const std::string& db) {
    return BuildInventory({File("etc/os-release", os_release), File(db_path, db)});
  };
  const std::string dpkg = "Package: curl\nStatus: install ok installed\nVersion: 7.74.0-1.3\n";
  Inventory debian = with_os("ID=debian\nVERSION_ID=\"11\"\n", "var/lib/dpkg/status", dpkg);
  ASSERT_EQ(debian.packages.size(), 1u);
  EXPECT_EQ(debian.packages[0].ecosystem, "Debian:11");
  Inventory ubuntu = with_os("ID=ubuntu\nVERSION_ID=\"22.04\"\n", "var/lib/dpkg/status", dpkg);
  ASSERT_EQ(ubuntu.packages.size(), 1u);
  EXPECT_EQ(ubuntu.packages[0].ecosystem, "Ubuntu:22.04");
  EXPECT_EQ(ubuntu.packages[0].purl.rfind("pkg:deb/ubuntu/curl@", 0), 0u)
      << ubuntu.packages[0].purl;
  EXPECT_NE(ubuntu.packages[0].purl.find("distro=ubuntu-22.04"), std::string::npos);
  Inventory alpine = with_os("ID=alpine\nVERSION_ID=3.19.1\n", "lib/apk/db/installed",
                             "P:musl\nV:1.2.4-r2\nA:x86_64\n\n");
  ASSERT_EQ(alpine.packages.size(), 1u);
  EXPECT_EQ(alpine.packages[0].ecosystem, "Alpine:v3.19");
}

TEST(ApkInstalledTest, ReadsRecords) {
  const std::string db =
      "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nS:383152\nL:MIT\no:musl\n"
      "F:lib\nR:libc.musl-x86_64.so.1\n\n"
      "C:Q1def=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\n";
  Inventory inv = BuildInventory(
      {File("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"), File("lib/apk/db/installed", db)});
  ASSERT_EQ(inv.packages.size(), 2u);
  const Package* crypto = Find(inv, "Alpine", "libcrypto3");
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->version, "3.1.4-r5");
  EXPECT_EQ(crypto->source_name, "openssl");
  EXPECT_EQ(crypto->license, "Apache-2.0");
  EXPECT_EQ(crypto->purl, "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1");
  EXPECT_EQ(crypto->layer_digest, kLayer);
  const Package* musl = Find(inv, "Alpine", "musl");
  ASSERT_NE(musl, nullptr);
  EXPECT_EQ(musl->source_name, "");  // its own origin
}

TEST(PythonMetadataTest, ReadsDistInfoAndEggInfoWithNormalisedNames) {
  Inventory inv = BuildInventory(
      {File("usr/lib/python3/site-packages/Flask_SQLAlchemy-3.1.1.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: Flask_SQLAlchemy\nVersion: 3.1.1\n"
            "License-Expression: BSD-3-Clause\nLicense: BSD\n\nName: not-a-header\n"),
       File("usr/lib/python3/site-packages/zope.interface-6.0.egg-info/PKG-INFO",
            "Metadata-Version: 1.1\nName: zope.interface\nVersion: 6.0\nLicense: ZPL 2.1\n"
            "        more license text\n")});
  EXPECT_TRUE(inv.warnings.empty());
  ASSERT_EQ(inv.packages.size(), 2u);
  const Package* flask = Find(inv, "PyPI", "flask-sqlalchemy");
  ASSERT_NE(flask, nullptr);
  EXPECT_EQ(flask->version, "3.1.1");
  EXPECT_EQ(flask->license, "BSD-3-Clause");
  EXPECT_EQ(flask->purl, "pkg:pypi/flask-sqlalchemy@3.1.1");
  const Package* zope = Find(inv, "PyPI", "zope-interface");
  ASSERT_NE(zope, nullptr);
  EXPECT_EQ(zope->license, "ZPL 2.1");
  EXPECT_EQ(internal::NormalizePythonName("Foo.__Bar-_-baz"), "foo-bar-baz");
}

TEST(PythonMetadataTest, MetadataWithoutVersionIsAWarningNamingTheFile) {
  Inventory inv =
      BuildInventory({File("site-packages/broken-1.0.dist-info/METADATA", "Name: broken\n")});
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("broken-1.0.dist-info/METADATA"), std::string::npos);
}

TEST(NpmPackageJsonTest, ReadsScopedAndNestedPackages) {
  Inventory inv = BuildInventory(
      {File("app/node_modules/express/package.json",
            R"({"name": "express", "version": "4.18.2", "license": "MIT"})"),
       File("app/node_modules/@babel/core/package.json",
            R"({"name": "@babel/core", "version": "7.23.0", "license": {"type": "MIT"}})"),
       File("app/node_modules/express/node_modules/debug/package.json",
            R"({"name": "debug", "version": "2.6.9", "licenses": [{"type": "MIT"}]})"),
       File("app/node_modules/debug/package.json", R"({"name": "debug", "version": "4.3.4"})"),
       File("app/node_modules/broken/package.json", "{not json")});
  ASSERT_EQ(inv.packages.size(), 4u);
  const Package* babel = Find(inv, "npm", "@babel/core");
  ASSERT_NE(babel, nullptr);
  EXPECT_EQ(babel->purl, "pkg:npm/%40babel/core@7.23.0");
  EXPECT_EQ(babel->license, "MIT");
  const Package* nested =
      Find(inv, "npm", "debug", "app/node_modules/express/node_modules/debug/package.json");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->version, "2.6.9");
  EXPECT_EQ(nested->license, "MIT");
  EXPECT_EQ(nested->layer_digest, kLayer);
  EXPECT_EQ(Find(inv, "npm", "debug", "app/node_modules/debug/package.json")->version, "4.3.4");
  EXPECT_EQ(Find(inv, "npm", "express")->purl, "pkg:npm/express@4.18.2");
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("app/node_modules/broken/package.json"), std::string::npos);
}

TEST(InventoryTest, PackagesAreSortedByEcosystemNameVersionAndPath) {
  Inventory inv = BuildInventory(
      {File("b/node_modules/z/package.json", R"({"name": "z", "version": "1.0.0"})"),
       File("a/node_modules/z/package.json", R"({"name": "z", "version": "1.0.0"})"),
       File("var/lib/dpkg/status", "Package: zlib1g\nVersion: 1:1.2.13\n"),
       File("x/node_modules/a/package.json", R"({"name": "a", "version": "2.0.0"})")});
  ASSERT_EQ(inv.packages.size(), 4u);
  EXPECT_EQ(inv.packages[0].ecosystem, "Debian");
  EXPECT_EQ(inv.packages[1].name, "a");
  EXPECT_EQ(inv.packages[2].path, "a/node_modules/z/package.json");
  EXPECT_EQ(inv.packages[3].path, "b/node_modules/z/package.json");
}

}  // namespace
}  // namespace sluice::scan
