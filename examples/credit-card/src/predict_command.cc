#include "predict_command.h"

#include <nlohmann/json.hpp>
#include <string>

#include "common/json_util.h"
#include "scoring.h"

namespace ccapproval {

using sluice::Status;

Status Predict(const sluice::ml::ModelFile& model, std::istream& in, std::ostream& out,
               std::string_view input_name, size_t* scored) {
  // A stream says only that it failed (a full disk, a closed pipe), not why.
  const Status write_failed =
      Status::IoError("cannot write the predictions: the output stream failed");
  SLUICE_RETURN_IF_ERROR(CheckScoringModel(model));
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
    sluice::Result<Score> score = ScoreApplication(model, application);
    if (!score.ok()) return Status::InvalidArgument(where + score.status().message());
    nlohmann::ordered_json result;
    result["prediction"] = score->prediction;
    result["probability"] = score->probability;
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
