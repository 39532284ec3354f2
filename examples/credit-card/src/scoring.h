// Scoring one credit-card application with a saved model: the feature
// reading and the tree walk shared by `ccapproval predict` (JSON lines) and
// `ccapproval handler` (Lambda events).
//
// An application is a JSON object naming every feature the model was
// trained on with a JSON number; other keys are ignored (an application may
// carry Group; the group-unaware model does not look at it). Values are cast
// to float32 first, as the tree was fitted on them.
//
// Errors are InvalidArgument naming the field and why, never quoting the
// whole application: "missing feature \"Income\" (...)", "feature \"Income\"
// must be a number, got a string \"lots\"", "... out of range for float32".
// Pure functions; thread-safe on a shared model.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/status.h"
#include "ml/model_file.h"

namespace ccapproval {

struct Score {
  int64_t prediction = 0;    // the class the tree predicts: 1 approve, 0 deny
  double probability = 0.0;  // of approval: the training share of label 1 in the leaf
};

// OK when the model can score: its classes are 0 (deny) and 1 (approve).
// Checked once, when a model is loaded, not per application.
sluice::Status CheckScoringModel(const sluice::ml::ModelFile& model);

// Scores `application` (a JSON object) with a model CheckScoringModel
// accepted.
sluice::Result<Score> ScoreApplication(const sluice::ml::ModelFile& model,
                                       const nlohmann::json& application);

}  // namespace ccapproval
