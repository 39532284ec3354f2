#include "steps/build_context.h"

#include <gtest/gtest.h>

#include "common/files.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;

class BuildContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    root_ = dir_->path();
    for (const char* d : {"ws/src", "ws/output", "shared", "scratch"}) {
      ASSERT_TRUE(MakeDirs(root_ / d).ok());
    }
    ASSERT_TRUE(WriteFileAtomic(root_ / "ws/Dockerfile", "FROM scratch\n").ok());
    ASSERT_TRUE(WriteFileAtomic(root_ / "ws/src/a.txt", "a").ok());
    ASSERT_TRUE(WriteFileAtomic(root_ / "ws/output/hidden", "under the mount").ok());
    ASSERT_TRUE(WriteFileAtomic(root_ / "shared/model.json", "{}").ok());
    workspace_.host_dir = root_ / "ws";
    workspace_.working_dir = "/harness";
    workspace_.mounts = {{(root_ / "ws").string(), "/harness", false},
                         {(root_ / "shared").string(), "/harness/output", false}};
    workspace_.scratch_dir = root_ / "scratch";
  }

  std::optional<TempDir> dir_;
  fs::path root_;
  engine::StepWorkspace workspace_;
};

TEST_F(BuildContextTest, SharedPathsInsideTheContextAppearAtTheirPlace) {
  auto context = HostBuildContext(workspace_, ".");
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  EXPECT_NE(*context, root_ / "ws");
  EXPECT_EQ(*ReadFile(*context / "src/a.txt"), "a");
  EXPECT_EQ(*ReadFile(*context / "output/model.json"), "{}");
  EXPECT_FALSE(fs::exists(*context / "output/hidden")) << "the mount hides what was beneath it";
  EXPECT_TRUE(fs::exists(root_ / "ws/output/hidden")) << "the workspace is left alone";
  // Hard links: the same file, not a copy.
  EXPECT_TRUE(fs::equivalent(*context / "src/a.txt", root_ / "ws/src/a.txt"));
}

TEST_F(BuildContextTest, AContextWithoutMountsInsideIsUsedInPlace) {
  auto context = HostBuildContext(workspace_, "src");
  ASSERT_TRUE(context.ok());
  EXPECT_EQ(*context, root_ / "ws/src");
  auto shared = HostBuildContext(workspace_, "/harness/output");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(*shared, root_ / "shared");
  EXPECT_TRUE(fs::is_empty(root_ / "scratch"));
}

TEST_F(BuildContextTest, WithoutMountsTheHostDirectoryIsTheContext) {
  workspace_.mounts.clear();
  workspace_.working_dir = (root_ / "ws").string();
  auto context = HostBuildContext(workspace_, "");
  ASSERT_TRUE(context.ok());
  EXPECT_EQ(*context, root_ / "ws");
}

}  // namespace
}  // namespace sluice::steps
