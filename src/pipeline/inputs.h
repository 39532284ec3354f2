// Runtime inputs: filling the `<+input>` fields of a pipeline before a run.
//
// Each `<+input>` field is named by its path in the pipeline YAML, with list
// elements named by their `identifier` (stages, steps) or `name` (variables):
//   variables.tag
//   properties.ci.codebase.build
//   stages.lambdadeployment.spec.service.serviceInputs.serviceDefinition.spec.artifacts.primary.primaryArtifactRef
// A `--input KEY=VALUE` matches a field whose path equals KEY or ends with
// ".KEY" — it must match exactly one field. Input sets (sparse copies of the
// pipeline, Harness format) are applied first, in order, then key=value
// inputs, then `.default()` values; a field left without a value is an error
// that names it and says how to pass it. Values are checked against
// `.allowedValues()` / `.regex()`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"
#include "pipeline/ir.h"

namespace sluice::pipeline {

struct RuntimeInputField {
  std::string path;  // as described above
  std::string text;  // the `<+input>...` text as written
  SourceLocation location;
};

// Every `<+input>` field of a `pipeline:` mapping, in document order.
std::vector<RuntimeInputField> ListRuntimeInputs(const YAML::Node& pipeline_root, const std::string& file);

struct RuntimeInputValues {
  std::vector<YAML::Node> input_sets;              // `pipeline:` mappings, applied in order
  std::vector<std::pair<std::string, std::string>> pairs;  // --input KEY=VALUE, in order
  std::optional<std::string> branch;               // --branch B: codebase build = branch B
};

// Returns a deep copy of `pipeline_root` with every `<+input>` replaced by its
// value. Errors (unknown keys, missing values, disallowed values) go to
// `diags`; the result is only meaningful when no error was added.
// yaml-cpp cannot copy a node with its marks, so nodes of this copy have no
// location except the replaced scalars; prefer the overload below.
YAML::Node ApplyRuntimeInputs(const YAML::Node& pipeline_root, const std::string& file,
                              const RuntimeInputValues& values, DiagnosticList* diags);

// Same for a loaded pipeline: the copy is re-read from `pipeline.source` (when
// set) so every node keeps its file location. To parse the result, wrap it
// as {pipeline: result} for ParsePipeline and set the new Pipeline's
// `source` to the same text.
YAML::Node ApplyRuntimeInputs(const Pipeline& pipeline, const RuntimeInputValues& values,
                              DiagnosticList* diags);

}  // namespace sluice::pipeline
