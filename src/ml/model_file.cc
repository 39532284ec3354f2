// Model file: JSON writing, and a reader that checks every field before use.
#include "ml/model_file.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/files.h"
#include "common/json_util.h"

namespace sluice::ml {

using nlohmann::json;

FeatureDistribution SummarizeFeature(std::span<const double> values) {
  FeatureDistribution d;
  d.edges.assign(kHistogramBins + 1, 0.0);
  d.counts.assign(kHistogramBins, 0);
  if (values.empty()) return d;
  d.count = static_cast<int64_t>(values.size());
  d.min = *std::min_element(values.begin(), values.end());
  d.max = *std::max_element(values.begin(), values.end());
  double sum = 0.0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (double v : values) squares += (v - d.mean) * (v - d.mean);
  d.stddev = std::sqrt(squares / static_cast<double>(values.size()));

  // numpy.histogram: linspace edges (last edge exactly max), then a bin from
  // the scaled offset, corrected against the edges themselves.
  double lo = d.min, hi = d.max;
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double step = (hi - lo) / kHistogramBins;
  for (int i = 0; i < kHistogramBins; ++i) d.edges[i] = lo + i * step;
  d.edges[kHistogramBins] = hi;
  const double norm = kHistogramBins / (hi - lo);
  for (double v : values) {
    int bin = static_cast<int>(std::floor((v - lo) * norm));
    bin = std::clamp(bin, 0, kHistogramBins - 1);
    if (v < d.edges[bin] && bin > 0) --bin;
    if (bin < kHistogramBins - 1 && v >= d.edges[bin + 1]) ++bin;
    ++d.counts[bin];
  }
  return d;
}

std::vector<FeatureDistribution> SummarizeFeatures(
    const std::vector<std::vector<float>>& columns) {
  std::vector<FeatureDistribution> out;
  out.reserve(columns.size());
  for (const auto& column : columns) {
    const std::vector<double> values(column.begin(), column.end());
    out.push_back(SummarizeFeature(values));
  }
  return out;
}

Result<ModelFile> MakeModelFile(DecisionTree tree, std::vector<std::string> features,
                                const std::vector<std::vector<float>>& training_columns,
                                std::string dataset_sha256, const TreeOptions& options,
                                std::string library_version, int64_t created_unix_ms) {
  if (features.size() != tree.n_features() || training_columns.size() != tree.n_features()) {
    return Status::InvalidArgument("model file: the tree has " +
                                   std::to_string(tree.n_features()) + " features but " +
                                   std::to_string(features.size()) + " names and " +
                                   std::to_string(training_columns.size()) +
                                   " training columns were given");
  }
  TrainingInfo info;
  info.dataset_sha256 = std::move(dataset_sha256);
  info.rows = training_columns.empty() ? 0 : static_cast<int64_t>(training_columns[0].size());
  info.options = options;
  info.library_version = std::move(library_version);
  info.created_unix_ms = created_unix_ms;
  info.distributions = SummarizeFeatures(training_columns);
  return ModelFile{std::move(features), std::move(tree), std::move(info)};
}

namespace {

// --- Writing -----------------------------------------------------------------

// JSON has no NaN or infinity (nlohmann would write null), so refuse them.
Status CheckFinite(std::span<const double> values, std::string_view field) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Status::InvalidArgument("model file: field \"" + std::string(field) + "\"[" +
                                     std::to_string(i) + "] is not finite");
    }
  }
  return Status::Ok();
}

Result<json> DistributionToJson(const std::string& name, const FeatureDistribution& d) {
  const double scalars[] = {d.min, d.max, d.mean, d.stddev};
  SLUICE_RETURN_IF_ERROR(CheckFinite(scalars, "training.feature_distributions"));
  SLUICE_RETURN_IF_ERROR(CheckFinite(d.edges, "training.feature_distributions.edges"));
  return json{{"feature", name},
              {"count", d.count},
              {"min", d.min},
              {"max", d.max},
              {"mean", d.mean},
              {"std", d.stddev},
              {"histogram", {{"edges", d.edges}, {"counts", d.counts}}}};
}

// --- Reading -----------------------------------------------------------------

