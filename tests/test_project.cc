#include "test_project.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

#include "oci/test_tools.h"

extern char** environ;

namespace sluice::testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

std::atomic<int> g_invocations{0};

TempDir MakeTempDir() {
  auto dir = TempDir::Create("sluice-it-");
  if (!dir.ok()) {
    std::fprintf(stderr, "cannot create a temp dir: %s\n", dir.status().message().c_str());
    std::abort();
  }
  return std::move(dir).value();
}

std::string Slurp(const fs::path& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : std::string();
}

// The child's environment: ours, minus SLUICE_MASTER_KEY, with overrides.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  env.erase("SLUICE_MASTER_KEY");
  for (const auto& [k, v] : overrides) {
    if (v.empty()) {
      env.erase(k);
    } else {
      env[k] = v;
    }
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// fork + exec with stdin/stdout/stderr from/to files; the child leads a new
// process group. Everything the child needs is prepared before fork.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const fs::path& in, const fs::path& out, const fs::path& err, const fs::path& cwd) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  std::string in_s = in.string(), out_s = out.string(), err_s = err.string(), cwd_s = cwd.string();

  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    // The test runner may block signals in its threads; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int fd_in = ::open(in_s.c_str(), O_RDONLY);
    int fd_out = ::open(out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fd_err = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_in < 0 || fd_out < 0 || fd_err < 0) _exit(126);
    ::dup2(fd_in, 0);
    ::dup2(fd_out, 1);
    ::dup2(fd_err, 2);
    if (!cwd_s.empty() && ::chdir(cwd_s.c_str()) != 0) _exit(126);
    ::execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

fs::path SluiceBinary() { return SLUICE_BINARY; }
fs::path SourceDir() { return SLUICE_SOURCE_DIR; }

nlohmann::json RunResult::Json() const {
  nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "stdout is not JSON:\n" << out << "\nstderr:\n" << err;
    return nullptr;
  }
  return j;
}

// --- SluiceProcess ------------------------------------------------------------

SluiceProcess::SluiceProcess(pid_t pid, fs::path out, fs::path err)
    : pid_(pid), out_(std::move(out)), err_(std::move(err)) {}

SluiceProcess::~SluiceProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void SluiceProcess::Signal(int sig) const {
  if (!reaped_) ::kill(pid_, sig);
}

RunResult SluiceProcess::Wait(milliseconds timeout) {
  RunResult r;
  if (pid_ <= 0) {
    r.err = "fork failed";
    return r;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      r.timed_out = true;
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  reaped_ = true;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  r.out = Slurp(out_);
  r.err = Slurp(err_);
  return r;
}

std::string SluiceProcess::StdoutSoFar() const { return Slurp(out_); }
std::string SluiceProcess::StderrSoFar() const { return Slurp(err_); }

// --- TestProject ----------------------------------------------------------------

TestProject::TestProject()
    : dir_(MakeTempDir()), project_(dir_.path() / "project"), scratch_(dir_.path() / "scratch") {
  fs::create_directories(project_ / ".harness" / "pipelines");
  fs::create_directories(scratch_);
  fs::create_directories(dir_.path() / "io");
}

void TestProject::Write(const std::string& relative, const std::string& content) const {
  fs::path p = project_ / relative;
  fs::create_directories(p.parent_path());
  Status s = WriteFileAtomic(p, content);
  ASSERT_TRUE(s.ok()) << s.message();
}

void TestProject::WritePipeline(const std::string& yaml, const std::string& file) const {
  Write(".harness/pipelines/" + file, yaml);
}

namespace {

void Git(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", "git", "-c", "user.name=Sluice Test", "-c",
                             "user.email=test@sluice.invalid", "-c", "commit.gpgsign=false"});
  pid_t pid = Spawn(args, ChildEnvironment({{"GIT_CONFIG_NOSYSTEM", "1"}}), "/dev/null",
                    "/dev/null", "/dev/null", dir);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "git failed in " << dir;
}

void CommitAll(const fs::path& dir) {
  Git(dir, {"init", "-q", "-b", "main"});
  Git(dir, {"add", "-A"});
  Git(dir, {"commit", "-q", "-m", "initial commit"});
}

}  // namespace

void TestProject::InitGitRepo() const {
  Write("README.md", "test project\n");
  Write(".gitignore", ".sluice/\n");
  CommitAll(project_);
}

fs::path TestProject::MakeGitRepo(const std::string& name,
                                  const std::map<std::string, std::string>& files) const {
  fs::path repo = scratch_ / name;
  fs::create_directories(repo);
  for (const auto& [rel, content] : files) {
    fs::create_directories((repo / rel).parent_path());
    Status s = WriteFileAtomic(repo / rel, content);
    EXPECT_TRUE(s.ok()) << s.message();
  }
  CommitAll(repo);
  return repo;
}

