// Real repositories made with the git CLI, commits dated in the past.
#include "monitor/git_history.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/files.h"

namespace sluice::monitor {
namespace {

class GitHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-git-history-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    repo_ = dir_->path() / "repo";
    Git("init --quiet -b main " + Quote(repo_.string()), "");
  }

  static std::string Quote(const std::string& s) { return "'" + s + "'"; }

  // Runs git in the repository; `date` (ISO 8601) dates the commit.
  void Git(const std::string& args, const std::string& date) {
    std::string cmd;
    if (!date.empty()) cmd += "GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date + " ";
    cmd += "git -c user.name=Dana -c user.email=dana@example.com -c commit.gpgsign=false ";
    if (std::filesystem::exists(repo_)) cmd += "-C " + Quote(repo_.string()) + " ";
    cmd += args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories((repo_ / path).parent_path());
    std::ofstream(repo_ / path) << text;
  }

  // Commits `path` with new content at `date`.
  void Commit(const std::string& path, const std::string& text, const std::string& date,
              const std::string& message) {
    Write(path, text);
    Git("add -A", "");
    Git("commit --quiet -m " + Quote(message), date);
  }

  Result<CommitInfo> Last(std::vector<std::string> paths, std::string branch = "main") {
    return LastCommitTouching({repo_, std::move(branch), std::move(paths)});
  }

  std::unique_ptr<TempDir> dir_;
  std::filesystem::path repo_;
};

constexpr int64_t kJan1 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
constexpr int64_t kDay = 86'400'000;

TEST_F(GitHistoryTest, FindsTheNewestCommitTouchingThePathNotLaterOnes) {
  Commit("src/train.cc", "v1", "2024-01-01T00:00:00Z", "first model");
  Commit("src/train.cc", "v2", "2024-01-03T00:00:00Z", "tune depth\n\nlonger text");
  Commit("README.md", "docs", "2024-01-10T00:00:00Z", "docs only");
  auto c = Last({"src/train.cc"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->committed_ms, kJan1 + 2 * kDay);
  EXPECT_EQ(c->summary, "tune depth");
  EXPECT_EQ(c->author, "Dana");
  EXPECT_EQ(c->sha.size(), 40u);
  // Without paths: the branch's newest commit.
  EXPECT_EQ(Last({})->committed_ms, kJan1 + 9 * kDay);
  // Any of several paths; a folder covers its files.
  EXPECT_EQ(Last({"nothing/here", "README.md"})->committed_ms, kJan1 + 9 * kDay);
  EXPECT_EQ(Last({"./src/"})->committed_ms, kJan1 + 2 * kDay);
}

TEST_F(GitHistoryTest, ABranchHasItsOwnHistory) {
  Commit("src/train.cc", "v1", "2024-01-01T00:00:00Z", "first model");
  Git("checkout --quiet -b experiment", "");
  Commit("src/train.cc", "v2", "2024-01-05T00:00:00Z", "experiment");
  Git("checkout --quiet main", "");
  EXPECT_EQ(Last({"src/train.cc"}, "main")->committed_ms, kJan1);
  EXPECT_EQ(Last({"src/train.cc"}, "experiment")->committed_ms, kJan1 + 4 * kDay);
  EXPECT_EQ(Last({"src/train.cc"}, "")->committed_ms, kJan1);  // HEAD is main
}

TEST_F(GitHistoryTest, AMergeCountsOnlyWhenItDiffersFromEveryParent) {
  Commit("src/train.cc", "v1", "2024-01-01T00:00:00Z", "first model");
  Git("checkout --quiet -b feature", "");
  Commit("src/train.cc", "v2", "2024-01-02T00:00:00Z", "feature change");
  Git("checkout --quiet main", "");
  Commit("README.md", "docs", "2024-01-03T00:00:00Z", "docs");
  // The merge takes the feature's train.cc: it equals that parent, so the
  // change is the feature commit's, as git log shows.
  Git("merge --quiet --no-ff -m merge feature", "2024-01-04T00:00:00Z");
  auto c = Last({"src/train.cc"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->summary, "feature change");
  EXPECT_EQ(c->committed_ms, kJan1 + kDay);
}

TEST_F(GitHistoryTest, ABareCloneAnswersForItsBranches) {
  Commit("src/train.cc", "v1", "2024-01-01T00:00:00Z", "first model");
  const std::string bare = (dir_->path() / "bare.git").string();
  Git("clone --quiet --bare " + Quote(repo_.string()) + " " + Quote(bare), "");
  auto c = LastCommitTouching({bare, "main", {"src/train.cc"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->committed_ms, kJan1);
}

TEST_F(GitHistoryTest, ErrorsNameTheRepositoryTheBranchAndThePath) {
  Commit("src/train.cc", "v1", "2024-01-01T00:00:00Z", "first model");
  auto missing_branch = Last({"src/train.cc"}, "release");
  ASSERT_FALSE(missing_branch.ok());
  EXPECT_EQ(missing_branch.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing_branch.status().message().find("branch release"), std::string::npos);
  auto untouched = Last({"model/notebook.ipynb"});
  ASSERT_FALSE(untouched.ok());
  EXPECT_NE(untouched.status().message().find("model/notebook.ipynb"), std::string::npos);
  // A folder that is not a repository, even inside one, is not searched upwards.
  std::filesystem::create_directories(repo_ / "sub");
  auto not_repo = LastCommitTouching({repo_ / "sub", "", {}});
  ASSERT_FALSE(not_repo.ok());
  EXPECT_NE(not_repo.status().message().find("is not a git repository"), std::string::npos);
}

}  // namespace
}  // namespace sluice::monitor