// Reads typed fields out of untrusted JSON; every error names the file and
// the dotted field path. No nlohmann accessor that throws is called before
// the type has been checked.
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  Status Error(std::string_view field, std::string_view what) const {
    return Status::InvalidArgument(file_ + ": field \"" + std::string(field) + "\": " +
                                   std::string(what));
  }

  Result<const json*> Member(const json& object, std::string_view parent,
                             std::string_view key) const {
    const std::string field = parent.empty() ? std::string(key)
                                             : std::string(parent) + "." + std::string(key);
    if (!object.is_object()) return Error(parent, "expected an object");
    auto it = object.find(key);
    if (it == object.end()) return Error(field, "missing");
    return &*it;
  }

  Status Int(const json& v, std::string_view field, int64_t* out) const {
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Error(field, "integer out of range");
      }
      *out = static_cast<int64_t>(v.get<uint64_t>());
      return Status::Ok();
    }
    if (!v.is_number_integer()) {
      return Error(field, "expected an integer, found " + JsonTypeName(v));
    }
    *out = v.get<int64_t>();
    return Status::Ok();
  }

  Status Double(const json& v, std::string_view field, double* out) const {
    if (!v.is_number()) return Error(field, "expected a number, found " + JsonTypeName(v));
    *out = v.get<double>();
    return Status::Ok();
  }

  Status String(const json& v, std::string_view field, std::string* out) const {
    if (!v.is_string()) return Error(field, "expected a string, found " + JsonTypeName(v));
    *out = v.get<std::string>();
    return Status::Ok();
  }

  // An array of exactly `expected` elements (any length when expected < 0).
  Status Array(const json& v, std::string_view field, int64_t expected) const {
    if (!v.is_array()) return Error(field, "expected an array, found " + JsonTypeName(v));
    if (expected >= 0 && v.size() != static_cast<size_t>(expected)) {
      return Error(field, "has " + std::to_string(v.size()) + " elements, expected " +
                              std::to_string(expected));
    }
    return Status::Ok();
  }

  template <typename T, typename ReadOne>
  Status ArrayOf(const json& v, std::string_view field, int64_t expected, std::vector<T>* out,
                 ReadOne read_one) const {
    SLUICE_RETURN_IF_ERROR(Array(v, field, expected));
    out->assign(v.size(), T{});
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string element = std::string(field) + "[" + std::to_string(i) + "]";
      SLUICE_RETURN_IF_ERROR((this->*read_one)(v[i], element, &(*out)[i]));
    }
    return Status::Ok();
  }

  Status Ints(const json& v, std::string_view f, int64_t n, std::vector<int64_t>* out) const {
    return ArrayOf(v, f, n, out, &Reader::Int);
  }
  Status Doubles(const json& v, std::string_view f, int64_t n, std::vector<double>* out) const {
    return ArrayOf(v, f, n, out, &Reader::Double);
  }
  Status Strings(const json& v, std::string_view f, int64_t n,
                 std::vector<std::string>* out) const {
    return ArrayOf(v, f, n, out, &Reader::String);
  }

  // Shorthands: read member `key` of `object` (whose path is `parent`).
  template <typename T, typename Fn>
  Status Field(const json& object, std::string_view parent, std::string_view key, T* out,
               Fn fn) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Member(object, parent, key));
    const std::string field =
        parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
    return (this->*fn)(*v, field, out);
  }
  template <typename T, typename Fn>
  Status ArrayField(const json& object, std::string_view parent, std::string_view key,
                    int64_t n, T* out, Fn fn) const {
    SLUICE_ASSIGN_OR_RETURN(const json* v, Member(object, parent, key));
    const std::string field =
        parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
    return (this->*fn)(*v, field, n, out);
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

Result<FeatureDistribution> ReadDistribution(const Reader& r, const json& v,
                                             const std::string& field) {
  FeatureDistribution d;
  SLUICE_RETURN_IF_ERROR(r.Field(v, field, "count", &d.count, &Reader::Int));
  SLUICE_RETURN_IF_ERROR(r.Field(v, field, "min", &d.min, &Reader::Double));
  SLUICE_RETURN_IF_ERROR(r.Field(v, field, "max", &d.max, &Reader::Double));
  SLUICE_RETURN_IF_ERROR(r.Field(v, field, "mean", &d.mean, &Reader::Double));
  SLUICE_RETURN_IF_ERROR(r.Field(v, field, "std", &d.stddev, &Reader::Double));
  SLUICE_ASSIGN_OR_RETURN(const json* h, r.Member(v, field, "histogram"));
  const std::string hist = field + ".histogram";
  SLUICE_RETURN_IF_ERROR(
      r.ArrayField(*h, hist, "edges", kHistogramBins + 1, &d.edges, &Reader::Doubles));
  SLUICE_RETURN_IF_ERROR(
      r.ArrayField(*h, hist, "counts", kHistogramBins, &d.counts, &Reader::Ints));
  return d;
}

Result<TrainingInfo> ReadTraining(const Reader& r, const json& root,
                                  const std::vector<std::string>& features) {
  SLUICE_ASSIGN_OR_RETURN(const json* t, r.Member(root, "", "training"));
  TrainingInfo info;
  SLUICE_RETURN_IF_ERROR(
      r.Field(*t, "training", "dataset_sha256", &info.dataset_sha256, &Reader::String));
  SLUICE_RETURN_IF_ERROR(r.Field(*t, "training", "rows", &info.rows, &Reader::Int));
  SLUICE_RETURN_IF_ERROR(
      r.Field(*t, "training", "library_version", &info.library_version, &Reader::String));
  SLUICE_RETURN_IF_ERROR(
      r.Field(*t, "training", "created_unix_ms", &info.created_unix_ms, &Reader::Int));

  int64_t random_state = 0;
  SLUICE_RETURN_IF_ERROR(r.Field(*t, "training", "random_state", &random_state, &Reader::Int));
  if (random_state < 0 || random_state > std::numeric_limits<uint32_t>::max()) {
    return r.Error("training.random_state", "must be in [0, 2^32)");
  }
  info.options.random_state = static_cast<uint32_t>(random_state);

  SLUICE_ASSIGN_OR_RETURN(const json* o, r.Member(*t, "training", "options"));
  const std::string opts = "training.options";
  int64_t max_depth = 0, split = 0, leaf = 0;
  SLUICE_RETURN_IF_ERROR(r.Field(*o, opts, "max_depth", &max_depth, &Reader::Int));
  SLUICE_RETURN_IF_ERROR(r.Field(*o, opts, "min_samples_split", &split, &Reader::Int));
  SLUICE_RETURN_IF_ERROR(r.Field(*o, opts, "min_samples_leaf", &leaf, &Reader::Int));
  SLUICE_RETURN_IF_ERROR(r.Field(*o, opts, "min_impurity_decrease",
                                 &info.options.min_impurity_decrease, &Reader::Double));
  for (auto [name, value] : {std::pair{"max_depth", max_depth},
                             std::pair{"min_samples_split", split},
                             std::pair{"min_samples_leaf", leaf}}) {
    if (value < -1 || value > std::numeric_limits<int>::max()) {
      return r.Error(opts + "." + name, "out of range");
    }
  }
  info.options.max_depth = static_cast<int>(max_depth);
  info.options.min_samples_split = static_cast<int>(split);
  info.options.min_samples_leaf = static_cast<int>(leaf);

  SLUICE_ASSIGN_OR_RETURN(const json* dists, r.Member(*t, "training", "feature_distributions"));
  const std::string field = "training.feature_distributions";
  SLUICE_RETURN_IF_ERROR(r.Array(*dists, field, static_cast<int64_t>(features.size())));
  for (size_t i = 0; i < dists->size(); ++i) {
    const std::string element = field + "[" + std::to_string(i) + "]";
    std::string name;
    SLUICE_RETURN_IF_ERROR(r.Field((*dists)[i], element, "feature", &name, &Reader::String));
    if (name != features[i]) {
      return r.Error(element + ".feature",
                     "is \"" + name + "\" but feature " + std::to_string(i) + " is \"" +
                         features[i] + "\"");
    }
    SLUICE_ASSIGN_OR_RETURN(FeatureDistribution d, ReadDistribution(r, (*dists)[i], element));
    info.distributions.push_back(std::move(d));
  }
  return info;
}

Result<DecisionTree> ReadTree(const Reader& r, const json& root, size_t n_features) {
  std::vector<int64_t> classes;
  SLUICE_RETURN_IF_ERROR(r.ArrayField(root, "", "classes", -1, &classes, &Reader::Ints));

  SLUICE_ASSIGN_OR_RETURN(const json* t, r.Member(root, "", "tree"));
  TreeArrays a;
  int64_t n = 0;
  SLUICE_RETURN_IF_ERROR(r.Field(*t, "tree", "node_count", &n, &Reader::Int));
  if (n < 1) return r.Error("tree.node_count", "must be at least 1");
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "children_left", n, &a.children_left,
                                      &Reader::Ints));
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "children_right", n, &a.children_right,
                                      &Reader::Ints));
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "feature", n, &a.feature, &Reader::Ints));
  SLUICE_RETURN_IF_ERROR(
      r.ArrayField(*t, "tree", "threshold", n, &a.threshold, &Reader::Doubles));
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "impurity", n, &a.impurity, &Reader::Doubles));
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "n_node_samples", n, &a.n_node_samples,
                                      &Reader::Ints));
  SLUICE_RETURN_IF_ERROR(r.ArrayField(*t, "tree", "weighted_n_node_samples", n,
                                      &a.weighted_n_node_samples, &Reader::Doubles));

  SLUICE_ASSIGN_OR_RETURN(const json* value, r.Member(*t, "tree", "value"));
  SLUICE_RETURN_IF_ERROR(r.Array(*value, "tree.value", n));
  a.value.reserve(static_cast<size_t>(n) * classes.size());
  for (size_t i = 0; i < value->size(); ++i) {
    std::vector<double> counts;
    SLUICE_RETURN_IF_ERROR(r.Doubles((*value)[i], "tree.value[" + std::to_string(i) + "]",
                                     static_cast<int64_t>(classes.size()), &counts));
    a.value.insert(a.value.end(), counts.begin(), counts.end());
  }

  // Structural checks (child ids in range and forward, feature ids, sorted
  // classes) are DecisionTree's own, so they cannot drift from what it needs.
  auto tree = DecisionTree::FromArrays(std::move(a), std::move(classes), n_features);
  if (!tree.ok()) return r.Error("tree", tree.status().message());
  return tree;
}

}  // namespace

