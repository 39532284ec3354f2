// The JSON documents of sluice server's REST API (openapi.json describes
// them): executions, nodes, artifacts, policy evaluations, pipelines and
// their runtime inputs, functions, audit records. Field names are
// camelCase like `sluice ... --json`. These are wire formats: change them
// together with web/ and openapi.json. Pure functions; what they are given
// is already masked (the store holds nothing secret).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "pipeline/ir.h"
#include "pipeline/project.h"
#include "store/audit_log.h"
#include "store/function_records.h"
#include "store/store.h"

namespace sluice::server {

// An execution in lists: no nodes, no pipeline YAML.
nlohmann::ordered_json ExecutionSummaryJson(const store::ExecutionRecord& rec);
nlohmann::ordered_json NodeJson(const store::NodeRecord& node);
nlohmann::ordered_json ArtifactJson(const store::ArtifactRecord& artifact);
nlohmann::ordered_json PolicyEvaluationJson(const store::PolicyEvaluationRecord& evaluation);

// How an execution's stages and steps are laid out, from the pipeline YAML
// it ran (`pipeline:` document): {"stageColumns": [["A"], ["B", "C"]]} —
// stages in order, those of one `parallel` block in one column — and
// {"parallelSteps": [["S.a", "S.b"], ...]}, the step paths (and step group
// paths) of each `parallel` block of steps. YAML that does not parse gives
// one column per stage found, or none.
nlohmann::ordered_json LayoutJson(const std::string& pipeline_yaml);

// A pipeline and its runtime inputs (path, the `<+input>` text, and the
// default and allowed values its modifiers give), and the project's input
// sets for it.
nlohmann::ordered_json PipelineJson(const pipeline::Project& project,
                                    const pipeline::Pipeline& pipeline);

// A function's versions and aliases, and what its recent invocations say:
// count, errors, error rate, p50 and p99 latency (ms) of `samples`.
nlohmann::ordered_json FunctionJson(const store::FunctionRecord& function,
                                    const std::vector<store::FunctionVersionRecord>& versions,
                                    const std::vector<store::FunctionAliasRecord>& aliases,
                                    const std::vector<store::InvocationRecord>& samples);

nlohmann::ordered_json AuditRecordJson(const store::AuditRecord& record);

}  // namespace sluice::server
