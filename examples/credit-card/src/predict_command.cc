#include "predict_command.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
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

Status Predict(const sluice::ml::ModelFile& model, std::istream& in, std::ostream& out,
               std::string_view input_name, size_t* scored) {
  // A stream says only that it failed (a full disk, a closed pipe), not why.
  const Status write_failed =
      Status::IoError("cannot write the predictions: the output stream failed");
  const sluice::ml::DecisionTree& tree = model.tree;
  // Approval is label 1; a model that never saw it gives every applicant 0.
  for (int64_t label : tree.classes()) {
    if (label != 0 && label != 1) {
      return Status::InvalidArgument(
          "the model's classes must be 0 (deny) and 1 (approve), but it has class " +
          std::to_string(label));
    }
  }
  const std::optional<size_t> approve = tree.ClassIndex(1);
  std::vector<float> row(model.features.size());
  std::string line;
  size_t line_number = 0, count = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = std::string(input_name) + ":" + std::to_string(line_number) + ": ";
    nlohmann::json application;
    std::string why;  // why the line is not an object; never its text
    try {
      application = nlohmann::json::parse(line);
      if (!application.is_object()) {
        why = "not an object, got " + sluice::JsonTypeName(application);
      }
    } catch (const nlohmann::json::parse_error& e) {
      why = "not valid JSON at byte " + std::to_string(e.byte) + ": " +
            sluice::JsonParseErrorReason(e);
    } catch (const nlohmann::json::exception& e) {  // out_of_range: 1e400
      why = "not valid JSON: " + sluice::JsonParseErrorReason(e);
    }
    if (!why.empty()) {
      const std::string example =
          model.features.empty() ? "{}" : "{\"" + model.features.front() + "\": 1, ...}";
      return Status::InvalidArgument(where + "expected one JSON object per line, such as " +
                                     example + "; " + why);
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
    result["probability"] = approve ? proba[*approve] : 0.0;
    out << result.dump() << '\n';
    if (!out) return write_failed;
    ++count;
  }
  if (in.bad()) return Status::IoError(std::string(input_name) + ": read failed");
  out.flush();
  if (!out) return write_failed;
  if (scored != nullptr) *scored = count;
  return Status::Ok();
}

}  // namespace ccapproval
