#include "engine/environment.h"

#include <unistd.h>

extern char** environ;

namespace sluice::engine {
namespace {

std::string Text(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::map<std::string, std::string> HostEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

std::map<std::string, std::string> StepEnvironment(const EnvironmentFacts& f,
                                                   const std::map<std::string, std::string>& host) {
  std::map<std::string, std::string> env;
  for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM"}) {
    auto it = host.find(name);
    if (it != host.end()) env[name] = it->second;
  }
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";

  env["CI"] = "true";
  env["DRONE"] = "true";
  env["HARNESS_EXECUTION_ID"] = f.execution_id;
  env["HARNESS_PIPELINE_EXECUTION_ID"] = f.execution_id;
  env["HARNESS_BUILD_ID"] = std::to_string(f.sequence_id);
  env["HARNESS_PIPELINE_ID"] = f.pipeline_id;
  env["HARNESS_ORG_ID"] = f.org_id;
  env["HARNESS_PROJECT_ID"] = f.project_id;
  env["HARNESS_ACCOUNT_ID"] = "local";
  env["HARNESS_STAGE_ID"] = f.stage_id;
  env["HARNESS_WORKSPACE"] = f.workspace;
  env["DRONE_WORKSPACE"] = f.workspace;
  env["DRONE_BUILD_NUMBER"] = std::to_string(f.sequence_id);
  env["DRONE_STAGE_NAME"] = f.stage_name;
  env["DRONE_BUILD_EVENT"] = f.trigger_type == "MANUAL" ? "custom" : "push";
  env["DRONE_SYSTEM_HOST"] = "localhost";

  std::string branch = Text(f.codebase, "branch");
  std::string sha = Text(f.codebase, "commitSha");
  std::string repo = Text(f.codebase, "repoUrl");
  std::string tag = Text(f.codebase, "tag");
  if (!branch.empty()) {
    env["DRONE_BRANCH"] = branch;
    env["DRONE_COMMIT_BRANCH"] = branch;
    env["DRONE_TARGET_BRANCH"] = branch;
    env["DRONE_SOURCE_BRANCH"] = branch;
  }
  if (!tag.empty()) env["DRONE_TAG"] = tag;
  if (!sha.empty()) {
    env["DRONE_COMMIT"] = sha;
    env["DRONE_COMMIT_SHA"] = sha;
    env["CI_COMMIT_SHA"] = sha;
    env["DRONE_COMMIT_AFTER"] = sha;
  }
  if (!repo.empty()) {
    env["DRONE_REPO_LINK"] = repo;
    env["DRONE_REMOTE_URL"] = repo;
    env["DRONE_GIT_HTTP_URL"] = repo;
    env["CI_REPO_REMOTE"] = repo;
  }
  std::string message = Text(f.codebase, "commitMessage");
  if (!message.empty()) env["DRONE_COMMIT_MESSAGE"] = message;
  std::string author = Text(f.codebase, "gitUser");
  if (!author.empty()) env["DRONE_COMMIT_AUTHOR"] = author;
  return env;
}

}  // namespace sluice::engine
