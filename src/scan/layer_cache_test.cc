#include "scan/layer_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/files.h"
#include "oci/digest.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;

const std::string kKey = LayerRecordKey("rules", 8 << 20, 256 << 20);

LayerRecord SampleRecord(const oci::Digest& layer) {
  LayerRecord r;
  r.layer_digest = layer.str();
  LayerEntry file;
  file.type = LayerEntry::Type::kFile;
  file.layer_digest = r.layer_digest;
  file.path = "usr/bin/su";
  file.mode = 04755;
  file.uid = 0;
  file.gid = 4294967295u;
  file.size = int64_t{5} << 33;
  file.truncated = true;
  LayerEntry link;
  link.type = LayerEntry::Type::kSymlink;
  link.layer_digest = r.layer_digest;
  link.path = "bin";
  link.link_target = "usr/bin";
  LayerEntry whiteout;
  whiteout.type = LayerEntry::Type::kWhiteout;
  whiteout.layer_digest = r.layer_digest;
  whiteout.path = "tmp/gone\xff";
  r.entries = {file, link, whiteout};
  r.files_scanned = 12345;
  Finding f;
  f.kind = FindingKind::kSecret;
  f.id = "aws-access-key-id";
  f.title = "AWS access key id";
  f.description = "rotate it";
  f.severity = Severity::kCritical;
  f.cvss_score = 9.8;
  f.path = "app/config.env";
  f.layer_digest = r.layer_digest;
  f.line = 3;
  f.match = "AWS_ACCESS_KEY_ID=AKIA****";
  f.references = {"https://example.com/a"};
  f.aliases = {"X-1"};
  r.secrets = {f};
  r.inventory_files.push_back({"var/lib/dpkg/status", r.layer_digest, "Package: a\n"});
  InventoryFile go{"usr/local/bin/app", r.layer_digest, ""};
  go.executable = ExecutableInfo{"go1.21.5",
                                 "example.com/app/cmd/app",
                                 {"example.com/app", "v1.2.3"},
                                 {{"golang.org/x/text", "v0.3.7"}, {"example.com/lib", ""}},
                                 ""};
  r.inventory_files.push_back(go);
  InventoryFile broken{"usr/local/bin/broken", r.layer_digest, ""};
  broken.executable = ExecutableInfo{};
  broken.executable->error = "Go build info cut short";
  r.inventory_files.push_back(broken);
  return r;
}

// Enough of a record to tell two apart, field by field.
void ExpectSameRecord(const LayerRecord& a, const LayerRecord& b) {
  EXPECT_EQ(a.layer_digest, b.layer_digest);
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const LayerEntry &x = a.entries[i], &y = b.entries[i];
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.layer_digest, y.layer_digest);
    EXPECT_EQ(x.mode, y.mode);
    EXPECT_EQ(x.uid, y.uid);
    EXPECT_EQ(x.gid, y.gid);
    EXPECT_EQ(x.size, y.size);
    EXPECT_EQ(x.link_target, y.link_target);
    EXPECT_EQ(x.truncated, y.truncated);
  }
  EXPECT_EQ(a.files_scanned, b.files_scanned);
  ASSERT_EQ(a.secrets.size(), b.secrets.size());
  for (size_t i = 0; i < a.secrets.size(); ++i) {
    const Finding &x = a.secrets[i], &y = b.secrets[i];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.aliases, y.aliases);
    EXPECT_EQ(x.title, y.title);
    EXPECT_EQ(x.description, y.description);
    EXPECT_EQ(x.severity, y.severity);
    EXPECT_EQ(x.cvss_score, y.cvss_score);
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.layer_digest, y.layer_digest);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.match, y.match);
    EXPECT_EQ(x.references, y.references);
  }
  ASSERT_EQ(a.inventory_files.size(), b.inventory_files.size());
  for (size_t i = 0; i < a.inventory_files.size(); ++i) {
    const InventoryFile &x = a.inventory_files[i], &y = b.inventory_files[i];
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.layer_digest, y.layer_digest);
    EXPECT_EQ(x.contents, y.contents);
    ASSERT_EQ(x.executable.has_value(), y.executable.has_value());
    if (!x.executable) continue;
    const ExecutableInfo &xi = *x.executable, &yi = *y.executable;
    EXPECT_EQ(xi.go_version, yi.go_version);
    EXPECT_EQ(xi.package_path, yi.package_path);
    EXPECT_EQ(xi.main.path, yi.main.path);
    EXPECT_EQ(xi.main.version, yi.main.version);
    ASSERT_EQ(xi.deps.size(), yi.deps.size());
    for (size_t m = 0; m < xi.deps.size(); ++m) {
      EXPECT_EQ(xi.deps[m].path, yi.deps[m].path);
      EXPECT_EQ(xi.deps[m].version, yi.deps[m].version);
    }
    EXPECT_EQ(xi.error, yi.error);
  }
}

