// ScanImage with a layer cache (ScanOptions::layer_cache): the same result
// as without one, records shared between images on one base, kept apart
// for other settings, rewritten when damaged, and free of secrets.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "oci/builder_test_util.h"
#include "oci/layer_tar.h"
#include "oci/layout.h"
#include "scan/go_test_elf.h"
#include "scan/layer_cache.h"
#include "scan/scanner.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;
using oci::testing::Write;

// Not a real key: the shape of one (AWS's documented examples end in
// EXAMPLE, which the rules allow).
constexpr char kAwsKeyId[] = "AKIAZ7QRSTUVWXYZ2345";

// Every field of a result that a scan computes, one line each, so that a
// difference shows as a readable diff.
std::string Describe(const ScanResult& r) {
  std::ostringstream out;
  const OsInfo& os = r.inventory.os;
  out << "os " << os.id << " " << os.version_id << " " << os.pretty_name << "\n";
  for (const Package& p : r.inventory.packages) {
    out << "package " << p.ecosystem << "|" << p.name << "|" << p.version << "|" << p.source_name
        << "|" << p.source_version << "|" << p.arch << "|" << p.license << "|" << p.purl << "|"
        << p.path << "|" << p.layer_digest << "\n";
  }
  for (const Finding& f : r.findings) {
    out << "finding " << FindingKindName(f.kind) << "|" << f.id << "|" << f.title << "|"
        << f.description << "|" << SeverityName(f.severity) << "|" << f.package_name << "|"
        << f.path << "|" << f.layer_digest << "|" << f.line << "|" << f.match << "\n";
  }
  for (const std::string& w : r.warnings) out << "warning " << w << "\n";
  out << "files scanned " << r.files_scanned << "\n";
  return out.str();
}

// Three layers:
//   base: os-release, a dpkg status, a Python package, a Go program, a
//         setuid su, a config holding an AWS key, tmp/key.txt holding one
//   app:  tmp/key.txt deleted (a whiteout: the key stays in the image), a
//         dpkg status with one more package, an npm package
//   top:  a world-writable file
// Images: "full" (base, app, top) and "other" (base, a layer of its own).
class ScannerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("scanner-cache-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto layout = oci::ImageLayout::Open(dir_->path() / "store");
    ASSERT_TRUE(layout.ok()) << layout.status().message();
    layout_ = std::make_unique<oci::ImageLayout>(std::move(*layout));
    cache_ = dir_->path() / "scan-cache";

    fs::path base = dir_->path() / "base";
    Write(base / "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n");
    Write(base / "var/lib/dpkg/status",
          "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
          "Source: openssl\nVersion: 3.0.11-1~deb12u2\n");
    Write(base / "usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA",
          "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\nLicense: Apache 2.0\n");
    Write(base / "usr/local/bin/goapp",
          test_elf::MinimalElf(
              test_elf::BuildInfoSection("go1.21.5",
                                         "path\texample.com/app\nmod\texample.com/app\tv1.2.3\t\n"
                                         "dep\tgolang.org/x/text\tv0.3.7\th1:abc=\n")));
    fs::permissions(base / "usr/local/bin/goapp", fs::perms(0755));
    Write(base / "usr/bin/su", "#!/bin/true\n");
    fs::permissions(base / "usr/bin/su", fs::perms(04755));
    Write(base / "app/config.env", std::string("AWS_ACCESS_KEY_ID=") + kAwsKeyId + "\n");
    Write(base / "tmp/key.txt", std::string("aws_access_key_id = ") + kAwsKeyId + "\n");

    fs::path app = dir_->path() / "app";
    Write(app / "var/lib/dpkg/status",
          "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
          "Source: openssl\nVersion: 3.0.11-1~deb12u2\n\n"
          "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
          "Source: zlib\nVersion: 1:1.2.13.dfsg-1\n");
    Write(app / "app/node_modules/lodash/package.json",
          R"({"name": "lodash", "version": "4.17.20", "license": "MIT"})");
    oci::LayerChanges app_changes;
    app_changes.changed = {"var/lib/dpkg/status", "app/node_modules/lodash/package.json"};
    app_changes.deleted = {"tmp/key.txt"};
    fs::create_directories(app / "tmp");  // a whiteout's directory is a layer's entry

    fs::path top = dir_->path() / "top";
    Write(top / "srv/shared.txt", "anyone may write\n");
    fs::permissions(top / "srv/shared.txt", fs::perms(0666));

    fs::path other = dir_->path() / "other";
    Write(other / "srv/other.txt", "other\n");

    auto l_base = oci::BuildLayer(base, {});
    auto l_app = oci::BuildLayer(app, {}, &app_changes);
    auto l_top = oci::BuildLayer(top, {});
    auto l_other = oci::BuildLayer(other, {});
    for (const auto* layer : {&l_base, &l_app, &l_top, &l_other}) {
      ASSERT_TRUE(layer->ok()) << layer->status().message();
    }
    base_digest_ = l_base->digest;
    auto full = layout_->WriteImage({*l_base, *l_app, *l_top}, oci::ImageConfig{}, "full");
    ASSERT_TRUE(full.ok()) << full.status().message();
    full_ = *full;
    auto second = layout_->WriteImage({*l_base, *l_other}, oci::ImageConfig{}, "other");
    ASSERT_TRUE(second.ok()) << second.status().message();
    other_ = *second;
    auto twice = layout_->WriteImage({*l_base, *l_other, *l_base}, oci::ImageConfig{}, "twice");
    ASSERT_TRUE(twice.ok()) << twice.status().message();
    twice_ = *twice;
  }

  ScanResult Scan(const oci::Descriptor& image, ScanOptions options) {
    auto result = ScanImage(*layout_, image, options);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? std::move(*result) : ScanResult{};
  }
  ScanOptions Cached() const {
    ScanOptions options;
    options.layer_cache = cache_;
    return options;
  }
  std::vector<fs::path> Records() const {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache_, ec)) out.push_back(e.path());
    return out;
  }
  // The record file of the base layer (the one record naming it).
  fs::path BaseRecord() const {
    for (const fs::path& p : Records()) {
      if (p.filename().string().starts_with(base_digest_.hex)) return p;
    }
    return {};
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<oci::ImageLayout> layout_;
  fs::path cache_;
  oci::Digest base_digest_;
  oci::Descriptor full_, other_, twice_;
};

