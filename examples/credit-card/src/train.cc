#include "train.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "common/files.h"
#include "common/hash.h"
#include "drift_baseline.h"
#include "ml/dataset.h"
#include "ml/model_file.h"
#include "ml/number_format.h"
#include "ml/split.h"
#include "ml/threshold.h"
#include "ml/tree.h"

namespace ccapproval {
namespace {

namespace ml = sluice::ml;
using sluice::Result;
using sluice::Status;
using Json = nlohmann::ordered_json;

constexpr std::string_view kGroupColumn = "Group";
constexpr std::string_view kTargetColumn = "Target";
const std::vector<std::string> kBaselineFeatures = {"Num_Children", "Group", "Income", "Own_Car",
                                                    "Own_Housing"};
const std::vector<std::string> kUnawareFeatures = {"Num_Children", "Income", "Own_Car",
                                                   "Own_Housing"};
// The notebook's DecisionTreeClassifier(max_depth=3, random_state=0).
constexpr int kMaxDepth = 3;
constexpr uint32_t kRandomState = 0;

std::string Where(const std::filesystem::path& file, const YAML::Mark& mark) {
  return file.string() + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// The non-empty string at section.key, resolved against `base`.
Result<std::filesystem::path> PathKey(const YAML::Node& root, const std::string& section,
                                      const std::string& key,
                                      const std::filesystem::path& config_path) {
  const std::string dotted = section + "." + key;
  YAML::Node parent = root[section];
  if (!parent.IsDefined() || parent.IsNull()) {
    return Status::InvalidArgument(config_path.string() + ": missing key \"" + dotted + "\"");
  }
  if (!parent.IsMap()) {
    return Status::InvalidArgument(Where(config_path, parent.Mark()) + ": key \"" + section +
                                   "\" must be a mapping holding \"" + key + "\"");
  }
  YAML::Node value = parent[key];
  if (!value.IsDefined() || value.IsNull()) {
    return Status::InvalidArgument(config_path.string() + ": missing key \"" + dotted + "\"");
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    return Status::InvalidArgument(Where(config_path, value.Mark()) + ": key \"" + dotted +
                                   "\" must be a non-empty file path");
  }
  std::filesystem::path p(value.Scalar());
  if (p.is_relative()) p = config_path.parent_path() / p;
  return p;
}

Json MetricsJson(const ml::BinaryMetrics& m) {
  return Json{{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1},
              {"accuracy", m.accuracy}};
}

Json MatrixJson(const ml::ConfusionMatrix& cm) {
  return Json::array({Json::array({cm.tn(), cm.fp()}), Json::array({cm.fn(), cm.tp()})});
}

// The notebook saves each percentage rounded to 2 decimals (Python round()).
double R2(double x) { return ml::RoundLikePython(x, 2); }

Json FairnessJson(const ModelEvaluation& e) {
  const ml::NotebookFairness& f = e.fairness;
  return Json{
      {"demographic_parity",
       {{"total_approvals", f.total_approvals},
        {"group_0_%", R2(f.approval_share_percent[0])},
        {"group_1_%", R2(f.approval_share_percent[1])}}},
      {"equal_opportunity",
       {{"overall_%", R2(f.tpr_percent_overall)},
        {"group_0_%", R2(f.tpr_percent[0])},
        {"group_1_%", R2(f.tpr_percent[1])},
        {"gap_%", e.equal_opportunity_gap}}},
      {"equal_accuracy",
       {{"overall_%", R2(f.accuracy_percent_overall)},
        {"group_0_%", R2(f.accuracy_percent[0])},
        {"group_1_%", R2(f.accuracy_percent[1])}}},
      {"confusion_matrix",
       {{"overall", MatrixJson(f.confusion.overall)},
        {"group_0", MatrixJson(f.confusion.by_group[0])},
        {"group_1", MatrixJson(f.confusion.by_group[1])}}},
  };
}

Json EvaluationJson(const ModelEvaluation& e) {
  Json importances = Json::object();
  for (size_t i = 0; i < e.features.size(); ++i) {
    importances[e.features[i]] = e.feature_importances[i];
  }
  return Json{{"features", e.features},
              {"train", MetricsJson(e.train)},
              {"test", MetricsJson(e.test)},
              {"fairness", FairnessJson(e)},
              {"feature_importances", std::move(importances)}};
}

std::vector<std::vector<float>> FloatColumns(const ml::Dataset& data,
                                             const std::vector<std::string>& names) {
  std::vector<std::vector<float>> columns;
  columns.reserve(names.size());
  // Names were checked as required columns when loading.
  for (const auto& name : names) columns.push_back(ml::ToFloat32(*data.Find(name)));
  return columns;
}

Result<std::vector<int64_t>> IntColumn(const ml::Dataset& data, std::string_view name) {
  SLUICE_ASSIGN_OR_RETURN(const ml::Column* column, data.Get(name));
  if (column->type() != ml::ColumnType::kInt64) {
    return Status::InvalidArgument("column \"" + std::string(name) +
                                   "\" must hold integers 0/1, found non-integer values");
  }
  return column->int64_values();
}

struct FittedModel {
  ModelEvaluation evaluation;
  ml::DecisionTree tree;
  std::vector<std::vector<float>> train_columns;
};

Result<FittedModel> FitAndEvaluate(const ml::Dataset& train, const ml::Dataset& test,
                                   const std::vector<std::string>& features,
                                   const ml::TreeOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> y_train, IntColumn(train, kTargetColumn));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> y_test, IntColumn(test, kTargetColumn));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> group_test, IntColumn(test, kGroupColumn));
  std::vector<std::vector<float>> x_train = FloatColumns(train, features);
  std::vector<std::vector<float>> x_test = FloatColumns(test, features);

