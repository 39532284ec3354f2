#include <algorithm>
#include <set>

#include "engine/engine.h"

namespace sluice::engine {
namespace {

void PlanSteps(const std::vector<pipeline::ExecutionNode>& list, const std::string& prefix,
               bool rollback, std::vector<PlannedNode>* out) {
  for (const pipeline::ExecutionNode& n : list) {
    switch (n.kind) {
      case pipeline::ExecutionNode::Kind::kParallel:
        PlanSteps(n.children, prefix, rollback, out);
        break;
      case pipeline::ExecutionNode::Kind::kStepGroup: {
        std::string path = prefix + "." + n.identifier;
        out->push_back({path, "stepGroup", n.identifier, n.name, "StepGroup", rollback});
        PlanSteps(n.children, path, rollback, out);
        PlanSteps(n.rollback_steps, path + ".rollback", true, out);
        break;
      }
      case pipeline::ExecutionNode::Kind::kStep:
        out->push_back({prefix + "." + n.identifier, "step", n.identifier, n.name, n.type, rollback});
        break;
    }
  }
}

void PlanStage(const pipeline::Stage& s, std::vector<PlannedNode>* out) {
  out->push_back({s.identifier, "stage", s.identifier, s.name, s.type_name});
  if (s.type == pipeline::StageType::kCI && s.clone_codebase) {
    out->push_back({s.identifier + "." + std::string(kCloneStepId), "step", std::string(kCloneStepId),
                    "Clone codebase", "GitClone"});
  }
  PlanSteps(s.steps, s.identifier, false, out);
  PlanSteps(s.rollback_steps, s.identifier + ".rollback", true, out);
}

}  // namespace

std::vector<PlannedNode> PlanNodes(const pipeline::Pipeline& pipeline) {
  std::vector<PlannedNode> out;
  for (const pipeline::StageNode& sn : pipeline.stages) {
    if (sn.kind == pipeline::StageNode::Kind::kStage) {
      PlanStage(sn.stage, &out);
    } else {
      for (const pipeline::Stage& s : sn.parallel) PlanStage(s, &out);
    }
  }
  return out;
}

Result<std::map<std::string, store::NodeRecord>> NodesBefore(
    const pipeline::Pipeline& pipeline, const std::vector<store::NodeRecord>& earlier,
    const std::string& point) {
  std::vector<PlannedNode> plan = PlanNodes(pipeline);
  auto it = std::find_if(plan.begin(), plan.end(),
                         [&](const PlannedNode& p) { return p.path == point; });
  if (it == plan.end()) {
    std::string known;
    for (const PlannedNode& p : plan) {
      if (p.kind == "stage") known += (known.empty() ? "" : ", ") + p.path;
    }
    return sluice::Status::NotFound("--from " + point +
                            " names no stage or step of this pipeline (stages: " + known +
                            "; a step is STAGE.STEP)");
  }
  std::set<std::string> before;
  for (auto p = plan.begin(); p != it; ++p) {
    bool ancestor = point.rfind(p->path + ".", 0) == 0;
    if (!ancestor) before.insert(p->path);
  }
  std::map<std::string, store::NodeRecord> kept;
  for (const store::NodeRecord& r : earlier) {
    // Whole finished stages and steps before the point, and everything below them.
    bool keep = before.count(r.path) > 0;
    if (!keep) {
      for (const std::string& b : before) {
        if (r.path.rfind(b + ".", 0) == 0) {
          keep = true;
          break;
        }
      }
    }
    auto status = ParseStatus(r.status);
    if (keep && status && IsTerminal(*status)) kept[r.path] = r;
  }
  return kept;
}

}  // namespace sluice::engine
