// ValidatePipeline: the checks that need more than the YAML shape — step
// types and specs (through the StepCatalog), scripts (through a shell's -n
// mode) and expressions (references.cc).
#include <algorithm>
#include <cctype>
#include <regex>

#include "expr/expr.h"
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"
#include "pipeline/yaml_util.h"

namespace sluice::pipeline {

namespace {

// " (did you mean \"Run\"?)" for a near miss in case or spelling, else
// " (supported here: A, B, C)"; "" when the catalog lists nothing.
std::string SupportedTypesHint(const std::string& type, const std::vector<std::string>& known) {
  if (known.empty()) return "";
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  // Edit distance, small strings only.
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = row[j];
        row[j] = next;
      }
    }
    return row[b.size()];
  };
  for (const std::string& k : known) {
    if (distance(lower(type), lower(k)) <= 2) return " (did you mean \"" + k + "\"?)";
  }
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  return " (supported: " + list + ")";
}


// The first script line number a shell names in `message`: bash says
// "line 3: ...", dash says "sh: 3: ...". 0 when none.
int ShellLine(const std::string& message) {
  static const std::regex kBash("line ([0-9]+)");
  static const std::regex kDash("^[^:\n]*: ([0-9]+): ");
  std::smatch m;
  if (std::regex_search(message, m, kBash)) return std::stoi(m[1].str());
  if (std::regex_search(message, m, kDash)) return std::stoi(m[1].str());
  return 0;
}

std::string TrimJoin(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

struct Validator {
  const Pipeline& pipeline;
  const StepCatalog& catalog;
  const ScriptChecker& check_script;
  DiagnosticList* diags;

  void CheckScript(const std::string& shell, const YAML::Node& node) {
    if (!node.IsScalar()) return;
    const std::string script = expr::ReplaceWithPlaceholders(node.Scalar());
    Result<std::string> result = check_script(shell, script);
    if (!result.ok()) {
      diags->Warning(
          LocationOf(node, pipeline.file),
          "could not syntax-check the script with " + shell + " -n: " + result.status().message());
      return;
    }
    const std::string message = TrimJoin(*result);
    if (message.empty()) return;
    const int line = ShellLine(message);
    SourceLocation loc =
        line > 0 ? internal::LocationOfScalarLine(node, line, pipeline.file, pipeline.source.get())
                 : LocationOf(node, pipeline.file);
    diags->Error(loc, "script does not parse (" + shell + " -n): " + message);
  }

  void CheckNodes(const std::vector<ExecutionNode>& nodes, const Stage& stage) {
    for (const ExecutionNode& node : nodes) {
      if (node.kind != ExecutionNode::Kind::kStep) {
        CheckNodes(node.children, stage);
        CheckNodes(node.rollback_steps, stage);
        continue;
      }
      if (!catalog.Knows(node.type)) {
        diags->Error(node.type_location, "step type \"" + node.type + "\" is not supported" +
                                             SupportedTypesHint(node.type, catalog.KnownTypes()));
        continue;
      }
      catalog.ValidateSpec(node, stage, diags);
      if (!check_script) continue;
      for (const auto& [shell, script] : catalog.Scripts(node)) CheckScript(shell, script);
    }
  }
};

}  // namespace

void ValidatePipeline(const Pipeline& pipeline, const StepCatalog& catalog,
                      const ScriptChecker& check_script, DiagnosticList* diags) {
  Validator v{pipeline, catalog, check_script, diags};
  for (const StageNode& n : pipeline.stages) {
    if (n.kind == StageNode::Kind::kStage) {
      v.CheckNodes(n.stage.steps, n.stage);
      v.CheckNodes(n.stage.rollback_steps, n.stage);
    }
    for (const Stage& s : n.parallel) {
      v.CheckNodes(s.steps, s);
      v.CheckNodes(s.rollback_steps, s);
    }
  }
  internal::CheckExpressions(pipeline, diags);
}

}  // namespace sluice::pipeline
