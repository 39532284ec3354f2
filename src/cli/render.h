// How executions look on the terminal and as JSON (shared by `run`,
// `executions show`, `resume` and `retry`).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"

namespace sluice::cli {

// ✓ ✗ - ▶ … with colour when `color`.
std::string StatusMark(const std::string& status, bool color);

// The node's warnings (details["warnings"]), one "⚠ ..." line each, in
// yellow when `color`.
void PrintWarnings(std::ostream& out, const std::string& indent, const store::NodeRecord& node, bool color);

// The execution as a tree: one line per stage and step, with status,
// duration, outputs, failure messages, warnings and, under Policy steps,
// every policy they evaluated (decision, deny messages, input).
void PrintExecutionTree(std::ostream& out, const store::ExecutionRecord& rec,
                        const std::vector<store::NodeRecord>& nodes, bool color,
                        const std::vector<store::PolicyEvaluationRecord>& evaluations);

// {"id","pipeline","sequenceId","status","startedAt","endedAt","durationMs",
//  "failureMessage","stages":[{"identifier","name","type","status","durationMs",
//  "failureMessage","steps":[{"path","identifier","name","type","status",
//  "durationMs","attempt","outputs","failureMessage","failureType","details",
//  "policyEvaluations":[{"attempt","status","input","evaluatedAt","results":
//  [{"policySet","policySetName","policy","severity","status","denyMessages",
//  "error","durationUs"}]}]}]}]}  (policyEvaluations only on steps that have some)
// `run --json` and `executions show --json` add "artifacts": ArtifactsJson.
nlohmann::ordered_json ExecutionJson(const store::ExecutionRecord& rec,
                                     const std::vector<store::NodeRecord>& nodes,
                                     const std::vector<store::PolicyEvaluationRecord>& evaluations);

// Published artifacts (artifacts_render.cc). "1.2 KiB"; "-" for an
// unknown size (-1).
std::string FormatSize(int64_t bytes);

// "Artifacts:" and one line per artifact (step, name, size, URL), for the
// end of an execution's tree; nothing when there are none.
void PrintArtifactsSection(std::ostream& out, const std::vector<store::ArtifactRecord>& artifacts);

// A table with the columns STEP NAME SIZE TYPE URL.
void PrintArtifactsTable(std::ostream& out, const std::vector<store::ArtifactRecord>& artifacts);

// [{"step","attempt","name","url","size","sha256","contentType","createdAt"}]
// (size null when unknown, sha256 and contentType null when empty).
nlohmann::ordered_json ArtifactsJson(const std::vector<store::ArtifactRecord>& artifacts);

}  // namespace sluice::cli
