// Shared fixtures for the expr tests: a JsonScope shaped like the sample
// pipeline's execution context.
#pragma once

#include "expr/expr.h"

namespace sluice::expr {

inline JsonScope SampleScope(const char* model_stale = "true") {
  Value root = Value::parse(R"({
    "pipeline": {
      "executionId": "abc123",
      "sequenceId": 7,
      "variables": {
        "list": "a,b,c", "env": "prod", "k-ey": "dash", "count": 10, "ratio": 0.5,
        "flag": true, "empty": "", "nothing": null, "branch": "feature/x-y",
        "tags": ["x", "y", "z"], "meta": {"owner": "ml"}
      },
      "stages": {
        "Monitor_Model_Stage": {"spec": {"execution": {"steps": {"Monitor_Model_Step": {
          "output": {"outputVariables": {"model_stale": "placeholder"}}}}}}},
        "Skipped_Stage": null
      }
    },
    "execution": {"steps": {"Accuracy_and_Fairness": {"output": {"outputVariables": {
      "accuracy": "0.92662", "fairness_equalopportunity": "81.3"}}}}}
  })");
  root["pipeline"]["stages"]["Monitor_Model_Stage"]["spec"]["execution"]["steps"]
      ["Monitor_Model_Step"]["output"]["outputVariables"]["model_stale"] = model_stale;
  return JsonScope(std::move(root), Value{{"git_pat", "ghp_s3cr3t"}, {"aws_key", "AKIA"}});
}

}  // namespace sluice::expr
