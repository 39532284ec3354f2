#include "monitor/drift_baseline.h"

#include <algorithm>
#include <cmath>

#include "common/files.h"

namespace sluice::monitor {

namespace {

using nlohmann::json;

Result<std::vector<double>> Numbers(const json& parent, const char* key, const std::string& where) {
  if (!parent.contains(key) || !parent[key].is_array()) {
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a list of numbers");
  }
  std::vector<double> out;
  for (const json& v : parent[key]) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      return Status::InvalidArgument(where + ": \"" + key + "\" must be a list of finite numbers");
    }
    out.push_back(v.get<double>());
  }
  return out;
}

Result<double> Rate(const json& parent, const char* key, const std::string& where) {
  if (!parent.contains(key) || !parent[key].is_number()) {
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a number in [0, 1]");
  }
  const double v = parent[key].get<double>();
  if (!(v >= 0 && v <= 1)) {
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a number in [0, 1]");
  }
  return v;
}

}  // namespace

size_t FeatureBaseline::bin_count() const {
  return categorical ? categories.size() + 1 : edges.size() + 1;
}

size_t FeatureBaseline::BinOf(double value) const {
  if (categorical) {
    for (size_t i = 0; i < categories.size(); ++i) {
      if (categories[i] == value) return i;
    }
    return categories.size();
  }
  return static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), value) - edges.begin());
}

std::vector<double> FeatureBaseline::ExpectedShares() const {
  std::vector<double> out = shares;
  if (categorical) out.push_back(0);
  return out;
}

Result<DriftBaseline> DriftBaselineFromJson(std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Status::InvalidArgument(file + ": not a JSON object");
  if (doc.value("format", "") != kDriftBaselineFormat) {
    return Status::InvalidArgument(file + ": field \"format\" must be \"" +
                                   std::string(kDriftBaselineFormat) +
                                   "\" (is this the model's drift baseline?)");
  }
  if (!doc.contains("schemaVersion") || doc["schemaVersion"] != kDriftBaselineSchemaVersion) {
    return Status::InvalidArgument(file + ": field \"schemaVersion\" must be " +
                                   std::to_string(kDriftBaselineSchemaVersion));
  }
  DriftBaseline b;
  b.rows = doc.value("rows", int64_t{0});
  if (!doc.contains("features") || !doc["features"].is_array() || doc["features"].empty()) {
    return Status::InvalidArgument(file + ": field \"features\" must be a non-empty list");
  }
  for (size_t i = 0; i < doc["features"].size(); ++i) {
    const json& f = doc["features"][i];
    const std::string where = file + ": features[" + std::to_string(i) + "]";
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
      return Status::InvalidArgument(where + ": needs a \"name\"");
    }
    FeatureBaseline fb;
    fb.name = f["name"].get<std::string>();
    const std::string kind = f.value("kind", "");
    if (kind != "numeric" && kind != "categorical") {
      return Status::InvalidArgument(where + " (" + fb.name +
                                     "): \"kind\" must be \"numeric\" or \"categorical\"");
    }
    fb.categorical = kind == "categorical";
    SLUICE_ASSIGN_OR_RETURN(fb.shares, Numbers(f, "shares", where));
    size_t expected_shares = 0;
    if (fb.categorical) {
      SLUICE_ASSIGN_OR_RETURN(fb.categories, Numbers(f, "categories", where));
      expected_shares = fb.categories.size();
    } else {
      SLUICE_ASSIGN_OR_RETURN(fb.edges, Numbers(f, "edges", where));
      if (!std::is_sorted(fb.edges.begin(), fb.edges.end()) ||
          std::adjacent_find(fb.edges.begin(), fb.edges.end()) != fb.edges.end()) {
        return Status::InvalidArgument(where + " (" + fb.name +
                                       "): \"edges\" must be strictly ascending");
      }
      expected_shares = fb.edges.size() + 1;
    }
    if (fb.shares.size() != expected_shares) {
      return Status::InvalidArgument(where + " (" + fb.name + "): \"shares\" has " +
                                     std::to_string(fb.shares.size()) + " values, expected " +
                                     std::to_string(expected_shares));
    }
    double sum = 0;
    for (double s : fb.shares) {
      if (s < 0) return Status::InvalidArgument(where + ": a share is negative");
      sum += s;
    }
    if (std::fabs(sum - 1) > 1e-6) {
      return Status::InvalidArgument(where + " (" + fb.name + "): \"shares\" sum to " +
                                     std::to_string(sum) + ", not 1");
    }
    b.features.push_back(std::move(fb));
  }
  if (!doc.contains("prediction") || !doc["prediction"].is_object()) {
    return Status::InvalidArgument(file + ": field \"prediction\" must be an object");
  }
  SLUICE_ASSIGN_OR_RETURN(b.positive_rate,
                          Rate(doc["prediction"], "positive_rate", file + ": prediction"));
  SLUICE_ASSIGN_OR_RETURN(b.label_positive_rate,
                          Rate(doc["prediction"], "label_positive_rate", file + ": prediction"));
  return b;
}

Result<DriftBaseline> LoadDriftBaseline(const std::filesystem::path& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return DriftBaselineFromJson(text, path.string());
}

json DriftBaselineJson(const DriftBaseline& b) {
  json features = json::array();
  for (const FeatureBaseline& f : b.features) {
    json j = {{"name", f.name}, {"kind", f.categorical ? "categorical" : "numeric"}};
    if (f.categorical) {
      j["categories"] = f.categories;
    } else {
      j["edges"] = f.edges;
    }
    j["shares"] = f.shares;
    features.push_back(std::move(j));
  }
  return {{"format", kDriftBaselineFormat},
          {"schemaVersion", kDriftBaselineSchemaVersion},
          {"rows", b.rows},
          {"features", std::move(features)},
          {"prediction",
           {{"positive_rate", b.positive_rate}, {"label_positive_rate", b.label_positive_rate}}}};
}

std::filesystem::path DriftBaselinePathFor(const std::filesystem::path& model_file) {
  std::filesystem::path out = model_file;
  out.replace_filename(model_file.stem().string() + ".drift.json");
  return out;
}

}  // namespace sluice::monitor
