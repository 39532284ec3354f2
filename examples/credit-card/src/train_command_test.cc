#include "train_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/clock.h"
#include "common/files.h"
#include "generator.h"

namespace ccapproval {
namespace {

TEST(TrainCommandTest, TrainsAndSummarises) {
  auto dir = sluice::TempDir::Create("ccapproval-train-command-");
  ASSERT_TRUE(dir.ok());
  const std::filesystem::path root = dir->path();
  ASSERT_TRUE(GenerateCsvFile(54, 2000, root / "cc.csv").ok());
  ASSERT_TRUE(sluice::WriteFileAtomic(root / "config.yml",
                                      "data: {load_file_path: cc.csv}\n"
                                      "model: {save_file_path: m.json, "
                                      "save_metrics_file_path: metrics.json}\n")
                  .ok());
  sluice::FakeClock clock;
  std::ostringstream out, err;
  EXPECT_EQ(RunTrainCommand(root / "config.yml", clock, out, err), 0) << err.str();
  EXPECT_TRUE(
      out.str().starts_with("trained on 1600 rows, tested on 400\n"
                            "selected (group-unaware): test accuracy "))
      << out.str();
  EXPECT_NE(out.str().find("\nbaseline (with Group):    test accuracy "), std::string::npos);
  EXPECT_TRUE(out.str().ends_with("wrote " + (root / "m.json").string() + " and " +
                                  (root / "metrics.json").string() + "\n"))
      << out.str();
  EXPECT_EQ(err.str(), "");
}

TEST(TrainCommandTest, ErrorsGoToErrWithExitOne) {
  sluice::FakeClock clock;
  std::ostringstream out, err;
  EXPECT_EQ(RunTrainCommand("/nonexistent/config.yml", clock, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_TRUE(
      err.str().starts_with("ccapproval train: error: cannot read "
                            "/nonexistent/config.yml"))
      << err.str();
}

}  // namespace
}  // namespace ccapproval
