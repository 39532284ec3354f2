#include "scoring.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "ml/number_format.h"

namespace ccapproval {

namespace {

using sluice::Status;

// The value as float32, converted the way numpy's astype(float32) converts
// the training columns: integers directly, other numbers from double.
Status ToFeature(const nlohmann::json& v, const std::string& name, float* out) {
  if (!v.is_number()) {
    std::string got = sluice::JsonTypeName(v);
    // A string or boolean is shown; null says it all, arrays and objects
    // could be long.
    if (v.is_string() || v.is_boolean()) got += " " + v.dump();
    return Status::InvalidArgument("feature \"" + name + "\" must be a number, got " + got);
  }
  if (v.is_number_unsigned()) {
    *out = static_cast<float>(v.get<uint64_t>());  // every int64/uint64 is below FLT_MAX
  } else if (v.is_number_integer()) {
    *out = static_cast<float>(v.get<int64_t>());
  } else {
    // Converting a double beyond float's range is undefined behaviour, so the
    // range is checked in double, before the cast.
    constexpr double kMax = std::numeric_limits<float>::max();
    const double x = v.get<double>();
    if (!(std::fabs(x) <= kMax)) {
      return Status::InvalidArgument("feature \"" + name + "\" is out of range for float32 " +
                                     "(|x| <= " + sluice::ml::PythonRepr(kMax) + "): " + v.dump());
    }
    *out = static_cast<float>(x);
  }
  return Status::Ok();
}

}  // namespace

Status CheckScoringModel(const sluice::ml::ModelFile& model) {
  for (int64_t label : model.tree.classes()) {
    if (label != 0 && label != 1) {
      return Status::InvalidArgument(
          "the model's classes must be 0 (deny) and 1 (approve), but it has class " +
          std::to_string(label));
    }
  }
  return Status::Ok();
}

sluice::Result<Score> ScoreApplication(const sluice::ml::ModelFile& model,
                                       const nlohmann::json& application) {
  std::vector<float> row(model.features.size());
  for (size_t f = 0; f < model.features.size(); ++f) {
    const std::string& name = model.features[f];
    auto it = application.find(name);
    if (it == application.end()) {
      return Status::InvalidArgument("missing feature \"" + name +
                                     "\" (the model needs every one of its features)");
    }
    SLUICE_RETURN_IF_ERROR(ToFeature(*it, name, &row[f]));
  }
  // Approval is label 1; a model that never saw it gives every applicant 0.
  const std::optional<size_t> approve = model.tree.ClassIndex(1);
  Score score;
  score.prediction = model.tree.PredictRow(row);
  score.probability = approve ? model.tree.PredictProbaRow(row)[*approve] : 0.0;
  return score;
}

}  // namespace ccapproval
