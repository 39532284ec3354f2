#include "predict_command.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ccapproval {

namespace {

using sluice::Status;

// A JSON value's type as a person would name it, for error messages.
std::string TypeName(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "a number";
}

// The value as float32, converted the way numpy's astype(float32) converts
// the training columns: integers directly, other numbers from double.
Status ToFeature(const nlohmann::json& v, const std::string& name, float* out) {
  if (!v.is_number()) {
    return Status::InvalidArgument("feature \"" + name + "\" must be a number, got " +
                                   TypeName(v) + " " + v.dump());
  }
  float f;
  if (v.is_number_integer()) {
    f = v.is_number_unsigned() ? static_cast<float>(v.get<uint64_t>())
                               : static_cast<float>(v.get<int64_t>());
  } else {
    f = static_cast<float>(v.get<double>());
  }
  if (!std::isfinite(f)) {
    return Status::InvalidArgument("feature \"" + name + "\" is out of range for float32: " +
                                   v.dump());
  }
  *out = f;
  return Status::Ok();
}

}  // namespace

Status Predict(const sluice::ml::ModelFile& model, std::istream& in, std::ostream& out,
               std::string_view input_name, size_t* scored) {
  const sluice::ml::DecisionTree& tree = model.tree;
  const size_t positive = tree.n_classes() - 1;
  std::vector<float> row(model.features.size());
  std::string line;
  size_t line_number = 0, count = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = std::string(input_name) + ":" + std::to_string(line_number) + ": ";
    const nlohmann::json application = nlohmann::json::parse(line, nullptr, false);
    if (application.is_discarded() || !application.is_object()) {
      const std::string example =
          model.features.empty() ? "{}" : "{\"" + model.features.front() + "\": 1, ...}";
      return Status::InvalidArgument(where + "expected one JSON object per line, such as " +
                                     example);
    }
    for (size_t f = 0; f < model.features.size(); ++f) {
      const std::string& name = model.features[f];
      auto it = application.find(name);
      if (it == application.end()) {
        return Status::InvalidArgument(where + "missing feature \"" + name +
                                       "\" (the model needs every one of its features)");
      }
      Status s = ToFeature(*it, name, &row[f]);
      if (!s.ok()) return Status::InvalidArgument(where + s.message());
    }
    const std::vector<double> proba = tree.PredictProbaRow(row);
    nlohmann::ordered_json result;
    result["prediction"] = tree.PredictRow(row);
    result["probability"] = proba[positive];
    out << result.dump() << '\n';
    ++count;
  }
  if (in.bad()) return Status::IoError(std::string(input_name) + ": read failed");
  if (scored != nullptr) *scored = count;
  return Status::Ok();
}

}  // namespace ccapproval
