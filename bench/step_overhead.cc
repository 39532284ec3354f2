// step_overhead: what sluice adds per step, measured against plain bash.
//
// Compared, in one invocation, each side run N times alternately (round i
// runs every variant once, in the same order) so machine noise hits all of
// them alike; medians are reported:
//
//   bash script        `bash script.sh`, the same S commands (`echo step N`)
//                      as S lines of one script: the cost of the work itself.
//   sh per command     a bash loop starting `sh -c 'echo step N'` S times:
//                      the floor for any runner that gives each step its own
//                      shell, as Harness does. Informational.
//   sluice validate    `sluice validate` of the CI project: loading and
//                      checking it, every script through `sh -n` (which
//                      `sluice run` does first). Informational.
//   sluice CI          `sluice run` of a pipeline with one CI stage of S Run
//                      steps (command `echo step N`), sandboxed (bubblewrap,
//                      workspace at /harness) when bubblewrap works here.
//   sluice CI --no-sandbox   the same, steps on the host.
//   sluice Custom      one Custom stage of S ShellScript steps (host, bash).
//
// Every sluice run is a whole `sluice run` process: start-up, YAML loading,
// the store, S steps and their log lines. Overhead per step is
// (median(sluice) - median(bash script)) / S; the ratio is
// median(sluice) / median(bash script).
//
// --compare OTHER runs the sluice rows for a second binary too (say, a build
// from before a change), interleaved in the same rounds.
//
// --quoted makes the commands `echo "step N"`: validation then checks each
// with `sh -n`, as for any script that is not plain words (runner/script.h).
//
//   step_overhead --sluice build/sluice [--compare old/sluice] [--runs 7] [--steps 200]
//                 [--quoted] [--keep]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/files.h"
#include "median.h"

namespace fs = std::filesystem;

extern char** environ;

namespace {

using sluice::bench::Median;

struct Options {
  std::string sluice;
  int runs = 7;
  int steps = 200;
  std::string compare;  // another sluice (e.g. before a change), measured alike
  bool keep = false;    // keep the temp project (to inspect the runs)
  bool quoted = false;  // `echo "step N"`: not plain words, so `sh -n` runs
};

struct Variant {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> ms;  // one duration per round
};

// The command of step i: plain words, or (quoted) with quotes, which make
// validation check it with `sh -n` rather than accept it as plain words.
std::string Command(int i, bool quoted) {
  return quoted ? "echo \"step " + std::to_string(i) + "\"" : "echo step " + std::to_string(i);
}

std::string StepYaml(int i, bool ci, bool quoted) {
  std::string id = "s" + std::to_string(i);
  std::string out =
      "              - step:\n"
      "                  type: " +
      std::string(ci ? "Run" : "ShellScript") +
      "\n"
      "                  name: " +
      id +
      "\n"
      "                  identifier: " +
      id +
      "\n"
      "                  spec:\n";
  if (ci) {
    out +=
        "                    shell: Sh\n"
        "                    command: " +
        Command(i, quoted) + "\n";
  } else {
    out +=
        "                    shell: Bash\n"
        "                    source:\n"
        "                      type: Inline\n"
        "                      spec:\n"
        "                        script: " +
        Command(i, quoted) + "\n";
  }
  return out;
}

std::string PipelineYaml(const std::string& id, bool ci, int steps, bool quoted) {
  std::string out =
      "pipeline:\n"
      "  name: " +
      id +
      "\n"
      "  identifier: " +
      id +
      "\n"
      "  projectIdentifier: bench\n"
      "  orgIdentifier: default\n"
      "  stages:\n"
      "    - stage:\n"
      "        name: work\n"
      "        identifier: work\n"
      "        type: " +
      std::string(ci ? "CI" : "Custom") +
      "\n"
      "        spec:\n";
  if (ci) {
    out +=
        "          cloneCodebase: false\n"
        "          platform:\n"
        "            os: Linux\n"
        "            arch: Amd64\n"
        "          runtime:\n"
        "            type: Cloud\n"
        "            spec: {}\n";
  }
  out +=
      "          execution:\n"
      "            steps:\n";
  for (int i = 1; i <= steps; ++i) out += StepYaml(i, ci, quoted);
  return out;
}

bool Write(const fs::path& path, const std::string& text) {
  if (!sluice::MakeDirs(path.parent_path()).ok()) return false;
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// Runs argv with stdout/stderr to `log`; returns the wall time in ms, or
// nullopt when it could not start or exited non-zero.
std::optional<double> TimeCommand(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> c_argv;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  int err = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return std::nullopt;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return std::chrono::duration<double, std::milli>(end - start).count();
}

int Usage() {
  std::cerr << "usage: step_overhead --sluice PATH [--compare OTHER_SLUICE] [--runs N] [--steps S] "
               "[--keep]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sluice" && i + 1 < argc) {
      opt.sluice = argv[++i];
    } else if (a == "--compare" && i + 1 < argc) {
      opt.compare = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      opt.runs = std::atoi(argv[++i]);
    } else if (a == "--steps" && i + 1 < argc) {
      opt.steps = std::atoi(argv[++i]);
    } else if (a == "--quoted") {
      opt.quoted = true;
    } else if (a == "--keep") {
      opt.keep = true;
    } else {
      return Usage();
    }
  }
  if (opt.sluice.empty() || opt.runs < 1 || opt.steps < 1) return Usage();
  opt.sluice = fs::absolute(opt.sluice).string();
  if (!opt.compare.empty()) opt.compare = fs::absolute(opt.compare).string();

