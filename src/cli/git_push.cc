#include "cli/git_push.h"

#include <cstdlib>
#include <sstream>

#include "runner/process.h"

namespace sluice::cli {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

const std::string kZeros(40, '0');

class Collect : public runner::LineSink {
 public:
  void OnLine(runner::StreamKind stream, std::string_view line) override {
    std::string& to = stream == runner::StreamKind::kStdout ? out : err;
    to.append(line);
    to.push_back('\n');
  }
  std::string out;
  std::string err;
};

}  // namespace

Result<std::string> RunGit(const fs::path& git_dir, std::vector<std::string> args,
                           const std::map<std::string, std::string>& env) {
  args.insert(args.begin(), {"git", "-C", git_dir.string()});
  runner::ProcessSpec spec;
  spec.argv = args;
  const char* path = std::getenv("PATH");
  spec.env = env;
  spec.env["PATH"] = path != nullptr ? path : "/usr/bin:/bin";
  spec.env["LC_ALL"] = "C";
  runner::LocalProcessRunner processes;
  Collect collect;
  auto run = processes.Run(spec, collect, Cancellation());
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    std::string shown = "git";
    for (size_t i = 3; i < args.size(); ++i) shown += " " + args[i];
    return Status::IoError(shown + " failed in " + git_dir.string() + ": " +
                           (collect.err.empty() ? collect.out : collect.err));
  }
  return collect.out;
}

namespace {

Result<std::string> Git(const fs::path& git_dir, std::vector<std::string> args) {
  return RunGit(git_dir, std::move(args));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// One commit as the push event lists it.
Result<Json> CommitJson(const fs::path& git_dir, const std::string& sha, const std::string& url) {
  // One field per line (id, tree, author, committer, date), then the
  // whole message.
  auto show = Git(git_dir, {"show", "-s", "--format=%H%n%T%n%an%n%ae%n%cn%n%ce%n%cI%n%B", sha});
  if (!show.ok()) return show.status();
  std::istringstream in(*show);
  std::string id, tree, author, author_email, committer, committer_email, date;
  for (std::string* field :
       {&id, &tree, &author, &author_email, &committer, &committer_email, &date}) {
    std::getline(in, *field);
  }
  std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  // Files against the first parent (all files for a root commit).
  auto changes = Git(git_dir, {"diff-tree", "--no-commit-id", "--root", "-r", "--name-status",
                               "--no-renames", "-m", "--first-parent", sha});
  if (!changes.ok()) return changes.status();
  Json added = Json::array(), removed = Json::array(), modified = Json::array();
  for (const std::string& line : Lines(*changes)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string file = line.substr(tab + 1);
    switch (line[0]) {
      case 'A':
        added.push_back(file);
        break;
      case 'D':
        removed.push_back(file);
        break;
      default:
        modified.push_back(file);
        break;
    }
  }
  return Json{
      {"id", id},
      {"tree_id", tree},
      {"distinct", true},
      {"message", message},
      {"timestamp", date},
      {"url", url + "/commit/" + id},
      {"author", {{"name", author}, {"email", author_email}, {"username", author}}},
      {"committer", {{"name", committer}, {"email", committer_email}, {"username", committer}}},
      {"added", added},
      {"removed", removed},
      {"modified", modified}};
}

}  // namespace

Result<PushUpdate> ParsePushLine(const std::string& line) {
  std::istringstream in(line);
  PushUpdate u;
  std::string extra;
  auto hex40 = [](const std::string& s) {
    return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  if (!(in >> u.before >> u.after >> u.ref) || (in >> extra) || !hex40(u.before) ||
      !hex40(u.after) || u.ref.rfind("refs/", 0) != 0) {
    return Status::InvalidArgument(
        "expected \"<old-sha> <new-sha> <ref>\" as git gives a "
        "post-receive hook, got \"" +
        line + "\"");
  }
  return u;
}

Result<Json> GitHubPushPayload(const fs::path& git_dir, const PushUpdate& update,
                               const PushContext& context) {
  fs::path dir = fs::absolute(git_dir).lexically_normal();
  std::string name = dir.filename().string();
  if (name.empty()) name = dir.parent_path().filename().string();
  if (name.size() > 4 && name.substr(name.size() - 4) == ".git") name.resize(name.size() - 4);
  const std::string full_name = context.full_name.empty() ? "local/" + name : context.full_name;
  const std::string clone_url = "file://" + dir.string();
  const bool created = update.before == kZeros;
  const bool deleted = update.after == kZeros;

  std::string default_branch = "main";
  if (auto head = Git(dir, {"symbolic-ref", "--short", "HEAD"});
      head.ok() && !Lines(*head).empty()) {
    default_branch = Lines(*head)[0];
  }
  Json commits = Json::array();
  bool forced = false;
  if (!deleted) {
    // New to the ref: after, minus what the ref had; for a new ref, what no
    // other branch had.
    std::vector<std::string> args = {"rev-list", "--reverse", "--topo-order", update.after};
    if (created) {
      auto others = Git(dir, {"for-each-ref", "--format=%(objectname)", "refs/heads/"});
      if (!others.ok()) return others.status();
      for (const std::string& sha : Lines(*others)) {
        if (sha != update.after) args.push_back("^" + sha);
      }
    } else {
      args.push_back("^" + update.before);
      auto base = Git(dir, {"merge-base", "--is-ancestor", update.before, update.after});
      forced = !base.ok();
    }
    auto list = Git(dir, args);
    if (!list.ok()) return list.status();
    std::vector<std::string> shas = Lines(*list);
    if (shas.size() > kMaxPushCommits) shas.erase(shas.begin(), shas.end() - kMaxPushCommits);
    for (const std::string& sha : shas) {
      auto commit = CommitJson(dir, sha, clone_url);
      if (!commit.ok()) return commit.status();
      commits.push_back(std::move(*commit));
    }
  }
  Json head_commit = commits.empty() ? Json() : commits.back();
  if (head_commit.is_null() && !deleted) {
    auto commit = CommitJson(dir, update.after, clone_url);
    if (!commit.ok()) return commit.status();
    head_commit = std::move(*commit);
  }
  const std::string login = context.pusher_name.empty() ? "sluice" : context.pusher_name;
  return Json{{"ref", update.ref},
              {"before", update.before},
              {"after", update.after},
              {"created", created},
              {"deleted", deleted},
              {"forced", forced},
              {"base_ref", nullptr},
              {"compare", clone_url + "/compare/" + update.before.substr(0, 12) + "..." +
                              update.after.substr(0, 12)},
              {"commits", commits},
              {"head_commit", head_commit},
              {"repository",
               {{"name", name},
                {"full_name", full_name},
                {"clone_url", clone_url},
                {"html_url", clone_url},
                {"default_branch", default_branch}}},
              {"pusher", {{"name", login}, {"email", context.pusher_email}}},
              {"sender", {{"login", login}}}};
}

}  // namespace sluice::cli