  SLUICE_ASSIGN_OR_RETURN(ml::DecisionTree tree, ml::FitDecisionTree(x_train, y_train, options));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> pred_train, tree.Predict(x_train));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> pred_test, tree.Predict(x_test));

  ModelEvaluation e;
  e.features = features;
  SLUICE_ASSIGN_OR_RETURN(e.train, ml::EvaluateBinary(y_train, pred_train));
  SLUICE_ASSIGN_OR_RETURN(e.test, ml::EvaluateBinary(y_test, pred_test));
  // The model's own test predictions (the notebook used the baseline's here).
  SLUICE_ASSIGN_OR_RETURN(e.fairness, ml::ComputeNotebookFairness(y_test, pred_test, group_test));
  e.equal_opportunity_gap = ml::NotebookEqualOpportunityGap(e.fairness);
  e.feature_importances = tree.FeatureImportances();
  return FittedModel{std::move(e), std::move(tree), std::move(x_train)};
}

// The notebook's post-processing variant of the group-unaware model: approve
// when its probability of approval exceeds the group's threshold (0.11 for
// group 0, 0.99 for group 1), scored on the test set.
Result<ModelEvaluation> EvaluateThresholdVariant(const FittedModel& unaware,
                                                 const ml::Dataset& test) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> y_test, IntColumn(test, kTargetColumn));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> group_test, IntColumn(test, kGroupColumn));
  SLUICE_ASSIGN_OR_RETURN(std::vector<double> proba,
                          unaware.tree.PredictProba(FloatColumns(test, kUnawareFeatures)));
  // The probability of approval (label 1); 0 when training saw no approval.
  const size_t n_classes = unaware.tree.n_classes();
  const std::optional<size_t> approve = unaware.tree.ClassIndex(1);
  std::vector<double> approval(y_test.size(), 0.0);
  if (approve) {
    for (size_t i = 0; i < approval.size(); ++i) approval[i] = proba[i * n_classes + *approve];
  }
  SLUICE_ASSIGN_OR_RETURN(
      std::vector<int64_t> pred,
      ml::ApplyGroupThresholds(approval, group_test, ml::kNotebookGroupThresholds));
  ModelEvaluation e;
  e.features = kUnawareFeatures;
  SLUICE_ASSIGN_OR_RETURN(e.test, ml::EvaluateBinary(y_test, pred));
  SLUICE_ASSIGN_OR_RETURN(e.fairness, ml::ComputeNotebookFairness(y_test, pred, group_test));
  e.equal_opportunity_gap = ml::NotebookEqualOpportunityGap(e.fairness);
  return e;
}

