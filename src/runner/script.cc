#include "runner/script.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "common/files.h"
#include "runner/executable.h"
#include "runner/output_capture.h"

namespace sluice::runner {

namespace fs = std::filesystem;

namespace {

// Linux limits one exec argument to 128 KiB (MAX_ARG_STRLEN); longer
// scripts are run from their file instead of through -c.

const char* ShellName(Shell shell) { return shell == Shell::kBash ? "bash" : "sh"; }

// Prefix and script joined on one line ("set -xe; <first line>"), as
// Harness does, so the shell's line numbers are the user's.
std::string WithPrefix(const std::string& prefix, const std::string& script) {
  if (prefix.empty()) return script;
  char last = prefix.back();
  if (last == '\n' || last == ';') return prefix + script;
  return prefix + "; " + script;
}

// Writes a scratch file. No fsync, unlike WriteFileAtomic: these files only
// matter while the step runs, and a step must start in about a millisecond.
Status WriteScratchFile(const fs::path& path, std::string_view content, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot write " + path.string() + ": " + std::strerror(errno));
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::IoError("cannot write " + path.string() + ": " + std::strerror(e));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

class CollectSink final : public LineSink {
 public:
  void OnLine(StreamKind, std::string_view line) override {
    text_.append(line);
    text_.push_back('\n');
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// True when `script` cannot hold a syntax error for sh or bash, so
// CheckScriptSyntax need not start a shell (about a millisecond) for it:
// every line is a simple command of plain words — letters, digits and
// -_./=:,+@% only (no quoting, expansion, redirection, operator or comment
// character) — and no word is a reserved word of either shell. One-line
// steps such as `make test` or `python train.py --epochs=3` are like that.
bool IsPlainCommandList(std::string_view script) {
  static constexpr std::string_view kReserved[] = {
      "if",    "then",  "else", "elif", "fi", "case",     "esac", "for",   "select",
      "while", "until", "do",   "done", "in", "function", "time", "coproc"};
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  };
  size_t i = 0;
  while (i < script.size()) {
    char c = script[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < script.size() && plain(script[i])) ++i;
    if (i == start) return false;  // a character outside the plain set
    std::string_view word = script.substr(start, i - start);
    for (std::string_view r : kReserved) {
      if (word == r) return false;
    }
  }
  return true;
}

}  // namespace

Result<ScriptResult> RunScript(const ScriptSpec& spec, ProcessRunner& runner, LineSink& sink,
                               const Cancellation& cancel) {
  for (const std::string& name : spec.output_variables) {
    if (!IsShellVariableName(name)) {
      return Status::InvalidArgument("output variable \"" + name +
                                     "\" is not a valid shell variable name");
    }
  }
  if (spec.scratch_dir.empty()) return Status::InvalidArgument("RunScript needs a scratch_dir");
  const fs::path scratch = fs::absolute(spec.scratch_dir).lexically_normal();
  SLUICE_RETURN_IF_ERROR(MakeDirs(scratch));
  const fs::path script_file = scratch / "script.sh";
  const fs::path user_file = scratch / "output.env";
  const fs::path capture_file = scratch / "captured-outputs.env";

  // The same files as the script sees them.
  const bool in_image = !spec.root_dir.empty();
  const fs::path seen = in_image ? fs::path(kScriptDirInImage) : scratch;

  std::string content = WithPrefix(spec.prefix, spec.script);
  if (!spec.output_variables.empty()) {
    if (!content.empty() && content.back() != '\n') content.push_back('\n');
    content += CaptureLines(spec.output_variables, (seen / capture_file.filename()).string());
  }
  SLUICE_RETURN_IF_ERROR(WriteScratchFile(script_file, content, 0755));
  // Fresh, empty output files: the script appends to them.
  SLUICE_RETURN_IF_ERROR(WriteScratchFile(user_file, "", 0644));
  SLUICE_RETURN_IF_ERROR(WriteScratchFile(capture_file, "", 0644));

  // The shell reads the script from the private scratch file, never from its
  // argv: /proc/<pid>/cmdline is readable by every local user, and a resolved
  // script may hold secret values.
  ProcessSpec process;
  const std::string shell =
      in_image ? std::string("/bin/") + ShellName(spec.shell) : ShellName(spec.shell);
  process.argv = {shell, (seen / script_file.filename()).string()};
  process.env = spec.env;
  process.env["HARNESS_OUTPUT_FILE"] = (seen / user_file.filename()).string();
  process.env["DRONE_OUTPUT"] = process.env["HARNESS_OUTPUT_FILE"];
  process.working_dir = spec.working_dir;
  process.mounts = spec.mounts;
  process.root_dir = spec.root_dir;
  if (in_image) process.mounts.push_back({scratch.string(), std::string(kScriptDirInImage), false});
  process.timeout = spec.timeout;

  ScriptResult result;
  SLUICE_ASSIGN_OR_RETURN(result.process, runner.Run(process, sink, cancel));

  // Whatever the exit status, report what the files hold (lite-engine does
  // the same); a declared variable set in the shell wins over a line the
  // script wrote itself, as it was written last.
  if (auto text = ReadFile(user_file); text.ok()) result.outputs = ParseDotenv(*text);
  if (auto text = ReadFile(capture_file); text.ok()) {
    for (auto& [k, v] : ParseCaptureFile(*text)) result.outputs[k] = std::move(v);
  }
  for (const std::string& name : spec.output_variables) {
    if (result.outputs.count(name) == 0) result.missing_outputs.push_back(name);
  }
  return result;
}

std::map<std::string, std::string> ParseOutputFile(std::string_view text) {
  return ParseDotenv(text);
}

Result<std::string> CheckScriptSyntax(Shell shell, const std::string& script) {
  // Checked scripts hold placeholders, not resolved values, so `-c` is fine;
  // past ~120 KiB (the kernel caps one argument at 128 KiB) a file is used.
  constexpr size_t kMaxInlineScript = size_t{120} * 1024;
  if (IsPlainCommandList(script)) return std::string();
  ProcessSpec process;
  std::optional<TempDir> dir;
  if (script.size() <= kMaxInlineScript) {
    process.argv = {ShellName(shell), "-n", "-c", script};
  } else {
    SLUICE_ASSIGN_OR_RETURN(dir, TempDir::Create("sluice-syntax-"));
    fs::path file = dir->path() / "script.sh";
    SLUICE_RETURN_IF_ERROR(WriteScratchFile(file, script, 0644));
    process.argv = {ShellName(shell), "-n", file.string()};
  }
  process.env = {{"PATH", std::string(kDefaultPath)}};
  process.timeout = Millis(10'000);
  CollectSink sink;
  Cancellation never;
  LocalProcessRunner runner;
  SLUICE_ASSIGN_OR_RETURN(ProcessResult r, runner.Run(process, sink, never));
  if (r.timed_out) return Status::Timeout("syntax check of the script timed out");
  return sink.text();
}

}  // namespace sluice::runner
