// Static checks of the expressions in a pipeline: syntax of every `<+...>`
// and of `when` conditions, and whether the stages, steps, output variables
// and variables they name exist (harness-semantics §5.2, §5.3).
//
// Order matters for references: a step that runs later than the node that
// refers to it resolves to null at run time, so that is a warning, not an
// error. "Later" is document order, with parallel members in the order
// written (a reference to a parallel sibling written after is warned about).
#include <algorithm>
#include <set>

#include "expr/expr.h"
#include "pipeline/parse_internal.h"
#include "pipeline/project.h"
#include "pipeline/yaml_util.h"

namespace sluice::pipeline::internal {

namespace {

struct StepInfo {
  int order = 0;
  const ExecutionNode* node = nullptr;
};

struct StageInfo {
  int order = 0;
  const Stage* stage = nullptr;
  // "step" for top-level steps, "group.steps.step" inside step groups.
  std::map<std::string, StepInfo> steps;
  std::vector<std::string> top_level;  // for messages
};

struct Index {
  std::map<std::string, StageInfo> stages;
  std::vector<std::string> stage_order;
  std::set<std::string> pipeline_variables;
};

void AddSteps(const std::vector<ExecutionNode>& nodes, const std::string& prefix, int* counter,
              StageInfo* info) {
  for (const ExecutionNode& n : nodes) {
    if (n.kind == ExecutionNode::Kind::kParallel) {
      AddSteps(n.children, prefix, counter, info);
      continue;
    }
    const std::string key = prefix + n.identifier;
    info->steps.emplace(key, StepInfo{(*counter)++, &n});
    if (prefix.empty()) info->top_level.push_back(n.identifier);
    if (n.kind == ExecutionNode::Kind::kStepGroup) {
      AddSteps(n.children, key + ".steps.", counter, info);
      AddSteps(n.rollback_steps, key + ".steps.", counter, info);
    }
  }
}

Index BuildIndex(const Pipeline& p) {
  Index index;
  int counter = 0;
  auto add = [&](const Stage& s) {
    StageInfo info;
    info.order = counter++;
    info.stage = &s;
    AddSteps(s.steps, "", &counter, &info);
    AddSteps(s.rollback_steps, "", &counter, &info);
    index.stage_order.push_back(s.identifier);
    index.stages.emplace(s.identifier, std::move(info));
  };
  for (const StageNode& n : p.stages) {
    if (n.kind == StageNode::Kind::kStage) add(n.stage);
    for (const Stage& s : n.parallel) add(s);
  }
  for (const Variable& v : p.variables) index.pipeline_variables.insert(v.name);
  return index;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Declared output variable names of a step, when its spec lists them.
std::optional<std::vector<std::string>> DeclaredOutputs(const ExecutionNode& step) {
  YAML::Node declared = ValueOf(step.spec, "outputVariables");
  if (!declared.IsSequence()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& item : declared) {
    if (item.IsScalar()) {
      names.push_back(item.Scalar());
    } else if (YAML::Node name = ValueOf(item, "name"); name.IsScalar()) {
      names.push_back(name.Scalar());
    } else {
      return std::nullopt;  // a shape we do not understand: do not guess
    }
  }
  return names;
}

// Where the walk currently is.
struct Context {
  const StageInfo* stage = nullptr;
  std::string group_prefix;  // "g.steps." inside step group g
  int order = -1;            // -1: pipeline level (resolved at run start)
};

class Checker {
 public:
  Checker(const Pipeline& p, DiagnosticList* diags) : p_(p), diags_(diags), index_(BuildIndex(p)) {}

  void Walk(const YAML::Node& node, const Context& ctx, std::vector<std::string>* keys) {
    if (node.IsMap()) {
      for (const Field& f : Fields(node)) {
        Context inner = ctx;
        Enter(f, ctx, &inner);
        keys->push_back(f.name);
        Walk(f.value, inner, keys);
        keys->pop_back();
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) Walk(item, ctx, keys);
    } else if (node.IsScalar()) {
      CheckScalar(node, ctx, *keys);
    }
  }

 private:
  static std::optional<std::string> IdentifierOf(const YAML::Node& map) {
    YAML::Node id = ValueOf(map, "identifier");
    if (!id.IsScalar()) return std::nullopt;
    return id.Scalar();
  }

  // Updates the context when the walk enters a stage, step or step group.
  void Enter(const Field& f, const Context& outer, Context* inner) {
    if (!f.value.IsMap()) return;
    if (f.name == "stage") {
      auto id = IdentifierOf(f.value);
      auto it = id ? index_.stages.find(*id) : index_.stages.end();
      if (it == index_.stages.end()) return;
      inner->stage = &it->second;
      inner->group_prefix.clear();
      inner->order = it->second.order;
    } else if ((f.name == "step" || f.name == "stepGroup") && outer.stage != nullptr) {
      auto id = IdentifierOf(f.value);
      if (!id) return;
      const std::string key = outer.group_prefix + *id;
      auto it = outer.stage->steps.find(key);
      if (it == outer.stage->steps.end()) return;
      inner->order = it->second.order;
      if (f.name == "stepGroup") inner->group_prefix = key + ".steps.";
    }
  }

  void CheckScalar(const YAML::Node& node, const Context& ctx,
                   const std::vector<std::string>& keys) {
    const std::string& text = node.Scalar();
    const size_t n = keys.size();
    // when.condition, and a Retry action's spec.condition, are JEXL.
    const bool is_condition =
        n >= 2 && keys[n - 1] == "condition" &&
        (keys[n - 2] == "when" || (n >= 3 && keys[n - 2] == "spec" && keys[n - 3] == "action"));
    if (!is_condition && !expr::HasExpressions(text)) return;
    auto err = is_condition ? expr::CheckConditionSyntax(text) : expr::CheckTemplateSyntax(text);
    if (err) {
      Error(node, err->offset,
            (is_condition ? "invalid condition: " : "invalid expression: ") + err->message);
      return;
    }
    for (const expr::Reference& ref : expr::CollectReferences(text)) CheckReference(node, ref, ctx);
  }

  void CheckReference(const YAML::Node& node, const expr::Reference& ref, const Context& ctx) {
    const std::vector<std::string>& path = ref.path;
    std::string shown = "<+";
    for (size_t i = 0; i < path.size(); ++i) shown += (i ? "." : "") + path[i];
    shown += ">";
    if (path.size() >= 3 && path[0] == "pipeline" && path[1] == "variables") {
      if (!index_.pipeline_variables.count(path[2])) {
        Error(node, ref.offset,
              "reference to unknown pipeline variable \"" + path[2] + "\": " + shown +
                  " (declare it under pipeline.variables)");
      }
      return;
    }
    if (path.size() >= 3 && path[0] == "pipeline" && path[1] == "stages") {
      auto it = index_.stages.find(path[2]);
      if (it == index_.stages.end()) {
        Error(node, ref.offset,
              "reference to unknown stage \"" + path[2] + "\": " + shown +
                  " (stages: " + Join(index_.stage_order) + ")");
        return;
      }
      const StageInfo& stage = it->second;
      if (&stage != ctx.stage && stage.order > ctx.order) {
        Warning(node, ref.offset,
                "reference to stage \"" + path[2] + "\", which runs later: " + shown +
                    " resolves to null here");
        return;
      }
      if (path.size() >= 5 && path[3] == "variables") {
        CheckStageVariable(node, ref.offset, stage, path[4], shown);
      } else if (path.size() >= 7 && path[3] == "spec" && path[4] == "execution" &&
                 (path[5] == "steps" || path[5] == "rollbackSteps")) {
        CheckStepPath(node, ref.offset, stage, "", path, 6, ctx, shown);
      }
      return;
    }
    if (path.size() >= 3 && path[0] == "execution" && path[1] == "steps") {
      if (ctx.stage == nullptr) {
        Error(node, ref.offset,
              shown +
                  " is relative to the current stage and can only be used inside a stage "
                  "(use <+pipeline.stages.STAGE.spec.execution.steps...>)");
        return;
      }
      CheckStepPath(node, ref.offset, *ctx.stage, "", path, 2, ctx, shown);
      return;
    }
    if (path.size() >= 2 && path[0] == "steps" && ctx.stage != nullptr) {
      // Relative to the current scope: the enclosing step group, else the stage.
      const bool in_group =
          !ctx.group_prefix.empty() && ctx.stage->steps.count(ctx.group_prefix + path[1]);
      CheckStepPath(node, ref.offset, *ctx.stage, in_group ? ctx.group_prefix : "", path, 1, ctx,
                    shown);
      return;
    }
    if (path.size() >= 3 && path[0] == "stage" && path[1] == "variables" && ctx.stage != nullptr) {
      CheckStageVariable(node, ref.offset, *ctx.stage, path[2], shown);
    }
  }

  void CheckStageVariable(const YAML::Node& node, size_t offset, const StageInfo& stage,
                          const std::string& name, const std::string& shown) {
    const auto& vars = stage.stage->variables;
    if (std::any_of(vars.begin(), vars.end(), [&](const Variable& v) { return v.name == name; })) {
      return;
    }
    Error(node, offset,
          "reference to unknown variable \"" + name + "\" of stage \"" + stage.stage->identifier +
              "\": " + shown + " (declare it under the stage's variables)");
  }

  // path[i] is a step identifier in `stage`, under `prefix`.
  void CheckStepPath(const YAML::Node& node, size_t offset, const StageInfo& stage,
                     std::string prefix, const std::vector<std::string>& path, size_t i,
                     const Context& ctx, const std::string& shown) {
    std::string key = prefix + path[i];
    auto it = stage.steps.find(key);
    while (it != stage.steps.end() && it->second.node->kind == ExecutionNode::Kind::kStepGroup &&
           i + 2 < path.size() && path[i + 1] == "steps") {
      i += 2;
      key += ".steps." + path[i];
      it = stage.steps.find(key);
    }
    if (it == stage.steps.end()) {
      std::string where = "stage \"" + stage.stage->identifier + "\"";
      const size_t dot = key.rfind(".steps.");
      if (dot != std::string::npos) where = "step group \"" + key.substr(0, dot) + "\" of " + where;
      Error(node, offset,
            "reference to unknown step \"" + path[i] + "\" in " + where + ": " + shown +
                (dot == std::string::npos ? " (steps: " + Join(stage.top_level) + ")" : ""));
      return;
    }
    const StepInfo& step = it->second;
    if (step.order > ctx.order && (ctx.stage == &stage || stage.order > ctx.order)) {
      Warning(node, offset,
              "reference to step \"" + path[i] + "\", which runs later: " + shown +
                  " resolves to null here");
      return;
    }
    if (i + 3 < path.size() && path[i + 1] == "output" && path[i + 2] == "outputVariables") {
      auto declared = DeclaredOutputs(*step.node);
      if (declared &&
          std::find(declared->begin(), declared->end(), path[i + 3]) == declared->end()) {
        Error(node, offset,
              "reference to output variable \"" + path[i + 3] + "\" that step \"" + path[i] +
                  "\" does not declare: " + shown + " (its outputVariables: " + Join(*declared) +
                  ")");
      }
    }
  }

  void Error(const YAML::Node& node, size_t offset, std::string message) {
    diags_->Error(LocationInScalar(node, offset, p_.file, p_.source.get()), std::move(message));
  }
  void Warning(const YAML::Node& node, size_t offset, std::string message) {
    diags_->Warning(LocationInScalar(node, offset, p_.file, p_.source.get()), std::move(message));
  }

  const Pipeline& p_;
  DiagnosticList* diags_;
  Index index_;
};

}  // namespace

void CheckExpressions(const Pipeline& p, DiagnosticList* diags) {
  Checker checker(p, diags);
  std::vector<std::string> keys;
  checker.Walk(p.root, Context{}, &keys);
}

}  // namespace sluice::pipeline::internal
