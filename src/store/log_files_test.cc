#include "store/log_files.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::SampleExecution;

class StoreLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open(dir_.path(), clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    exec_ = SampleExecution();
    ASSERT_TRUE(store_->CreateExecution(&exec_).ok());
  }

  TempDir dir_ = MakeStateDir();
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<Store> store_;
  ExecutionRecord exec_;
};

TEST_F(StoreLogTest, AppendThenReadReturnsWholeLines) {
  ASSERT_TRUE(store_->AppendLog(exec_.id, "S.step", "one\ntwo\n").ok());
  ASSERT_TRUE(store_->AppendLog(exec_.id, "S.step", "three").ok());  // newline added
  ASSERT_TRUE(store_->AppendLog(exec_.id, "S.step", "").ok());       // nothing written
  auto log = store_->ReadLog(exec_.id, "S.step");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "one\ntwo\nthree\n");
  EXPECT_EQ(store_->LogPath(exec_.id, "S.step"), dir_.path() / "logs" / exec_.id / "S.step.log");
  EXPECT_TRUE(std::filesystem::exists(store_->LogPath(exec_.id, "S.step")));
}

TEST_F(StoreLogTest, ReadingANodeWithoutLogIsEmpty) {
  auto log = store_->ReadLog(exec_.id, "never.ran");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(*log, "");
}

TEST_F(StoreLogTest, IndexTracksBytesLinesAndTime) {
  ASSERT_TRUE(store_->AppendLog(exec_.id, "A", "12345\n1234\n").ok());
  clock_.Advance(250);
  ASSERT_TRUE(store_->AppendLog(exec_.id, "A", "xy").ok());
  ASSERT_TRUE(store_->AppendLog(exec_.id, "B", "b\n").ok());

  auto logs = store_->ListLogs(exec_.id);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  ASSERT_EQ(logs->size(), 2u);
  const LogInfo& a = (*logs)[0];
  EXPECT_EQ(a.node_path, "A");
  EXPECT_EQ(a.execution_id, exec_.id);
  EXPECT_EQ(a.file, store_->LogPath(exec_.id, "A"));
  EXPECT_EQ(a.bytes, 14);
  EXPECT_EQ(a.line_count, 3);
  EXPECT_EQ(a.updated_ms, 1'700'000'000'250);
  EXPECT_EQ((*logs)[1].node_path, "B");
  EXPECT_EQ((*logs)[1].bytes, 2);
}

TEST_F(StoreLogTest, PathsWithSlashesOrDotDotAreInternalErrors) {
  for (const char* bad : {"a/b", "..", "S..x", ""}) {
    Status s = store_->AppendLog(exec_.id, bad, "x");
    EXPECT_EQ(s.code(), StatusCode::kInternal) << bad;
    EXPECT_EQ(store_->ReadLog(exec_.id, bad).status().code(), StatusCode::kInternal) << bad;
  }
  EXPECT_EQ(store_->AppendLog("../etc", "S", "x").code(), StatusCode::kInternal);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "etc"));
}

TEST_F(StoreLogTest, ManyNodesBeyondTheDescriptorCacheStillAppendInOrder) {
  // More nodes than descriptors kept open, interleaved, so the cache evicts.
  for (int round = 0; round < 3; ++round) {
    for (int n = 0; n < 40; ++n) {
      ASSERT_TRUE(store_->AppendLog(exec_.id, "node" + std::to_string(n), "r" + std::to_string(round)).ok());
    }
  }
  for (int n = 0; n < 40; ++n) {
    auto log = store_->ReadLog(exec_.id, "node" + std::to_string(n));
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(*log, "r0\nr1\nr2\n");
  }
}

TEST(StoreLogFilesTest, CacheKeepsAtMostMaxOpenDescriptors) {
  TempDir dir = MakeStateDir();
  LogFiles files(dir.path(), 2);
  ASSERT_TRUE(files.Append("e", "a", "1").ok());
  ASSERT_TRUE(files.Append("e", "b", "1").ok());
  ASSERT_TRUE(files.Append("e", "c", "1").ok());
  EXPECT_EQ(files.open_count(), 2u);
  auto appended = files.Append("e", "a", "22\n");
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->file_size, 5);
  EXPECT_EQ(appended->lines, 1);
  auto text = files.Read("e", "a");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "1\n22\n");
}

TEST(StoreLogFilesTest, CheckLogNameExplainsTheRefusal) {
  Status s = CheckLogName("node path", "a/b");
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("\"a/b\""), std::string::npos);
  EXPECT_TRUE(CheckLogName("node path", "Stage.group.step_1").ok());
}

}  // namespace
}  // namespace sluice::store