Json ThresholdVariantJson(const ModelEvaluation& e) {
  return Json{{"model", "group_unaware"},
              {"thresholds",
               {{"group_0", ml::kNotebookGroupThresholds[0]},
                {"group_1", ml::kNotebookGroupThresholds[1]}}},
              {"test", MetricsJson(e.test)},
              {"fairness", FairnessJson(e)}};
}

// The model's path as the metrics file records it: relative to the metrics
// file's folder, so the two can move together (absolute when no relative
// path exists).
std::string ModelPathForMetrics(const TrainConfig& config) {
  std::error_code ec;
  const std::filesystem::path model = std::filesystem::absolute(config.model_file, ec);
  if (ec) return config.model_file.string();
  const std::filesystem::path base = std::filesystem::absolute(config.metrics_file, ec);
  if (ec) return model.lexically_normal().string();
  const std::filesystem::path relative =
      model.lexically_normal().lexically_relative(base.parent_path().lexically_normal());
  return relative.empty() ? model.lexically_normal().string() : relative.generic_string();
}

// A column's value at `row` as the CSV most likely wrote it.
std::string ValueText(const ml::Column& column, size_t row) {
  if (column.type() == ml::ColumnType::kInt64) return std::to_string(column.int64_values()[row]);
  return ml::FormatExact(column.double_values()[row]);
}

// Values the fit and the fairness figures cannot take, caught before the
// split so the message names the column and the CSV line (the fit and the
// metrics only know an index into a split). Features become float32 for the
// trees, so a double beyond float's range cannot be used (casting it would
// be undefined behaviour; every int64 fits). Group and Target are 0/1.
Status CheckValues(const ml::Dataset& data, std::string_view csv, const std::string& file) {
  const auto at = [&](size_t row, std::string_view name) {
    return file + ":" + std::to_string(ml::CsvLineOfRow(csv, row)) + ": column \"" +
           std::string(name) + "\" ";
  };
  constexpr double kFloatMax = std::numeric_limits<float>::max();
  for (const std::string& name : kBaselineFeatures) {
    const ml::Column& column = *data.Find(name);  // a required column
    if (column.type() != ml::ColumnType::kDouble) continue;
    const std::vector<double>& values = column.double_values();
    for (size_t row = 0; row < values.size(); ++row) {
      if (!(std::fabs(values[row]) <= kFloatMax)) {
        return Status::InvalidArgument(
            at(row, name) + "value " + ValueText(column, row) +
            " is out of range for float32 (|x| <= " + ml::PythonRepr(kFloatMax) +
            "), the type the trees are fitted on");
      }
    }
  }
  for (std::string_view name : {kGroupColumn, kTargetColumn}) {
    const ml::Column& column = *data.Find(name);  // a required column
    for (size_t row = 0; row < column.size(); ++row) {
      const double x = column.AsDouble(row);
      if (x != 0 && x != 1) {
        return Status::InvalidArgument(at(row, name) + "must be 0 or 1, found " +
                                       ValueText(column, row));
      }
    }
  }
  return Status::Ok();
}

Status MakeParentDirs(const std::filesystem::path& file) {
  if (file.parent_path().empty()) return Status::Ok();
  return sluice::MakeDirs(file.parent_path());
}

}  // namespace

Result<TrainConfig> ParseTrainConfig(std::string_view text,
                                     const std::filesystem::path& config_path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(Where(config_path, e.mark) + ": " + e.msg);
  }
  if (!root.IsMap()) {
    return Status::InvalidArgument(config_path.string() +
                                   ": expected a mapping with keys \"data\" and \"model\"");
  }
  TrainConfig config;
  SLUICE_ASSIGN_OR_RETURN(config.data_file,
                          PathKey(root, "data", "load_file_path", config_path));
  SLUICE_ASSIGN_OR_RETURN(config.model_file,
                          PathKey(root, "model", "save_file_path", config_path));
  SLUICE_ASSIGN_OR_RETURN(config.metrics_file,
                          PathKey(root, "model", "save_metrics_file_path", config_path));
  return config;
}

