// Runtime inputs (harness-semantics §5.8): naming `<+input>` fields by path,
// and filling them from input sets, --input pairs, --branch and defaults.
#include "pipeline/inputs.h"

#include <algorithm>
#include <functional>

#include "expr/expr.h"
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

namespace {

constexpr std::string_view kBuildPath = "properties.ci.codebase.build";

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::optional<std::string> ScalarField(const YAML::Node& map, std::string_view key) {
  YAML::Node value = internal::ValueOf(map, key);
  if (!value.IsScalar()) return std::nullopt;
  return value.Scalar();
}

using Visitor = std::function<void(const std::string& path, const YAML::Node& node)>;

// Visits every node under `node` with its input path. List elements are named
// by their identifier (unwrapping {stage: ...}, {step: ...}, {stepGroup: ...}
// and flattening {parallel: [...]}) or, for variables, by their name — a
// variable's `value` is named by the variable itself (`variables.tag`).
void VisitPaths(const YAML::Node& node, const std::string& path, const Visitor& visit);

void VisitElement(const YAML::Node& item, const std::string& path, size_t index,
                  const Visitor& visit) {
  if (item.IsMap()) {
    auto fields = internal::Fields(item);
    if (fields.size() == 1 && fields[0].name == "parallel" && fields[0].value.IsSequence()) {
      size_t i = 0;
      for (const auto& member : fields[0].value) VisitElement(member, path, i++, visit);
      return;
    }
    if (fields.size() == 1 &&
        (fields[0].name == "stage" || fields[0].name == "step" || fields[0].name == "stepGroup") &&
        fields[0].value.IsMap()) {
      if (auto id = ScalarField(fields[0].value, "identifier")) {
        VisitPaths(fields[0].value, Child(path, *id), visit);
        return;
      }
    }
    if (auto id = ScalarField(item, "identifier")) {
      VisitPaths(item, Child(path, *id), visit);
      return;
    }
    if (auto name = ScalarField(item, "name")) {
      const std::string elem = Child(path, *name);
      visit(elem, item);
      for (const auto& f : fields) {
        VisitPaths(f.value, f.name == "value" ? elem : Child(elem, f.name), visit);
      }
      return;
    }
  }
  VisitPaths(item, Child(path, std::to_string(index)), visit);
}

void VisitPaths(const YAML::Node& node, const std::string& path, const Visitor& visit) {
  visit(path, node);
  if (node.IsMap()) {
    for (const auto& f : internal::Fields(node)) VisitPaths(f.value, Child(path, f.name), visit);
  } else if (node.IsSequence()) {
    size_t i = 0;
    for (const auto& item : node) VisitElement(item, path, i++, visit);
  }
}

// Slot::value is rebound with reset(), never assigned: assigning one
// yaml-cpp handle to another overwrites the node it refers to, which would
// edit the caller's input sets. Only Slot::node is written through.
struct Slot {
  RuntimeInputField field;
  YAML::Node node;  // the `<+input>` scalar in the working copy
  std::optional<Result<expr::RuntimeInput>> parsed;
  YAML::Node value;  // assigned value (undefined = none yet)
  bool has_value = false;
};

bool EndsWithKey(const std::string& path, const std::string& key) {
  if (path == key) return true;
  return path.size() > key.size() && path.compare(path.size() - key.size(), key.size(), key) == 0 &&
         path[path.size() - key.size() - 1] == '.';
}

// The shortest dotted suffix of slots[i].path that names only that slot.
std::string ShortKey(const std::vector<Slot>& slots, size_t i) {
  const std::string& path = slots[i].field.path;
  size_t pos = path.size();
  while (true) {
    size_t dot = pos == 0 ? std::string::npos : path.rfind('.', pos - 1);
    std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
    int matches = 0;
    bool exact = false;
    for (const Slot& s : slots) {
      matches += EndsWithKey(s.field.path, key) ? 1 : 0;
      exact = exact || s.field.path == key;
    }
    if (matches <= 1 || exact || dot == std::string::npos) return key;
    pos = dot;
  }
}

YAML::Node BranchBuild(const std::string& branch) {
  YAML::Node build(YAML::NodeType::Map);
  build["type"] = "branch";
  build["spec"]["branch"] = branch;
  return build;
}

std::string JoinPaths(const std::vector<Slot>& slots) {
  std::string out;
  for (const Slot& s : slots) out += (out.empty() ? "" : ", ") + s.field.path;
  return out;
}

YAML::Node Apply(const YAML::Node& work, const std::string& file, const RuntimeInputValues& values,
                 DiagnosticList* diags) {
  std::vector<Slot> slots;
  VisitPaths(work, "", [&](const std::string& path, const YAML::Node& node) {
    if (!node.IsScalar()) return;
    auto parsed = expr::ParseRuntimeInput(node.Scalar());
    if (!parsed) return;
    slots.push_back(
        {{path, node.Scalar(), LocationOf(node, file)}, node, std::move(parsed), {}, false});
  });
  const std::string pipeline_id = ScalarField(work, "identifier").value_or("?");
  const SourceLocation file_loc{file, 0, 0};

  for (Slot& s : slots) {
    if (!s.parsed->ok()) {
      diags->Error(s.field.location, "invalid runtime input \"" + s.field.text +
                                         "\": " + s.parsed->status().message());
    }
  }
  // 1. Input sets, in order (later ones win).
  for (const YAML::Node& set : values.input_sets) {
    if (!set.IsMap()) {
      diags->Error(LocationOf(set, file), "an input set must hold a \"pipeline:\" mapping, not " +
                                              internal::KindName(set));
      continue;
    }
    std::map<std::string, YAML::Node> by_path;
    VisitPaths(set, "",
               [&](const std::string& path, const YAML::Node& node) { by_path[path].reset(node); });
    for (Slot& s : slots) {
      auto it = by_path.find(s.field.path);
      if (it == by_path.end() || !it->second.IsDefined() || it->second.IsNull()) continue;
      if (it->second.IsScalar() && expr::ParseRuntimeInput(it->second.Scalar())) {
        continue;  // still <+input>
      }
      s.value.reset(it->second);
      s.has_value = true;
    }
  }
  // 2. --branch.
  if (values.branch) {
    auto it = std::find_if(slots.begin(), slots.end(),
                           [](const Slot& s) { return s.field.path == kBuildPath; });
    if (it != slots.end()) {
      it->value.reset(BranchBuild(*values.branch));
      it->has_value = true;
    } else {
      diags->Warning(file_loc, "--branch " + *values.branch + " ignored: pipeline " + pipeline_id +
                                   " does not take its codebase build as a runtime input");
    }
  }
  // 3. --input KEY=VALUE pairs.
  for (const auto& pair : values.pairs) {
    const std::string& key = pair.first;
    const std::string& value = pair.second;
    // A full path wins over fields it is merely a suffix of.
    std::vector<Slot*> matches;
    auto exact = std::find_if(slots.begin(), slots.end(),
                              [&](const Slot& s) { return s.field.path == key; });
    if (exact != slots.end()) {
      matches.push_back(&*exact);
    } else {
      for (Slot& s : slots) {
        if (EndsWithKey(s.field.path, key)) matches.push_back(&s);
      }
    }
    const std::string shown = "--input " + key + "=" + value;
    if (matches.empty()) {
      diags->Error(file_loc, shown + " matches no runtime input of pipeline " + pipeline_id +
                                 (slots.empty() ? " (it has none)"
                                                : " (its inputs: " + JoinPaths(slots) + ")"));
      continue;
    }
    if (matches.size() > 1) {
      std::string candidates;
      for (const Slot* s : matches) candidates += (candidates.empty() ? "" : ", ") + s->field.path;
      diags->Error(file_loc, shown + " is ambiguous: it matches " + candidates +
                                 " (use a longer key, e.g. --input " + matches[0]->field.path +
                                 "=" + value + ")");
      continue;
    }
    Slot& s = *matches[0];
    s.value.reset(s.field.path == kBuildPath ? BranchBuild(value) : YAML::Node(value));
    s.has_value = true;
  }
  // 4. Defaults, then check and write every value.
  for (size_t i = 0; i < slots.size(); ++i) {
    Slot& s = slots[i];
    if (!s.parsed->ok()) continue;
    const expr::RuntimeInput& input = s.parsed->value();
    if (!s.has_value && input.default_value) {
      s.value.reset(YAML::Node(*input.default_value));
      s.has_value = true;
    }
    if (!s.has_value) {
      if (input.execution_input) continue;  // asked for when the step is reached
      const std::string key = ShortKey(slots, i);
      std::string how = "pass --input " + key + "=VALUE or an input set";
      if (s.field.path == kBuildPath) {
        how = "pass --branch BRANCH, --input " + key + "=BRANCH or an input set";
      }
      diags->Error(s.field.location, "runtime input " + s.field.path + " has no value: " + how);
      continue;
    }
    if (s.value.IsScalar()) {
      Status st = expr::CheckRuntimeInputValue(input, s.value.Scalar());
      if (!st.ok()) {
        diags->Error(s.field.location, "runtime input " + s.field.path + ": " + st.message());
        continue;
      }
      // Assigning text keeps the field's own location and quoting style.
      s.node = s.value.Scalar();
    } else {
      s.node = YAML::Clone(s.value);
    }
  }
  return work;
}

}  // namespace

