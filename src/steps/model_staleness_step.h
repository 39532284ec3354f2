// `ModelStaleness` (sluice's own step type; Harness has none): when did the
// model's source last change, is that longer ago than allowed, and how old
// is the version serving it (monitor/staleness.h does the check).
//
//   spec:
//     model: ccapproval          names the result in /metrics (default: the
//                                function, else the pipeline's identifier)
//     repository: <path or connector>   a git work tree or bare repository;
//                                a connector's url when it names one; a
//                                relative path starts at the stage workspace.
//                                Default: the stage's clone when it has one,
//                                else the pipeline codebase's repository
//     branch: main               default: HEAD
//     paths: [src/train.cc]      default: any change
//     maxAgeDays: 7
//     api:                       instead of a repository: a GitHub-compatible API
//       url: https://api.github.com
//       repo: owner/name
//       tokenRef: git_pat        a sluice secret, masked in every log
//     function: ccapproval       optional: report the serving version's age
//     alias: live                with function; default $LATEST
//
// Output variables: model_stale ("true"/"false"), last_updated (ISO 8601
// UTC), age_days, commit_sha, commit_author, commit_message; with a
// function also serving_version, serving_age_days, serving_behind. The
// result is kept as the model's latest staleness check (/metrics). A stale
// model is not a failure: the pipeline decides with a `when` condition on
// model_stale, as the tutorial's Run step does.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class ModelStalenessStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "ModelStaleness"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
