// A push to a git repository as GitHub describes it in its `push` webhook
// event, built from the repository itself: what `sluice hooks
// post-receive` sends to sluice server for each updated ref, so a local
// bare repository triggers pipelines as a GitHub repository would.
//
// The payload carries ref, before, after, created, deleted, forced, the
// commits new to the ref (oldest first, at most kMaxPushCommits, each with
// id, tree_id, message, timestamp, author, committer and its added /
// modified / removed files against its first parent), head_commit,
// repository {name, full_name, clone_url, html_url, default_branch},
// pusher and sender. Files come from `git diff-tree` without rename
// detection (a rename is a removal and an addition, as GitHub lists it).
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::cli {

inline constexpr size_t kMaxPushCommits = 2048;

struct PushUpdate {
  std::string before;  // 40 zeros when the ref was created
  std::string after;   // 40 zeros when the ref was deleted
  std::string ref;     // "refs/heads/main"
};

struct PushContext {
  std::string full_name;  // "owner/name"; default: "local/<directory name>"
  std::string pusher_name;
  std::string pusher_email;
};

// `git -C DIR ARGS...` with PATH, LC_ALL=C and `env`: its standard
// output; IoError with git's message when it fails.
Result<std::string> RunGit(const std::filesystem::path& dir, std::vector<std::string> args,
                           const std::map<std::string, std::string>& env = {});

// Parses one line of a post-receive hook's standard input:
// "<old-sha> <new-sha> <ref>". InvalidArgument for anything else.
Result<PushUpdate> ParsePushLine(const std::string& line);

// The push event payload for `update` in the repository at `git_dir` (a
// bare repository or a work tree), read with the git CLI. IoError when git
// fails (its message included).
Result<nlohmann::json> GitHubPushPayload(const std::filesystem::path& git_dir,
                                         const PushUpdate& update, const PushContext& context);

}  // namespace sluice::cli
