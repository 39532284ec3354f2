#include "metrics_reader.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/json_util.h"

namespace ccapproval {
namespace {

namespace ml = sluice::ml;
using nlohmann::json;
using sluice::Result;
using sluice::Status;

// Counts are at most 2^53, the largest range in which every integer is a
// double (the notebook's JSON came from Python floats) and in which sums of a
// few counts cannot overflow int64.
constexpr int64_t kMaxCount = int64_t{1} << 53;

// An allowed range of a figure, as the error message states it.
struct Range {
  double low;
  double high;
  std::string_view text;
};
constexpr Range kScore{0, 1, "[0, 1]"};        // accuracy, precision, recall, f1
constexpr Range kPercent{0, 100, "[0, 100]"};  // the fairness percentages and gap
constexpr Range kImportance{0, 1, "[0, 1]"};   // a tree's normalised importances

std::string MatrixText(const ml::ConfusionMatrix& m) {
  return "[[" + std::to_string(m.tn()) + ", " + std::to_string(m.fp()) + "], [" +
         std::to_string(m.fn()) + ", " + std::to_string(m.tp()) + "]]";
}

// Typed lookups of dotted keys under one object ("" or "baseline"). No
// nlohmann accessor that could throw is called before its type is checked.
class Fields {
 public:
  Fields(const json& object, std::string file, std::string prefix)
      : object_(object), file_(std::move(file)), prefix_(std::move(prefix)) {}

  Result<const json*> Find(std::string_view path) const {
    const json* node = &object_;
    std::string walked = prefix_;
    size_t start = 0;
    while (true) {
      const size_t dot = path.find('.', start);
      const std::string key(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (!node->is_object()) return TypeError(walked, "an object", *node);
      walked += (walked.empty() ? "" : ".") + key;
      auto it = node->find(key);
      if (it == node->end()) {
        return Status::InvalidArgument(file_ + ": missing key \"" + walked + "\"");
      }
      node = &*it;
      if (dot == std::string_view::npos) return node;
      start = dot + 1;
    }
  }

  // A number within `range`.
  Result<double> Number(std::string_view path, const Range& range) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find(path));
    return NumberValue(*v, Full(path), range);
  }

  Result<int64_t> Count(std::string_view path) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find(path));
    return CountValue(*v, Full(path));
  }

  Result<std::string> String(std::string_view path) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find(path));
    if (!v->is_string()) return TypeError(Full(path), "a string", *v);
    return v->get<std::string>();
  }

  Result<std::vector<std::string>> Strings(std::string_view path) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find(path));
    if (!v->is_array()) return TypeError(Full(path), "an array of strings", *v);
    std::vector<std::string> out;
    for (const json& e : *v) {
      if (!e.is_string()) return TypeError(Full(path), "an array of strings", *v);
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  // [[TN, FP], [FN, TP]] of non-negative integers.
  Result<ml::ConfusionMatrix> Matrix(std::string_view path) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find(path));
    const std::string full = Full(path);
    const std::string shape = "a 2x2 array of counts [[TN, FP], [FN, TP]]";
    if (!v->is_array() || v->size() != 2) return TypeError(full, shape, *v);
    ml::ConfusionMatrix m;
    for (size_t i = 0; i < 2; ++i) {
      const json& row = (*v)[i];
      if (!row.is_array() || row.size() != 2) return TypeError(full, shape, *v);
      for (size_t j = 0; j < 2; ++j) {
        SLUICE_ASSIGN_OR_RETURN(
            m.counts[i][j],
            CountValue(row[j], full + "[" + std::to_string(i) + "][" + std::to_string(j) + "]"));
      }
    }
    return m;
  }

  // The importance of each feature, in `features` order, from an object
  // keyed by feature name (names may hold dots, so no dotted lookup here).
  Result<std::vector<double>> Importances(const std::vector<std::string>& features) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Find("feature_importances"));
    const std::string full = Full("feature_importances");
    if (!v->is_object()) return TypeError(full, "an object {feature: importance}", *v);
    std::vector<double> out;
    for (const std::string& f : features) {
      auto it = v->find(f);
      if (it == v->end()) {
        std::string message = file_ + ": missing key \"" + full + "\" entry for \"";
        message += f;
        message += '"';
        return Status::InvalidArgument(std::move(message));
      }
      std::string key = full + "[\"";
      key += f;
      key += "\"]";
      SLUICE_ASSIGN_OR_RETURN(double importance, NumberValue(*it, key, kImportance));
      out.push_back(importance);
    }
    return out;
  }

  // `path` with the object's prefix: "baseline.test.accuracy".
  std::string Full(std::string_view path) const {
    return prefix_.empty() ? std::string(path) : prefix_ + "." + std::string(path);
  }

  // "<file>: key \"<key>\" <problem>", `key` being a full key.
  Status Error(const std::string& key, const std::string& problem) const {
    return Status::InvalidArgument(file_ + ": key \"" + (key.empty() ? "(top level)" : key) +
                                   "\" " + problem);
  }

 private:
  Result<double> NumberValue(const json& v, const std::string& full, const Range& range) const {
    const std::string expected = "a number in " + std::string(range.text);
    if (!v.is_number()) return TypeError(full, expected, v);
    const double x = v.get<double>();
    if (!(x >= range.low && x <= range.high)) return TypeError(full, expected, v);
    return x;
  }

  Result<int64_t> CountValue(const json& v, const std::string& full) const {
    if (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(kMaxCount)) {
      return static_cast<int64_t>(v.get<uint64_t>());
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= kMaxCount) {
      return v.get<int64_t>();
    }
    return TypeError(full, "an integer in [0, 2^53]", v);
  }

  // Numbers are shown as parsed; other values only by their type, so no
  // text from the file is echoed.
  Status TypeError(const std::string& key, std::string_view expected, const json& found) const {
    return Error(key, "must be " + std::string(expected) + ", found " +
                          (found.is_number() ? found.dump() : sluice::JsonTypeName(found)));
  }

  const json& object_;
  std::string file_;
  std::string prefix_;
};

