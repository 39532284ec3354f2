// sluice hooks install REPO [--url URL] [--secret NAME] [--repository
// OWNER/NAME] [--force]: makes a git repository (bare or not) tell sluice
// server about pushes. It writes the repository's post-receive hook, which
// runs `sluice hooks post-receive` with this project: for each updated ref
// it sends a GitHub-shaped push event (cli/git_push.h) to the server's
// GitHub webhook route, signed with X-Hub-Signature-256 when --secret
// names a sluice secret (a trigger's encryptedWebhookSecretIdentifier), so
// the project's triggers fire as they would for a push to GitHub.
//
// Without --url the hook sends to the server running for the project at
// the time of the push (<state>/server.json). The secret is read from the
// project's secret store at each push; it is never written into the hook.
// An existing post-receive hook that sluice did not write is left alone
// unless --force, which keeps it as post-receive.before-sluice.
//
// sluice hooks post-receive [--url URL] [--secret NAME] [--repository
// OWNER/NAME]: what the hook runs; reads "<old> <new> <ref>" lines on
// standard input in the repository (GIT_DIR, else the current directory).
// A push is never refused: a delivery that fails is reported to the pusher
// and the exit status is 1.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/app.h"
#include "cli/git_push.h"
#include "common/files.h"
#include "common/hash.h"
#include "common/ids.h"
#include "oci/registry_http.h"
#include "server/launch.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker = "sluice hooks post-receive";
constexpr std::string_view kWebhookPath = "/api/webhooks/github";

struct HookFlags {
  std::string repo;
  std::string url;
  std::string secret;
  std::string repository;
  bool force = false;
};

// 'text' for sh, whatever it holds.
std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The hooks directory git uses for `repo` (core.hooksPath respected).
Result<fs::path> HooksDir(const fs::path& repo) {
  if (!fs::is_directory(repo)) {
    return Status::NotFound(repo.string() + ": no such directory (give a git repository)");
  }
  auto out = RunGit(repo, {"rev-parse", "--path-format=absolute", "--git-path", "hooks"});
  if (!out.ok() || out->empty()) {
    return Status::InvalidArgument(
        repo.string() + " is not a git repository (" +
        (out.ok() ? "git found no hooks directory" : out.status().message()) + ")");
  }
  std::string dir = *out;
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return fs::path(dir);
}

int Install(const GlobalOptions& global, const HookFlags& flags) {
  App app(global);
  auto hooks = HooksDir(flags.repo);
  if (!hooks.ok()) return Fail(hooks.status(), kExitUsage);
  if (!flags.secret.empty()) {
    auto secrets = app.Secrets();
    if (!secrets.ok()) return Fail(secrets.status());
    if (auto value = (*secrets)->Get(flags.secret); !value.ok()) {
      return Fail(
          value.status().Annotate("--secret " + flags.secret +
                                  " (create it with `sluice secret set " + flags.secret + "`)"),
          kExitUsage);
    }
  }
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Fail(Status::IoError("cannot find this sluice binary: " + ec.message()));
  const fs::path hook = *hooks / "post-receive";
  if (fs::exists(hook)) {
    auto old = ReadFile(hook);
    const bool ours = old.ok() && old->find(kMarker) != std::string::npos;
    if (!ours && !flags.force) {
      return Fail(Status::AlreadyExists(hook.string() +
                                        " exists and sluice did not write it; --force keeps it "
                                        "as post-receive.before-sluice and installs sluice's"),
                  kExitUsage);
    }
    if (!ours) fs::rename(hook, *hooks / "post-receive.before-sluice", ec);
  }
  std::string command = ShellQuote(self.string()) + " -C " +
                        ShellQuote(fs::absolute(app.ProjectDir()).lexically_normal().string());
  if (!global.state.empty())
    command += " --state " + ShellQuote(fs::absolute(global.state).string());
  command += " hooks post-receive";
  if (!flags.url.empty()) command += " --url " + ShellQuote(flags.url);
  if (!flags.secret.empty()) command += " --secret " + ShellQuote(flags.secret);
  if (!flags.repository.empty()) command += " --repository " + ShellQuote(flags.repository);
  const std::string script =
      "#!/bin/sh\n"
      "# Written by `sluice hooks install`: each pushed ref goes to sluice server\n"
      "# as a GitHub push event (" +
      std::string(kMarker) +
      ").\n"
      "exec " +
      command + "\n";
  fs::create_directories(*hooks, ec);
  if (Status s = WriteFileAtomic(hook, script); !s.ok()) return Fail(s);
  if (chmod(hook.c_str(), 0755) != 0) return Fail(Status::IoError("chmod " + hook.string()));
  std::cout << "installed " << hook.string() << ": pushes go to "
            << (flags.url.empty() ? "the project's running sluice server" : flags.url)
            << (flags.secret.empty() ? ", unsigned" : ", signed with secret " + flags.secret)
            << "\n";
  return kExitOk;
}

