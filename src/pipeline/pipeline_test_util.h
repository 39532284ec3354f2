// Test helpers for src/pipeline: parse YAML text and print its diagnostics,
// a StepCatalog that knows a fixed set of step types, and a ScriptChecker
// that really runs `sh -n` / `bash -n`.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <string_view>

#include "common/files.h"
#include "pipeline/project.h"

namespace sluice::pipeline::testing {

// Prints `diags` with `text` as the source of "p.yaml".
inline std::string Format(const DiagnosticList& diags, std::string_view text,
                          const std::string& file = "p.yaml") {
  Project project;
  project.sources[file] = std::string(text);
  return FormatDiagnostics(diags, project);
}

// Parses `text` as p.yaml and returns the formatted diagnostics.
inline std::string ParseDiags(std::string_view text) {
  DiagnosticList diags;
  (void)ParsePipelineText(text, "p.yaml", &diags);
  return Format(diags, text);
}

// Knows the given step types; checks nothing in specs. Scripts: Run steps'
// spec.command (sh) and ShellScript steps' spec.source.spec.script (bash).
class FakeCatalog : public StepCatalog {
 public:
  FakeCatalog(std::initializer_list<std::string> types) : types_(types) {}
  bool Knows(std::string_view type) const override { return types_.count(std::string(type)) > 0; }
  void ValidateSpec(const ExecutionNode&, const Stage&, DiagnosticList*) const override {}
  std::vector<std::pair<std::string, YAML::Node>> Scripts(
      const ExecutionNode& step) const override {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (!step.spec.IsMap()) return out;
    if (step.type == "Run" && step.spec["command"].IsScalar()) {
      out.emplace_back("sh", step.spec["command"]);
    }
    if (step.type == "ShellScript") {
      YAML::Node script = step.spec["source"]["spec"]["script"];
      if (script.IsScalar()) out.emplace_back("bash", script);
    }
    return out;
  }

 private:
  std::set<std::string> types_;
};

// Runs `<shell> -n < file` and returns what it printed.
inline Result<std::string> RealScriptChecker(const std::string& shell, const std::string& script) {
  auto dir = TempDir::Create("sluice-sh-");
  if (!dir.ok()) return dir.status();
  const auto path = dir->path() / "script";
  {
    std::ofstream out(path);
    out << script;
  }
  const std::string cmd = shell + " -n < '" + path.string() + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return Status::IoError("popen failed");
  std::string output;
  char buf[512];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  pclose(pipe);
  return output;
}

}  // namespace sluice::pipeline::testing