Result<TrainConfig> LoadTrainConfig(const std::filesystem::path& config_path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, sluice::ReadFile(config_path));
  return ParseTrainConfig(text, config_path);
}

Result<TrainOutcome> Train(const TrainConfig& config, const sluice::Clock& clock) {
  // One read serves both the hash recorded in the model and the parse.
  SLUICE_ASSIGN_OR_RETURN(std::string csv, sluice::ReadFile(config.data_file));
  std::vector<std::string> required = kBaselineFeatures;
  required.emplace_back(kTargetColumn);
  SLUICE_ASSIGN_OR_RETURN(ml::Dataset data,
                          ml::Dataset::Parse(csv, config.data_file.string(), required));
  SLUICE_RETURN_IF_ERROR(CheckValues(data, csv, config.data_file.string()));

  ml::SplitOptions split_options;
  split_options.train_size = 0.8;
  split_options.test_size = 0.2;
  split_options.random_state = kRandomState;
  SLUICE_ASSIGN_OR_RETURN(ml::SplitIndices split,
                          ml::TrainTestSplit(data.num_rows(), split_options));
  const ml::Dataset train = data.Take(split.train);
  const ml::Dataset test = data.Take(split.test);

  ml::TreeOptions options;
  options.max_depth = kMaxDepth;
  options.random_state = kRandomState;
  SLUICE_ASSIGN_OR_RETURN(FittedModel baseline,
                          FitAndEvaluate(train, test, kBaselineFeatures, options));
  SLUICE_ASSIGN_OR_RETURN(FittedModel unaware,
                          FitAndEvaluate(train, test, kUnawareFeatures, options));
  SLUICE_ASSIGN_OR_RETURN(ModelEvaluation variant, EvaluateThresholdVariant(unaware, test));

  SLUICE_ASSIGN_OR_RETURN(
      ml::ModelFile model,
      ml::MakeModelFile(unaware.tree, kUnawareFeatures, unaware.train_columns,
                        sluice::Sha256Hex(csv), options, std::string(kLibraryVersion),
                        clock.NowMillis()));
  SLUICE_RETURN_IF_ERROR(MakeParentDirs(config.model_file));
  SLUICE_RETURN_IF_ERROR(ml::SaveModel(config.model_file, model));
  // The training distribution for drift monitoring, beside the model (the
  // model file is as before, so its readers and predictions are unchanged).
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> train_predictions,
                          unaware.tree.Predict(unaware.train_columns));
  SLUICE_ASSIGN_OR_RETURN(std::vector<int64_t> train_labels, IntColumn(train, kTargetColumn));
  SLUICE_RETURN_IF_ERROR(sluice::WriteFileAtomic(
      DriftBaselinePath(config.model_file),
      MakeDriftBaseline(kUnawareFeatures, unaware.train_columns, train_predictions, train_labels)
              .dump(2) +
          "\n"));

  Json metrics = EvaluationJson(unaware.evaluation);
  metrics["baseline"] = EvaluationJson(baseline.evaluation);
  metrics["threshold_variant"] = ThresholdVariantJson(variant);
  metrics["selected_model"] = "group_unaware";
  metrics["model_file"] = ModelPathForMetrics(config);
  SLUICE_RETURN_IF_ERROR(MakeParentDirs(config.metrics_file));
  SLUICE_RETURN_IF_ERROR(sluice::WriteFileAtomic(config.metrics_file, metrics.dump(2) + "\n"));

  TrainOutcome outcome;
  outcome.baseline = std::move(baseline.evaluation);
  outcome.selected = std::move(unaware.evaluation);
  outcome.threshold_variant = std::move(variant);
  outcome.train_rows = static_cast<int64_t>(split.train.size());
  outcome.test_rows = static_cast<int64_t>(split.test.size());
  return outcome;
}

}  // namespace ccapproval