ino_t Inode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

TEST_F(ScannerCacheTest, ColdAndWarmCachedScansGiveTheUncachedResult) {
  ScanResult uncached = Scan(full_, {});
  const std::string expected = Describe(uncached);
  // What the image holds, so that the comparison below compares something.
  EXPECT_NE(expected.find("package Debian:12|zlib1g|"), std::string::npos) << expected;
  EXPECT_NE(expected.find("package PyPI|requests|2.25.0"), std::string::npos) << expected;
  EXPECT_NE(expected.find("package npm|lodash|4.17.20"), std::string::npos) << expected;
  EXPECT_NE(expected.find("package Go|golang.org/x/text|v0.3.7"), std::string::npos) << expected;
  EXPECT_NE(expected.find("package Go|stdlib|v1.21.5"), std::string::npos) << expected;
  EXPECT_NE(expected.find("|tmp/key.txt|" + base_digest_.str()), std::string::npos) << expected;
  EXPECT_NE(expected.find("|usr/bin/su|"), std::string::npos) << expected;
  EXPECT_NE(expected.find("|srv/shared.txt|"), std::string::npos) << expected;
  EXPECT_GE(uncached.files_scanned, 8);
  EXPECT_FALSE(fs::exists(cache_));

  EXPECT_EQ(Describe(Scan(full_, Cached())), expected);
  EXPECT_EQ(Records().size(), 3u);
  EXPECT_EQ(Describe(Scan(full_, Cached())), expected);
  EXPECT_EQ(Records().size(), 3u);
}

TEST_F(ScannerCacheTest, AnotherImageOnTheSameBaseReusesItsRecord) {
  Scan(full_, Cached());
  const fs::path record = BaseRecord();
  ASSERT_FALSE(record.empty());
  const ino_t before = Inode(record);

  ScanResult cached = Scan(other_, Cached());
  // A rewrite renames a new file over the record: another inode.
  EXPECT_EQ(Inode(record), before);
  EXPECT_EQ(Records().size(), 4u);  // the other image's own layer added
  EXPECT_EQ(Describe(cached), Describe(Scan(other_, {})));
}