Result<ml::ReportScores> ReadScores(const Fields& f, const std::string& set) {
  ml::ReportScores s;
  SLUICE_ASSIGN_OR_RETURN(s.precision, f.Number(set + ".precision", kScore));
  SLUICE_ASSIGN_OR_RETURN(s.recall, f.Number(set + ".recall", kScore));
  SLUICE_ASSIGN_OR_RETURN(s.f1, f.Number(set + ".f1", kScore));
  SLUICE_ASSIGN_OR_RETURN(s.accuracy, f.Number(set + ".accuracy", kScore));
  return s;
}

// The figures train writes all come from one test set: the group matrices
// add up to the overall one and every approval is a predicted positive.
// Counts are at most 2^53 each, so these sums cannot overflow.
Status CheckConsistent(const Fields& f, const ml::NotebookFairness& n) {
  ml::ConfusionMatrix sum;
  bool same = true;
  for (size_t i = 0; i < 2; ++i) {
    for (size_t j = 0; j < 2; ++j) {
      sum.counts[i][j] =
          n.confusion.by_group[0].counts[i][j] + n.confusion.by_group[1].counts[i][j];
      same = same && sum.counts[i][j] == n.confusion.overall.counts[i][j];
    }
  }
  if (!same) {
    return f.Error(f.Full("fairness.confusion_matrix.overall"),
                   "must be the sum of group_0 and group_1, " + MatrixText(sum) + ", found " +
                       MatrixText(n.confusion.overall));
  }
  const int64_t predicted_positive = n.confusion.overall.fp() + n.confusion.overall.tp();
  if (n.total_approvals != predicted_positive) {
    return f.Error(f.Full("fairness.demographic_parity.total_approvals"),
                   "must equal FP + TP of the overall confusion matrix, " +
                       std::to_string(predicted_positive) + ", found " +
                       std::to_string(n.total_approvals));
  }
  return Status::Ok();
}

