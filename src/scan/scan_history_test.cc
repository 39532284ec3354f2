#include "scan/scan_history.h"

#include <gtest/gtest.h>

#include "common/files.h"

namespace sluice::scan {
namespace {

Finding Vulnerability(std::string id) {
  Finding f;
  f.id = std::move(id);
  f.package_name = "openssl";
  return f;
}

TEST(ScanHistoryTest, NoPreviousScanBeforeTheFirstRecord) {
  auto dir = TempDir::Create("scan-history-");
  ASSERT_TRUE(dir.ok());
  ScanHistory history(dir->path() / "scans");
  auto previous = history.Previous("ml/train:1");
  ASSERT_TRUE(previous.ok()) << previous.status().ToString();
  EXPECT_FALSE(previous->has_value());
}

TEST(ScanHistoryTest, RecordsTheFingerprintsPerTarget) {
  auto dir = TempDir::Create("scan-history-");
  ASSERT_TRUE(dir.ok());
  ScanHistory history(dir->path() / "scans");
  oci::Digest image{"sha256", std::string(64, 'c')};
  ASSERT_TRUE(
      history.Record("ml/train:1", image, {Vulnerability("CVE-1"), Vulnerability("CVE-2")}).ok());
  ASSERT_TRUE(history.Record("ml/serve:1", image, {Vulnerability("CVE-9")}).ok());
  auto train = history.Previous("ml/train:1");
  ASSERT_TRUE(train.ok() && train->has_value());
  EXPECT_EQ(**train, (std::set<std::string>{FindingFingerprint(Vulnerability("CVE-1")),
                                            FindingFingerprint(Vulnerability("CVE-2"))}));
  // A later scan replaces the earlier one.
  ASSERT_TRUE(history.Record("ml/train:1", image, {}).ok());
  train = history.Previous("ml/train:1");
  ASSERT_TRUE(train.ok() && train->has_value());
  EXPECT_TRUE((*train)->empty());
  auto serve = history.Previous("ml/serve:1");
  ASSERT_TRUE(serve.ok() && serve->has_value());
  EXPECT_EQ((*serve)->size(), 1u);
}

TEST(ScanHistoryTest, AFileThatIsNotARecordNamesItselfAndTheWayOut) {
  auto dir = TempDir::Create("scan-history-");
  ASSERT_TRUE(dir.ok());
  ScanHistory history(dir->path());
  ASSERT_TRUE(history.Record("t", {"sha256", std::string(64, 'd')}, {}).ok());
  for (const auto& entry : std::filesystem::directory_iterator(dir->path())) {
    ASSERT_TRUE(WriteFileAtomic(entry.path(), "not json").ok());
  }
  auto previous = history.Previous("t");
  ASSERT_FALSE(previous.ok());
  EXPECT_EQ(previous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(previous.status().message().find("delete it"), std::string::npos);
}

}  // namespace
}  // namespace sluice::scan