int PostReceive(const GlobalOptions& global, const HookFlags& flags) {
  App app(global);
  std::string url = flags.url;
  if (url.empty()) {
    std::string base = server::OwningServerUrl(app.StateDir());
    if (base.empty()) {
      return Fail(Status::FailedPrecondition("no sluice server runs for " +
                                             app.ProjectDir().string() +
                                             "; the push was not sent (start `sluice server`, or "
                                             "install the hook with --url)"));
    }
    url = base + std::string(kWebhookPath);
  }
  std::string secret;
  if (!flags.secret.empty()) {
    auto secrets = app.Secrets();
    if (!secrets.ok()) return Fail(secrets.status());
    auto value = (*secrets)->Get(flags.secret);
    if (!value.ok()) return Fail(value.status().Annotate("--secret " + flags.secret));
    secret = std::move(*value);
  }
  const char* git_dir = std::getenv("GIT_DIR");
  const fs::path repo = git_dir != nullptr ? fs::path(git_dir) : fs::current_path();
  PushContext context;
  context.full_name = flags.repository;
  if (const char* user = std::getenv("USER"); user != nullptr) context.pusher_name = user;
  auto transport = oci::NewCurlTransport(std::chrono::seconds(30));
  int failed = 0;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    auto update = ParsePushLine(line);
    if (!update.ok()) {
      std::cerr << "sluice: " << update.status().message() << "\n";
      ++failed;
      continue;
    }
    auto payload = GitHubPushPayload(repo, *update, context);
    if (!payload.ok()) {
      std::cerr << "sluice: " << update->ref << ": " << payload.status().message() << "\n";
      ++failed;
      continue;
    }
    oci::HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.body = payload->dump();
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "sluice-hook"},
                       {"X-GitHub-Event", "push"},
                       {"X-GitHub-Delivery", NewExecutionId()}};
    if (!secret.empty()) {
      request.headers["X-Hub-Signature-256"] = "sha256=" + HmacSha256Hex(secret, request.body);
    }
    auto response = transport->Send(request);
    const size_t commits = (*payload)["commits"].size();
    if (!response.ok()) {
      std::cerr << "sluice: " << update->ref << " not sent to " << url << ": "
                << response.status().message() << "\n";
      ++failed;
    } else if (response->status >= 300) {
      std::cerr << "sluice: " << update->ref << " sent to " << url << ": HTTP " << response->status
                << " " << response->body << "\n";
      ++failed;
    } else {
      std::cerr << "sluice: " << update->ref << " (" << commits << " commit"
                << (commits == 1 ? "" : "s") << ") sent to " << url << ": " << response->body
                << "\n";
    }
  }
  return failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void AddHooksCommand(CLI::App& cli, GlobalOptions& options) {
  CLI::App* hooks = cli.add_subcommand("hooks", "Git hooks that send pushes to sluice server");
  hooks->require_subcommand(1);

  auto install_flags = std::make_shared<HookFlags>();
  CLI::App* install = hooks->add_subcommand(
      "install",
      "Install a post-receive hook in a git repository that sends its pushes to "
      "the project's sluice server as GitHub push events");
  install->add_option("repo", install_flags->repo, "The git repository (bare or not)")->required();
  install->add_option(
      "--url", install_flags->url,
      "Where to send (default: the project's running server's " + std::string(kWebhookPath) + ")");
  install->add_option("--secret", install_flags->secret,
                      "A sluice secret to sign deliveries with (X-Hub-Signature-256)");
  install->add_option("--repository", install_flags->repository,
                      "OWNER/NAME in the payload (default: local/<directory name>)");
  install->add_flag("--force", install_flags->force,
                    "Replace a post-receive hook sluice did not write (it is kept aside)");
  install->callback([&options, install_flags] { std::exit(Install(options, *install_flags)); });

  auto receive_flags = std::make_shared<HookFlags>();
  CLI::App* receive = hooks->add_subcommand(
      "post-receive", "Send the pushed refs read on standard input (what the hook runs)");
  receive->add_option("--url", receive_flags->url, "Where to send");
  receive->add_option("--secret", receive_flags->secret, "A sluice secret to sign with");
  receive->add_option("--repository", receive_flags->repository, "OWNER/NAME in the payload");
  receive->callback([&options, receive_flags] { std::exit(PostReceive(options, *receive_flags)); });
}

}  // namespace sluice::cli