Result<ml::NotebookFairness> ReadFairness(const Fields& f) {
  ml::NotebookFairness n;
  SLUICE_ASSIGN_OR_RETURN(n.total_approvals,
                          f.Count("fairness.demographic_parity.total_approvals"));
  SLUICE_ASSIGN_OR_RETURN(n.approval_share_percent[0],
                          f.Number("fairness.demographic_parity.group_0_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.approval_share_percent[1],
                          f.Number("fairness.demographic_parity.group_1_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.tpr_percent_overall,
                          f.Number("fairness.equal_opportunity.overall_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.tpr_percent[0],
                          f.Number("fairness.equal_opportunity.group_0_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.tpr_percent[1],
                          f.Number("fairness.equal_opportunity.group_1_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.accuracy_percent_overall,
                          f.Number("fairness.equal_accuracy.overall_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.accuracy_percent[0],
                          f.Number("fairness.equal_accuracy.group_0_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.accuracy_percent[1],
                          f.Number("fairness.equal_accuracy.group_1_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(n.confusion.overall, f.Matrix("fairness.confusion_matrix.overall"));
  SLUICE_ASSIGN_OR_RETURN(n.confusion.by_group[0], f.Matrix("fairness.confusion_matrix.group_0"));
  SLUICE_ASSIGN_OR_RETURN(n.confusion.by_group[1], f.Matrix("fairness.confusion_matrix.group_1"));
  SLUICE_RETURN_IF_ERROR(CheckConsistent(f, n));
  // Not stored separately: a group's approvals are its predicted positives.
  for (int g = 0; g < 2; ++g) {
    n.approvals[g] = n.confusion.by_group[g].fp() + n.confusion.by_group[g].tp();
  }
  return n;
}

Result<ml::ReportModel> ReadModel(const Fields& f, std::string name) {
  ml::ReportModel m;
  m.name = std::move(name);
  SLUICE_ASSIGN_OR_RETURN(m.features, f.Strings("features"));
  SLUICE_ASSIGN_OR_RETURN(m.train, ReadScores(f, "train"));
  SLUICE_ASSIGN_OR_RETURN(m.test, ReadScores(f, "test"));
  SLUICE_ASSIGN_OR_RETURN(m.fairness, ReadFairness(f));
  SLUICE_ASSIGN_OR_RETURN(m.equal_opportunity_gap,
                          f.Number("fairness.equal_opportunity.gap_%", kPercent));
  SLUICE_ASSIGN_OR_RETURN(m.feature_importances, f.Importances(m.features));
  return m;
}

}  // namespace

Result<TrainedMetrics> ParseMetrics(std::string_view text, const std::filesystem::path& path) {
  const std::string file = path.string();
  json root;
  // parse() reports syntax errors only by exception; caught here, it never
  // leaves this function.
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    return Status::InvalidArgument(file + ": not valid JSON: " + sluice::JsonParseErrorMessage(e));
  }
  if (!root.is_object()) {
    return Status::InvalidArgument(file +
                                   ": expected a JSON object (the metrics file "
                                   "`ccapproval train` writes), found " +
                                   sluice::JsonTypeName(root));
  }
  const Fields top(root, file, "");
  TrainedMetrics out;
  SLUICE_ASSIGN_OR_RETURN(out.selected_model, top.String("selected_model"));
  SLUICE_ASSIGN_OR_RETURN(out.selected, ReadModel(top, out.selected_model));
  if (root.contains("baseline")) {
    SLUICE_ASSIGN_OR_RETURN(const json* b, top.Find("baseline"));
    if (!b->is_object()) {
      return Status::InvalidArgument(file + ": key \"baseline\" must be an object, found " +
                                     sluice::JsonTypeName(*b));
    }
    SLUICE_ASSIGN_OR_RETURN(out.baseline, ReadModel(Fields(*b, file, "baseline"), "baseline"));
  }
  if (root.contains("model_file")) {
    SLUICE_ASSIGN_OR_RETURN(std::string model, top.String("model_file"));
    if (model.empty()) {
      return Status::InvalidArgument(file + ": key \"model_file\" must be a non-empty path");
    }
    std::filesystem::path p(model);
    out.model_file = (p.is_relative() ? path.parent_path() / p : p).lexically_normal();
  }
  return out;
}

Result<TrainedMetrics> LoadMetrics(const std::filesystem::path& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, sluice::ReadFile(path));
  return ParseMetrics(text, path);
}

}  // namespace ccapproval