std::unique_ptr<SluiceProcess> TestProject::Start(const std::vector<std::string>& args,
                                                  const RunOptions& options) const {
  int n = ++g_invocations;
  fs::path io = dir_.path() / "io";
  fs::path in = "/dev/null";
  if (options.stdin_text) {
    in = io / (std::to_string(n) + ".in");
    Status s = WriteFileAtomic(in, *options.stdin_text, 0600);
    EXPECT_TRUE(s.ok()) << s.message();
  }
  fs::path out = io / (std::to_string(n) + ".out");
  fs::path err = io / (std::to_string(n) + ".err");
  std::vector<std::string> argv = {SluiceBinary().string()};
  if (options.with_project_flag) argv.insert(argv.end(), {"-C", project_.string()});
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = Spawn(argv, ChildEnvironment(options.env), in, out, err, scratch_);
  EXPECT_GT(pid, 0) << "fork failed";
  return std::make_unique<SluiceProcess>(pid, out, err);
}

RunResult TestProject::Sluice(const std::vector<std::string>& args,
                              const RunOptions& options) const {
  auto p = Start(args, options);
  return p->Wait(options.timeout);
}

nlohmann::json TestProject::RunJson(const std::vector<std::string>& extra,
                                    const RunOptions& options, RunResult* raw) const {
  std::vector<std::string> args = {"run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = Sluice(args, options);
  EXPECT_FALSE(r.timed_out) << "sluice run timed out; stderr:\n" << r.err;
  nlohmann::json j = r.Json();
  if (raw != nullptr) *raw = r;
  return j;
}

std::string TestProject::ReadScratch(const std::string& relative) const {
  return Slurp(scratch_ / relative);
}

std::string TestProject::StateBytes(bool with_workspaces) const {
  std::string all;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(state(), ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!with_workspaces && it->is_directory(ec) && it->path().filename() == "work") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) all += Slurp(it->path());
  }
  return all;
}

// --- JSON lookups ---------------------------------------------------------------

namespace {
const nlohmann::json kNull = nullptr;
}

const nlohmann::json& FindStage(const nlohmann::json& execution, const std::string& identifier) {
  if (!execution.is_object() || !execution.contains("stages")) return kNull;
  for (const auto& s : execution["stages"]) {
    if (s.value("identifier", "") == identifier) return s;
  }
  return kNull;
}

const nlohmann::json& FindStep(const nlohmann::json& execution, const std::string& path) {
  const nlohmann::json& stage = FindStage(execution, path.substr(0, path.find('.')));
  if (!stage.is_object()) return kNull;
  for (const auto& s : stage["steps"]) {
    if (s.value("path", "") == path) return s;
  }
  return kNull;
}

std::string StatusOf(const nlohmann::json& execution, const std::string& path) {
  const nlohmann::json& node =
      path.find('.') == std::string::npos ? FindStage(execution, path) : FindStep(execution, path);
  if (!node.is_object()) return "<no node " + path + ">";
  return node.value("status", "<no status>");
}

// --- processes ----------------------------------------------------------------------

std::string UniqueSleepArg() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  unsigned value = (rd() ^ static_cast<unsigned>(::getpid()) * 7919u) % 900000u + 100000u;
  return "1000." + std::to_string(value) + std::to_string(++counter);
}

std::vector<pid_t> ProcessesWithMarker(const std::string& marker) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    std::string cmdline = Slurp(entry.path() / "cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(marker) != std::string::npos) found.push_back(pid);
  }
  return found;
}

std::vector<pid_t> ReapMarker(const std::string& marker, milliseconds grace) {
  std::vector<pid_t> left;
  WaitFor([&] { return ProcessesWithMarker(marker).empty(); }, grace);
  left = ProcessesWithMarker(marker);
  for (pid_t pid : left) ::kill(pid, SIGKILL);
  return left;
}

bool WaitFor(const std::function<bool()>& predicate, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
}

size_t Count(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

int GitIn(const std::filesystem::path& dir, const std::vector<std::string>& args,
          std::string* output) {
  std::vector<std::string> argv = {"git",           "-C", dir.string(),      "-c",
                                   "user.name=Ada", "-c", "user.email=ada@x"};
  argv.insert(argv.end(), args.begin(), args.end());
  oci::testing::ToolRun run = oci::testing::RunTool(argv);
  if (output != nullptr) *output = run.output;
  return run.exit_code;
}

RunOptions WithMasterKey(std::optional<std::string> stdin_text) {
  RunOptions o;
  o.env["SLUICE_MASTER_KEY"] = kTestMasterKey;
  o.stdin_text = std::move(stdin_text);
  return o;
}

}  // namespace sluice::testing