std::vector<RuntimeInputField> ListRuntimeInputs(const YAML::Node& pipeline_root,
                                                 const std::string& file) {
  std::vector<RuntimeInputField> out;
  VisitPaths(pipeline_root, "", [&](const std::string& path, const YAML::Node& node) {
    if (node.IsScalar() && expr::ParseRuntimeInput(node.Scalar())) {
      out.push_back({path, node.Scalar(), LocationOf(node, file)});
    }
  });
  return out;
}

YAML::Node ApplyRuntimeInputs(const YAML::Node& pipeline_root, const std::string& file,
                              const RuntimeInputValues& values, DiagnosticList* diags) {
  return Apply(YAML::Clone(pipeline_root), file, values, diags);
}

YAML::Node ApplyRuntimeInputs(const Pipeline& pipeline, const RuntimeInputValues& values,
                              DiagnosticList* diags) {
  if (pipeline.source) {
    // Re-reading the text gives a fresh tree with every mark intact.
    DiagnosticList ignored;
    YAML::Node doc = internal::LoadYamlText(*pipeline.source, pipeline.file, &ignored);
    YAML::Node root = internal::ValueOf(doc, "pipeline");
    if (root.IsMap()) return Apply(root, pipeline.file, values, diags);
  }
  return ApplyRuntimeInputs(pipeline.root, pipeline.file, values, diags);
}

}  // namespace sluice::pipeline