Result<std::string> ModelToJson(const ModelFile& model) {
  const DecisionTree& tree = model.tree;
  const TreeArrays& a = tree.arrays();
  const TrainingInfo& t = model.training;
  if (model.features.size() != tree.n_features() ||
      t.distributions.size() != tree.n_features()) {
    return Status::InvalidArgument(
        "model file: the tree has " + std::to_string(tree.n_features()) + " features but " +
        std::to_string(model.features.size()) + " names and " +
        std::to_string(t.distributions.size()) + " distributions");
  }
  SLUICE_RETURN_IF_ERROR(CheckFinite(a.threshold, "tree.threshold"));
  SLUICE_RETURN_IF_ERROR(CheckFinite(a.impurity, "tree.impurity"));
  SLUICE_RETURN_IF_ERROR(CheckFinite(a.weighted_n_node_samples, "tree.weighted_n_node_samples"));
  SLUICE_RETURN_IF_ERROR(CheckFinite(a.value, "tree.value"));
  SLUICE_RETURN_IF_ERROR(CheckFinite(std::span<const double>(&t.options.min_impurity_decrease, 1),
                                     "training.options.min_impurity_decrease"));
  const std::vector<double> importances = tree.FeatureImportances();
  SLUICE_RETURN_IF_ERROR(CheckFinite(importances, "feature_importances"));

  json value = json::array();
  for (size_t i = 0; i < tree.node_count(); ++i) {
    const auto counts = tree.value(i);
    value.push_back(std::vector<double>(counts.begin(), counts.end()));
  }
  json distributions = json::array();
  for (size_t i = 0; i < model.features.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(json d, DistributionToJson(model.features[i], t.distributions[i]));
    distributions.push_back(std::move(d));
  }

  // nlohmann::ordered_json is not used, so keys come out sorted; "format" and
  // "schemaVersion" are still found by name, which is all readers rely on.
  json root = {
      {"format", std::string(kModelFormat)},
      {"schemaVersion", kModelSchemaVersion},
      {"model", "decision_tree_classifier"},
      {"features", model.features},
      {"classes", tree.classes()},
      {"tree",
       {{"node_count", tree.node_count()},
        {"children_left", a.children_left},
        {"children_right", a.children_right},
        {"feature", a.feature},
        {"threshold", a.threshold},
        {"impurity", a.impurity},
        {"n_node_samples", a.n_node_samples},
        {"weighted_n_node_samples", a.weighted_n_node_samples},
        {"value", std::move(value)}}},
      {"feature_importances", importances},
      {"training",
       {{"dataset_sha256", t.dataset_sha256},
        {"rows", t.rows},
        {"random_state", t.options.random_state},
        {"options",
         {{"max_depth", t.options.max_depth},
          {"min_samples_split", t.options.min_samples_split},
          {"min_samples_leaf", t.options.min_samples_leaf},
          {"min_impurity_decrease", t.options.min_impurity_decrease}}},
        {"library_version", t.library_version},
        {"created_unix_ms", t.created_unix_ms},
        {"feature_distributions", std::move(distributions)}}},
  };
  // Invalid UTF-8 in a feature name is replaced rather than thrown on.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<ModelFile> ModelFromJson(std::string_view text, std::string_view file_name) {
  const Reader r(file_name);
  // parse() reports syntax errors only by exception; it is caught here and
  // never leaves this function.
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    return Status::InvalidArgument(std::string(file_name) +
                                   ": not valid JSON: " + JsonParseErrorMessage(e));
  }
  if (!root.is_object()) {
    return Status::InvalidArgument(std::string(file_name) +
                                   ": not a sluice model file (expected a JSON object)");
  }

  std::string format;
  SLUICE_RETURN_IF_ERROR(r.Field(root, "", "format", &format, &Reader::String));
  if (format != kModelFormat) {
    return r.Error("format", "is \"" + format + "\", expected \"" + std::string(kModelFormat) +
                                 "\" (not a sluice model file)");
  }
  int64_t version = 0;
  SLUICE_RETURN_IF_ERROR(r.Field(root, "", "schemaVersion", &version, &Reader::Int));
  if (version != kModelSchemaVersion) {
    return Status::InvalidArgument(
        std::string(file_name) + ": model schemaVersion " + std::to_string(version) +
        " is not supported; this version of sluice reads schemaVersion " +
        std::to_string(kModelSchemaVersion));
  }
  std::string kind;
  SLUICE_RETURN_IF_ERROR(r.Field(root, "", "model", &kind, &Reader::String));
  if (kind != "decision_tree_classifier") {
    return r.Error("model", "\"" + kind + "\" is not supported (decision_tree_classifier is)");
  }

  std::vector<std::string> features;
  SLUICE_RETURN_IF_ERROR(r.ArrayField(root, "", "features", -1, &features, &Reader::Strings));
  SLUICE_ASSIGN_OR_RETURN(DecisionTree tree, ReadTree(r, root, features.size()));
  // Importances are derived from the tree; the stored copy is for other
  // readers, so it is only checked for shape.
  std::vector<double> importances;
  SLUICE_RETURN_IF_ERROR(r.ArrayField(root, "", "feature_importances",
                                      static_cast<int64_t>(features.size()), &importances,
                                      &Reader::Doubles));
  SLUICE_ASSIGN_OR_RETURN(TrainingInfo training, ReadTraining(r, root, features));
  return ModelFile{std::move(features), std::move(tree), std::move(training)};
}

Status SaveModel(const std::filesystem::path& path, const ModelFile& model) {
  auto text = ModelToJson(model);
  if (!text.ok()) return text.status().Annotate(path.string());
  return WriteFileAtomic(path, *text);
}

Result<ModelFile> LoadModel(const std::filesystem::path& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ModelFromJson(text, path.string());
}

}  // namespace sluice::ml
