#include "monitor/git_history.h"

#include <git2.h>

#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <utility>

namespace sluice::monitor {

namespace {

// libgit2 counts its initialisations: each call pairs init with shutdown.
class LibGit2 {
 public:
  LibGit2() { git_libgit2_init(); }
  ~LibGit2() { git_libgit2_shutdown(); }
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;
};

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using EntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;

std::string LastError() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

std::string OidText(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

// "src/train.cc", "./src/" -> "src"; "" and "." mean the whole tree.
std::string NormalizePath(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.back() == '/') path.pop_back();
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  return path == "." ? "" : path;
}

std::string Describe(const GitHistoryQuery& q) {
  std::string paths;
  for (const auto& p : q.paths) paths += (paths.empty() ? "" : ", ") + p;
  return "on " + (q.branch.empty() ? std::string("HEAD") : "branch " + q.branch) + " of " +
         q.repository.string() + (paths.empty() ? "" : " touching " + paths);
}

// What the paths hold in one commit: each one's object id, or nothing.
using PathState = std::vector<std::optional<std::string>>;

class Walker {
 public:
  Walker(git_repository* repo, std::vector<std::string> paths)
      : repo_(repo), paths_(std::move(paths)) {}

  Result<PathState> StateOf(const git_commit* commit) {
    const std::string id = OidText(*git_commit_id(commit));
    if (auto it = states_.find(id); it != states_.end()) return it->second;
    git_tree* raw_tree = nullptr;
    if (git_commit_tree(&raw_tree, commit) != 0) {
      return Status::IoError("cannot read the tree of commit " + id + ": " + LastError());
    }
    TreePtr tree(raw_tree);
    PathState state;
    for (const std::string& path : paths_) {
      if (path.empty()) {
        state.emplace_back(OidText(*git_tree_id(tree.get())));
        continue;
      }
      git_tree_entry* raw_entry = nullptr;
      const int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
      if (rc == GIT_ENOTFOUND) {
        state.emplace_back(std::nullopt);
        continue;
      }
      if (rc != 0) return Status::IoError("cannot read " + path + " in " + id + ": " + LastError());
      EntryPtr entry(raw_entry);
      state.emplace_back(OidText(*git_tree_entry_id(entry.get())));
    }
    states_.emplace(id, state);
    return state;
  }

 private:
  git_repository* repo_;
  std::vector<std::string> paths_;
  std::map<std::string, PathState> states_;
};

CommitInfo Info(const git_commit* c) {
  CommitInfo info;
  info.sha = OidText(*git_commit_id(c));
  const git_signature* author = git_commit_author(c);
  info.author = author != nullptr && author->name != nullptr ? author->name : "";
  const char* summary = git_commit_summary(const_cast<git_commit*>(c));
  info.summary = summary != nullptr ? summary : "";
  info.committed_ms = static_cast<int64_t>(git_commit_time(c)) * 1000;
  return info;
}

Result<CommitPtr> ResolveBranch(git_repository* repo, const GitHistoryQuery& q) {
  std::vector<std::string> specs;
  if (q.branch.empty()) {
    specs = {"HEAD"};
  } else {
    specs = {"refs/heads/" + q.branch, "refs/remotes/origin/" + q.branch, q.branch};
  }
  for (const std::string& spec : specs) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, spec.c_str()) != 0) continue;
    ObjectPtr object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) continue;
    return CommitPtr(reinterpret_cast<git_commit*>(peeled));
  }
  if (q.branch.empty()) {
    return Status::NotFound(q.repository.string() +
                            " has no commit at HEAD (an empty repository?)");
  }
  return Status::NotFound("branch " + q.branch + " is not in " + q.repository.string() +
                          " (looked for refs/heads/" + q.branch + ", refs/remotes/origin/" +
                          q.branch + " and the revision " + q.branch + ")");
}

}  // namespace

Result<CommitInfo> LastCommitTouching(const GitHistoryQuery& query) {
  LibGit2 library;
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, query.repository.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                              nullptr) != 0) {
    return Status::NotFound(
        query.repository.string() +
        " is not a git repository (a work tree or a bare repository): " + LastError());
  }
  RepoPtr repo(raw_repo);
  SLUICE_ASSIGN_OR_RETURN(CommitPtr tip, ResolveBranch(repo.get(), query));
  if (query.paths.empty()) return Info(tip.get());

  std::vector<std::string> paths;
  for (const auto& p : query.paths) paths.push_back(NormalizePath(p));
  Walker walker(repo.get(), paths);

  // Newest committer date first; ties by id so the order is stable.
  using Item = std::pair<int64_t, std::string>;
  std::priority_queue<Item> queue;
  std::map<std::string, CommitPtr> pending;
  std::set<std::string> seen;
  auto push = [&](CommitPtr c) {
    std::string id = OidText(*git_commit_id(c.get()));
    if (!seen.insert(id).second) return;
    queue.emplace(static_cast<int64_t>(git_commit_time(c.get())), id);
    pending.emplace(std::move(id), std::move(c));
  };
  push(std::move(tip));
  while (!queue.empty()) {
    const std::string id = queue.top().second;
    queue.pop();
    CommitPtr commit = std::move(pending.at(id));
    pending.erase(id);
    SLUICE_ASSIGN_OR_RETURN(PathState state, walker.StateOf(commit.get()));
    const unsigned parents = git_commit_parentcount(commit.get());
    if (parents == 0) {
      for (const auto& entry : state) {
        if (entry.has_value()) return Info(commit.get());
      }
      continue;
    }
    std::optional<CommitPtr> same;
    for (unsigned i = 0; i < parents; ++i) {
      git_commit* raw_parent = nullptr;
      if (git_commit_parent(&raw_parent, commit.get(), i) != 0) {
        return Status::IoError("cannot read parent " + std::to_string(i) + " of " + id + " in " +
                               query.repository.string() + " (a shallow clone?): " + LastError());
      }
      CommitPtr parent(raw_parent);
      SLUICE_ASSIGN_OR_RETURN(PathState parent_state, walker.StateOf(parent.get()));
      if (parent_state == state) {
        same = std::move(parent);
        break;
      }
    }
    if (!same.has_value()) return Info(commit.get());
    push(std::move(*same));
  }
  return Status::NotFound("no commit " + Describe(query));
}

}  // namespace sluice::monitor
