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

// The execution as a tree: one line per stage and step, with status,
// duration, outputs and failure messages.
void PrintExecutionTree(std::ostream& out, const store::ExecutionRecord& rec,
                        const std::vector<store::NodeRecord>& nodes, bool color);

// {"id","pipeline","sequenceId","status","startedAt","endedAt","durationMs",
//  "failureMessage","stages":[{"identifier","name","type","status","durationMs",
//  "failureMessage","steps":[{"path","identifier","name","type","status",
//  "durationMs","attempt","outputs","failureMessage","failureType","details"}]}]}
nlohmann::ordered_json ExecutionJson(const store::ExecutionRecord& rec,
                             const std::vector<store::NodeRecord>& nodes);

}  // namespace sluice::cli
