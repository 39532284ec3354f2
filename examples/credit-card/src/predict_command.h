// `ccapproval predict`: scores credit-card applications with a saved model.
//
// INPUT: one JSON object per line, naming every feature the model was
// trained on with a JSON number, e.g. for the group-unaware model
//   {"Num_Children": 2, "Income": 50000, "Own_Car": 1, "Own_Housing": 1}
// Other keys are ignored (an application may carry Group; the unaware model
// does not look at it). Blank lines are skipped.
//
// OUTPUT: one line per application, in order:
//   {"prediction": 1, "probability": 0.97}
// where prediction is the class the tree predicts (1 approve, 0 deny) and
// probability is the model's probability of approval (label 1): the training
// share of approvals in the leaf reached, 0 when the model never saw one.
// Models with classes other than 0 and 1 are rejected.
// Feature values are cast to float32 first, as the tree was fitted on them.
// The scoring itself is scoring.h's, shared with `ccapproval handler`.
//
// ERRORS: the first line that is not a JSON object, lacks a feature, or has
// a non-numeric or out-of-range value stops the run with InvalidArgument
// "<input name>:<line>: ..." naming the field and saying why (e.g. "not
// valid JSON at byte 14: ...", "not an object, got an array"), never quoting
// the line; lines before it have been written. A failed write to `out`
// (checked after each line and after the final flush) stops the run with
// IoError. Thread-compatible.
#pragma once

#include <istream>
#include <ostream>
#include <string_view>

#include "common/status.h"
#include "ml/model_file.h"

namespace ccapproval {

// Scores every line of `in` with `model` and writes the results to `out`;
// `input_name` names the input in errors ("<stdin>" or a path). On success
// `*scored` (when given) holds the number of applications scored.
sluice::Status Predict(const sluice::ml::ModelFile& model, std::istream& in, std::ostream& out,
                       std::string_view input_name, size_t* scored = nullptr);

}  // namespace ccapproval
