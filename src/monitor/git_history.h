// When did the model's source last change, from a git repository's history
// (libgit2; no git process, no network): the newest commit reachable from a
// branch that touches any of some paths.
//
// "Touches" follows `git log -1 -- PATHS` with its default history
// simplification: a commit touches the paths when what they hold in its
// tree (a file's blob or a folder's tree, or nothing) differs from every
// parent's; a merge that keeps one parent's content for them does not
// touch them, and only that parent's side is followed further (the other
// side's changes did not reach the branch). A root commit touches the paths
// it holds. Commits are visited newest committer date first, as git log
// shows them.
//
// The repository is a work tree (its .git), or a bare repository, opened
// exactly where given (no search in parent folders). The branch is looked
// up as refs/heads/B, then refs/remotes/origin/B (a clone's remote branch),
// then as any revision git understands ("v1.2", a sha); empty means HEAD.
//
// Errors: NotFound when the path is not a repository, the branch is not in
// it, or no commit touches the paths (each message names the repository,
// branch and paths); IoError for what libgit2 cannot read. Thread-safe (the
// repository is opened per call).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::monitor {

struct CommitInfo {
  std::string sha;           // 40 hex digits
  std::string author;        // the author's name
  std::string summary;       // the message's first line
  int64_t committed_ms = 0;  // the committer date
};

struct GitHistoryQuery {
  std::filesystem::path repository;
  std::string branch;  // "" = HEAD
  // Relative to the repository's root; a folder covers everything below
  // it. Empty: any change (the branch's newest commit).
  std::vector<std::string> paths;
};

Result<CommitInfo> LastCommitTouching(const GitHistoryQuery& query);

}  // namespace sluice::monitor