TEST_F(ScannerCacheTest, ALayerTwiceInOneImageCountsTwiceAsUncached) {
  ScanResult uncached = Scan(twice_, {});
  EXPECT_EQ(Describe(Scan(twice_, Cached())), Describe(uncached));
  EXPECT_EQ(Describe(Scan(twice_, Cached())), Describe(uncached));
  EXPECT_EQ(Records().size(), 2u);
}

TEST_F(ScannerCacheTest, OtherAllowlistOrSizeLimitDoesNotReuseRecords) {
  Scan(full_, Cached());
  ASSERT_EQ(Records().size(), 3u);

  auto allowing = SecretScanner::Create("allow-rules:\n  - id: tmp\n    path: '^tmp/'\n", "allow");
  ASSERT_TRUE(allowing.ok()) << allowing.status().message();
  ScanOptions with_allowlist = Cached();
  with_allowlist.secrets = &*allowing;
  ScanResult allowed = Scan(full_, with_allowlist);
  EXPECT_EQ(Records().size(), 6u);
  EXPECT_EQ(Describe(allowed).find("|tmp/key.txt|"), std::string::npos) << Describe(allowed);
  ScanOptions uncached_allowlist;
  uncached_allowlist.secrets = &*allowing;
  EXPECT_EQ(Describe(allowed), Describe(Scan(full_, uncached_allowlist)));

  ScanOptions small = Cached();
  small.max_secret_file_size = 16;  // below every file with a secret
  ScanResult limited = Scan(full_, small);
  EXPECT_EQ(Records().size(), 9u);
  EXPECT_EQ(Describe(limited).find("finding secret"), std::string::npos) << Describe(limited);
  ScanOptions uncached_small;
  uncached_small.max_secret_file_size = 16;
  EXPECT_EQ(Describe(limited), Describe(Scan(full_, uncached_small)));
}

TEST_F(ScannerCacheTest, CorruptRecordIsIgnoredAndRewritten) {
  const std::string expected = Describe(Scan(full_, Cached()));
  const fs::path record = BaseRecord();
  ASSERT_FALSE(record.empty());
  auto intact = ReadFile(record);
  ASSERT_TRUE(intact.ok());

  for (const std::string& damage :
       {std::string("not a record"), intact->substr(0, intact->size() / 2), std::string()}) {
    ASSERT_TRUE(WriteFileAtomic(record, damage).ok());
    EXPECT_EQ(Describe(Scan(full_, Cached())), expected);
    auto rewritten = ReadFile(record);
    ASSERT_TRUE(rewritten.ok());
    EXPECT_EQ(*rewritten, *intact);
  }
}

TEST_F(ScannerCacheTest, RecordsHoldNoSecretInClearText) {
  ScanResult result = Scan(full_, Cached());
  EXPECT_NE(Describe(result).find("finding secret|aws-access-key-id"), std::string::npos);
  ASSERT_EQ(Records().size(), 3u);
  for (const fs::path& p : Records()) {
    auto bytes = ReadFile(p);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->find(kAwsKeyId), std::string::npos) << p;
    // Nor the bulk of it (a masked match keeps at most its first 4 characters).
    EXPECT_EQ(bytes->find(std::string(kAwsKeyId).substr(4)), std::string::npos) << p;
    EXPECT_EQ(fs::status(p).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
  }
}

TEST_F(ScannerCacheTest, ConcurrentScansShareOneCache) {
  const std::string expected = Describe(Scan(full_, {}));
  std::vector<std::string> described(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < described.size(); ++i) {
    threads.emplace_back([&, i] {
      auto result = ScanImage(*layout_, full_, Cached());
      described[i] = result.ok() ? Describe(*result) : result.status().message();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& d : described) EXPECT_EQ(d, expected);
  EXPECT_EQ(Records().size(), 3u);  // no temporary file left behind
  EXPECT_EQ(Describe(Scan(full_, Cached())), expected);
}

TEST_F(ScannerCacheTest, CacheThatCannotBeWrittenOnlyCostsTime) {
  Write(cache_, "a file where the cache directory should be\n");
  ScanResult uncached = Scan(full_, {});
  EXPECT_EQ(Describe(Scan(full_, Cached())), Describe(uncached));
}

}  // namespace
}  // namespace sluice::scan