  std::string pattern = (fs::temp_directory_path() / "sluice-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "cannot create a directory under " << fs::temp_directory_path() << "\n";
    return 1;
  }
  const fs::path dir = pattern;
  // One project per pipeline: `sluice run` validates every pipeline of its
  // project (each script through `sh -n`), and the other one must not count.
  const fs::path ci_project = dir / "ci";
  const fs::path custom_project = dir / "custom";
  std::string script = "#!/bin/bash\n";
  std::string spawning = "#!/bin/bash\n";
  for (int i = 1; i <= opt.steps; ++i) {
    script += Command(i, opt.quoted) + "\n";
  }
  spawning +=
      "for i in $(seq 1 " + std::to_string(opt.steps) + "); do sh -c \"echo step $i\"; done\n";
  if (!Write(dir / "script.sh", script) || !Write(dir / "spawning.sh", spawning) ||
      !Write(ci_project / ".harness/pipelines/ci.yaml",
             PipelineYaml("ci", true, opt.steps, opt.quoted)) ||
      !Write(custom_project / ".harness/pipelines/custom.yaml",
             PipelineYaml("custom", false, opt.steps, opt.quoted))) {
    std::cerr << "cannot write the bench project under " << dir << "\n";
    return 1;
  }

  auto sluice_run = [&](const std::string& binary, const fs::path& project,
                        const std::string& state, bool no_sandbox) {
    std::vector<std::string> args = {
        binary, "-C", project.string(), "--state", (dir / state).string(), "run"};
    if (no_sandbox) args.push_back("--no-sandbox");
    return args;
  };
  std::vector<Variant> variants = {
      {"bash script (" + std::to_string(opt.steps) + " echo lines)",
       {"bash", (dir / "script.sh").string()},
       {}},
      {"sh -c per command (floor)", {"bash", (dir / "spawning.sh").string()}, {}},
  };
  // With --compare, the other binary's rows come first, marked "before:".
  std::vector<std::pair<std::string, std::string>> binaries;
  if (!opt.compare.empty()) binaries.emplace_back("before: ", opt.compare);
  binaries.emplace_back(opt.compare.empty() ? "" : "after:  ", opt.sluice);
  for (const auto& [label, binary] : binaries) {
    std::string tag = label.empty() ? "" : label.substr(0, 6);
    variants.push_back(
        {label + "sluice validate (CI project)", {binary, "validate", ci_project.string()}, {}});
    variants.push_back({label + "sluice CI, sandboxed",
                        sluice_run(binary, ci_project, "state-ci" + tag, false),
                        {}});
    variants.push_back({label + "sluice CI --no-sandbox",
                        sluice_run(binary, ci_project, "state-ci-host" + tag, true),
                        {}});
    variants.push_back({label + "sluice Custom/ShellScript",
                        sluice_run(binary, custom_project, "state-custom" + tag, false),
                        {}});
  }

  // One untimed warm-up of each (page cache, first store creation).
  for (Variant& v : variants) {
    if (!TimeCommand(v.argv, dir / "warmup.log")) {
      std::cerr << v.name << " failed; its output:\n";
      std::ifstream in(dir / "warmup.log");
      std::cerr << in.rdbuf() << "\n";
      return 1;
    }
  }
  for (int round = 0; round < opt.runs; ++round) {
    for (Variant& v : variants) {
      auto ms = TimeCommand(v.argv, dir / "run.log");
      if (!ms) {
        std::cerr << v.name << " failed in round " << round + 1 << "\n";
        return 1;
      }
      v.ms.push_back(*ms);
    }
  }

  const double base = Median(variants[0].ms);
  std::printf("step_overhead: %d steps, %d alternating runs of each; medians (min..max)\n",
              opt.steps, opt.runs);
  std::printf("%-42s %10s %18s %16s %8s\n", "variant", "median ms", "range ms", "overhead/step ms",
              "ratio");
  for (const Variant& v : variants) {
    double med = Median(v.ms);
    auto [lo, hi] = std::minmax_element(v.ms.begin(), v.ms.end());
    char range[64];
    std::snprintf(range, sizeof range, "%.1f..%.1f", *lo, *hi);
    std::printf("%-42s %10.1f %18s %16.3f %8.1f\n", v.name.c_str(), med, range,
                (med - base) / opt.steps, med / base);
  }
  std::printf(
      "overhead/step = (median - median(bash script)) / %d; ratio = median / median(bash script)\n",
      opt.steps);
  if (opt.keep) {
    std::printf("project kept in %s\n", dir.c_str());
  } else {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return 0;
}
