#include "cli/git_push.h"

#include <gtest/gtest.h>

#include "common/files.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

class GitPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-git-push-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    repo_ = dir_->path() / "models.git";
    Git({"init", "-q", "-b", "main", repo_.string()});
  }

  // `git ARGS` in the repository, as a test author with fixed dates.
  std::string Git(std::vector<std::string> args) {
    std::vector<std::string> full = {"-c", "user.name=Ada", "-c", "user.email=ada@bank.example"};
    full.insert(full.end(), args.begin(), args.end());
    auto out = RunGit(fs::exists(repo_) ? repo_ : dir_->path(), full,
                      {{"GIT_COMMITTER_DATE", "2026-11-01T10:00:00Z"},
                       {"GIT_AUTHOR_DATE", "2026-11-01T10:00:00Z"}});
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : "";
  }
  std::string Commit(const std::string& message) {
    Git({"add", "-A"});
    Git({"commit", "-q", "-m", message});
    std::string sha = Git({"rev-parse", "HEAD"});
    return sha.substr(0, 40);
  }
  void Write(const std::string& path, const std::string& text) {
    fs::create_directories((repo_ / path).parent_path());
    ASSERT_TRUE(WriteFileAtomic(repo_ / path, text).ok());
  }

  std::unique_ptr<TempDir> dir_;
  fs::path repo_;
};

const std::string kZeros(40, '0');

TEST_F(GitPushTest, ANewBranchListsItsCommitsWithTheirFiles) {
  Write("model/train.py", "fit()\n");
  Write("README.md", "hello\n");
  std::string first = Commit("First model");
  Write("model/train.py", "fit(depth=5)\n");
  std::string second = Commit("Deeper trees\n\nBody line.");

  auto payload = GitHubPushPayload(repo_, {kZeros, second, "refs/heads/main"}, {});
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  const auto& p = *payload;
  EXPECT_EQ(p["ref"], "refs/heads/main");
  EXPECT_EQ(p["before"], kZeros);
  EXPECT_EQ(p["after"], second);
  EXPECT_TRUE(p["created"].get<bool>());
  EXPECT_FALSE(p["deleted"].get<bool>());
  ASSERT_EQ(p["commits"].size(), 2u);
  EXPECT_EQ(p["commits"][0]["id"], first);
  EXPECT_EQ(p["commits"][0]["added"], nlohmann::json({"README.md", "model/train.py"}));
  EXPECT_EQ(p["commits"][1]["modified"], nlohmann::json({"model/train.py"}));
  EXPECT_EQ(p["commits"][1]["message"], "Deeper trees\n\nBody line.");
  EXPECT_EQ(p["commits"][1]["author"]["email"], "ada@bank.example");
  EXPECT_EQ(p["commits"][1]["timestamp"], "2026-11-01T10:00:00+00:00");
  EXPECT_EQ(p["head_commit"]["id"], second);
  EXPECT_EQ(p["repository"]["name"], "models");
  EXPECT_EQ(p["repository"]["full_name"], "local/models");
  EXPECT_EQ(p["repository"]["default_branch"], "main");
}

TEST_F(GitPushTest, AnUpdateListsOnlyTheNewCommitsAndRemovals) {
  Write("README.md", "hello\n");
  Write("model/train.py", "fit()\n");
  std::string before = Commit("First");
  Git({"rm", "-q", "README.md"});
  std::string after = Commit("Drop the readme");

  auto payload =
      GitHubPushPayload(repo_, {before, after, "refs/heads/main"}, {.full_name = "bank/models"});
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  ASSERT_EQ((*payload)["commits"].size(), 1u);
  EXPECT_EQ((*payload)["commits"][0]["removed"], nlohmann::json({"README.md"}));
  EXPECT_TRUE((*payload)["commits"][0]["added"].empty());
  EXPECT_FALSE((*payload)["forced"].get<bool>());
  EXPECT_EQ((*payload)["repository"]["full_name"], "bank/models");
}

TEST_F(GitPushTest, ADeletedBranchHasNoCommits) {
  Write("a.txt", "a\n");
  std::string sha = Commit("A");
  auto payload = GitHubPushPayload(repo_, {sha, kZeros, "refs/heads/old"}, {});
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_TRUE((*payload)["deleted"].get<bool>());
  EXPECT_TRUE((*payload)["commits"].empty());
  EXPECT_TRUE((*payload)["head_commit"].is_null());
}

TEST(ParsePushLineTest, TakesWhatGitGivesAndRefusesTheRest) {
  const std::string a(40, 'a'), b(40, 'b');
  auto ok = ParsePushLine(a + " " + b + " refs/heads/main");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->before, a);
  EXPECT_EQ(ok->after, b);
  EXPECT_EQ(ok->ref, "refs/heads/main");
  EXPECT_FALSE(ParsePushLine(a + " " + b).ok());
  EXPECT_FALSE(ParsePushLine(a + " xyz refs/heads/main").ok());
  EXPECT_FALSE(ParsePushLine(a + " " + b + " main").ok());
  EXPECT_FALSE(ParsePushLine(a + " " + b + " refs/heads/main extra").ok());
}

}  // namespace
}  // namespace sluice::cli
