// What every integration test needs: a throw-away project directory, and a
// way to run the real `sluice` binary on it and look at what it did.
//
// TestProject owns a fresh temp directory (removed when the object dies)
// holding the project (`project/`, with `.harness/...` written by the test)
// and a scratch area (`scratch/`) for counter files and marker files that
// steps write through absolute paths. Every sluice invocation gets
// `-C <project>`; the state directory is the default `<project>/.sluice`.
//
// Running sluice: Run() blocks until the process ends (or kills it after
// `timeout` and reports timed_out); Start() returns a SluiceProcess for tests
// that must act while sluice runs (send a signal, `kill -9`, `sluice abort`).
// stdout and stderr go to files, so a chatty process can never block on a
// full pipe, and both are readable while the process runs. The child gets
// its own process group so signals sent to it reach sluice only, as a
// terminal's Ctrl-C would reach sluice (its steps run in groups of their own).
//
// The environment of the child is the test's own, minus SLUICE_MASTER_KEY,
// plus RunOptions::env (an empty value removes the variable).
//
// Helpers return plain values, not Status: they only ever run inside tests,
// and report set-up failures (a file not written, git failing, output that
// is not JSON) as gtest failures. Not being able to create a temp directory
// at all aborts the binary.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/files.h"

namespace sluice::testing {

// Path of the sluice binary under test and of the repository (set by CMake).
std::filesystem::path SluiceBinary();
std::filesystem::path SourceDir();

struct RunOptions {
  std::map<std::string, std::string> env;  // overrides; "" removes the variable
  std::optional<std::string> stdin_text;   // default: /dev/null
  std::chrono::milliseconds timeout{30000};
  bool with_project_flag = true;  // prepend -C <project>
};

// A master key for the encrypted secret store, fixed for tests.
inline constexpr char kTestMasterKey[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// RunOptions with SLUICE_MASTER_KEY set to kTestMasterKey (for `sluice
// secret set` and the runs that read those secrets), and `stdin_text`.
RunOptions WithMasterKey(std::optional<std::string> stdin_text = std::nullopt);

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by one
  bool timed_out = false;
  std::string out;
  std::string err;

  // stdout parsed as JSON; a failed parse records a test failure and
  // returns null.
  nlohmann::json Json() const;
};

// A sluice process started in the background.
class SluiceProcess {
 public:
  SluiceProcess(pid_t pid, std::filesystem::path out, std::filesystem::path err);
  ~SluiceProcess();  // kills (SIGKILL) and reaps a process still running
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig) const;
  // Waits for the end; after `timeout` the process is killed and
  // timed_out set.
  RunResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string StdoutSoFar() const;
  std::string StderrSoFar() const;

 private:
  pid_t pid_;
  bool reaped_ = false;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

class TestProject {
 public:
  TestProject();
  TestProject(const TestProject&) = delete;
  TestProject& operator=(const TestProject&) = delete;

  const std::filesystem::path& root() const { return project_; }
  const std::filesystem::path& scratch() const { return scratch_; }
  std::filesystem::path state() const { return project_ / ".sluice"; }

  // Writes `content` to `relative` under the project (making directories).
  void Write(const std::string& relative, const std::string& content) const;
  // Writes .harness/pipelines/<file>.
  void WritePipeline(const std::string& yaml, const std::string& file = "pipeline.yaml") const;
  // Makes the project directory a git repository with one commit of its
  // current files (plus README.md), on branch main.
  void InitGitRepo() const;
  // A separate git repository under scratch/<name> with `files` committed on
  // branch main; returns its path.
  std::filesystem::path MakeGitRepo(const std::string& name,
                                    const std::map<std::string, std::string>& files) const;

  RunResult Sluice(const std::vector<std::string>& args, const RunOptions& options = {}) const;
  std::unique_ptr<SluiceProcess> Start(const std::vector<std::string>& args,
                                       const RunOptions& options = {}) const;

  // `sluice run --json ARGS...`, parsed. The result's exit code is left to
  // the caller.
  nlohmann::json RunJson(const std::vector<std::string>& extra = {}, const RunOptions& options = {},
                         RunResult* raw = nullptr) const;

  // Reads a file under scratch/ ("" when absent).
  std::string ReadScratch(const std::string& relative) const;
  // Every byte of every regular file under the state directory, concatenated.
  // `with_workspaces` false: only what sluice itself writes (database, logs,
  // caches), not the files steps left in their workspaces under work/.
  std::string StateBytes(bool with_workspaces = true) const;

 private:
  TempDir dir_;
  std::filesystem::path project_;
  std::filesystem::path scratch_;
};

// --- looking into --json output ---------------------------------------------

// The stage with `identifier` in an execution document (null when absent).
const nlohmann::json& FindStage(const nlohmann::json& execution, const std::string& identifier);
// The step (or step group) whose path is `path` ("Stage.step",
// "Stage.group.step"), null when absent.
const nlohmann::json& FindStep(const nlohmann::json& execution, const std::string& path);
// The status string of a stage (no dot) or of a step path.
std::string StatusOf(const nlohmann::json& execution, const std::string& path);

// --- processes ----------------------------------------------------------------

// A marker unique to this test run, for argv of processes the test wants to
// find later (e.g. "1000.1234567").
std::string UniqueSleepArg();
// Pids of live processes whose command line contains `marker`.
std::vector<pid_t> ProcessesWithMarker(const std::string& marker);
// Waits (up to `grace`) for every process with `marker` to go; returns the
// pids still alive after that, and kills them so no test leaves them behind.
std::vector<pid_t> ReapMarker(const std::string& marker,
                              std::chrono::milliseconds grace = std::chrono::seconds(3));

// Polls `predicate` every 20 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& predicate,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// `git -C DIR ARGS...` as a test author (user.name Ada); its exit code, and
// what it printed (stdout and stderr) in `output` when given.
int GitIn(const std::filesystem::path& dir, const std::vector<std::string>& args,
          std::string* output = nullptr);

// Number of times `needle` occurs in `haystack`.
size_t Count(const std::string& haystack, const std::string& needle);

}  // namespace sluice::testing