TEST(LayerCacheTest, RecordReadsBackAsWritten) {
  oci::Digest layer = oci::Sha256Of("layer");
  LayerRecord record = SampleRecord(layer);
  auto decoded = DecodeLayerRecord(EncodeLayerRecord(record, kKey), layer.str(), kKey);
  ASSERT_TRUE(decoded.has_value());
  ExpectSameRecord(*decoded, record);
}

TEST(LayerCacheTest, RecordOfAnotherLayerOrKeyIsNotRead) {
  oci::Digest layer = oci::Sha256Of("layer");
  std::string bytes = EncodeLayerRecord(SampleRecord(layer), kKey);
  EXPECT_FALSE(DecodeLayerRecord(bytes, oci::Sha256Of("other").str(), kKey));
  EXPECT_FALSE(DecodeLayerRecord(bytes, layer.str(), LayerRecordKey("rules", 1024, 256 << 20)));
  EXPECT_FALSE(
      DecodeLayerRecord(bytes, layer.str(), LayerRecordKey("other rules", 8 << 20, 256 << 20)));
}

TEST(LayerCacheTest, DamagedRecordIsNotRead) {
  oci::Digest layer = oci::Sha256Of("layer");
  const std::string bytes = EncodeLayerRecord(SampleRecord(layer), kKey);
  EXPECT_FALSE(DecodeLayerRecord("", layer.str(), kKey));
  for (size_t cut : {size_t{1}, size_t{64}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_FALSE(DecodeLayerRecord(bytes.substr(0, cut), layer.str(), kKey)) << cut;
  }
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
    EXPECT_FALSE(DecodeLayerRecord(flipped, layer.str(), kKey)) << at;
  }
}

TEST(LayerCacheTest, StoreThenLoadUsesOneFileNamedByLayerAndKey) {
  auto dir = TempDir::Create("layer-cache-test-");
  ASSERT_TRUE(dir.ok());
  oci::Digest layer = oci::Sha256Of("layer");
  LayerCache cache(dir->path() / "cache", kKey);
  EXPECT_FALSE(cache.Load(layer));

  ASSERT_TRUE(cache.Store(SampleRecord(layer)).ok());
  EXPECT_EQ(cache.RecordPath(layer),
            dir->path() / "cache" / (layer.hex + "-" + kKey.substr(0, 16) + ".rec"));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir->path() / "cache")) {
    EXPECT_EQ(e.path(), cache.RecordPath(layer));  // no temporary file left
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(fs::status(dir->path() / "cache").permissions() & fs::perms::all, fs::perms::owner_all);
  auto loaded = cache.Load(layer);
  ASSERT_TRUE(loaded.has_value());
  ExpectSameRecord(*loaded, SampleRecord(layer));

  LayerCache other(dir->path() / "cache", LayerRecordKey("rules", 1, 256 << 20));
  EXPECT_FALSE(other.Load(layer));
}

TEST(LayerCacheTest, KeyChangesWithEverySetting) {
  const std::string key = LayerRecordKey("rules", 8 << 20, 256 << 20);
  EXPECT_EQ(key, LayerRecordKey("rules", 8 << 20, 256 << 20));
  EXPECT_EQ(key.size(), 64u);
  EXPECT_NE(key, LayerRecordKey("rules2", 8 << 20, 256 << 20));
  EXPECT_NE(key, LayerRecordKey("rules", 8 << 19, 256 << 20));
  EXPECT_NE(key, LayerRecordKey("rules", 8 << 20, 128 << 20));
}

}  // namespace
}  // namespace sluice::scan
