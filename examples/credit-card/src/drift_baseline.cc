#include "drift_baseline.h"

#include <algorithm>

namespace ccapproval {

namespace {

using Json = nlohmann::json;

double Share(int64_t part, size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

Json FeatureJson(const std::string& name, const std::vector<float>& column) {
  const bool binary =
      std::all_of(column.begin(), column.end(), [](float v) { return v == 0 || v == 1; });
  if (binary) {
    std::vector<double> categories;
    int64_t ones = 0;
    for (float v : column) ones += v == 1 ? 1 : 0;
    const int64_t zeros = static_cast<int64_t>(column.size()) - ones;
    std::vector<double> shares;
    if (zeros > 0 || column.empty()) {
      categories.push_back(0);
      shares.push_back(column.empty() ? 1.0 : Share(zeros, column.size()));
    }
    if (ones > 0) {
      categories.push_back(1);
      shares.push_back(Share(ones, column.size()));
    }
    return {
        {"name", name}, {"kind", "categorical"}, {"categories", categories}, {"shares", shares}};
  }
  std::vector<float> sorted = column;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int q = 1; q < 10; ++q) {
    const double cut = sorted[sorted.size() * q / 10];
    if (cut > sorted.front() && (edges.empty() || cut > edges.back())) edges.push_back(cut);
  }
  std::vector<int64_t> counts(edges.size() + 1, 0);
  for (float v : column) {
    ++counts[static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), double{v}) -
                                 edges.begin())];
  }
  std::vector<double> shares;
  for (int64_t c : counts) shares.push_back(Share(c, column.size()));
  return {{"name", name}, {"kind", "numeric"}, {"edges", edges}, {"shares", shares}};
}

}  // namespace

Json MakeDriftBaseline(const std::vector<std::string>& names,
                       const std::vector<std::vector<float>>& columns,
                       const std::vector<int64_t>& predictions,
                       const std::vector<int64_t>& labels) {
  Json features = Json::array();
  for (size_t i = 0; i < names.size() && i < columns.size(); ++i) {
    features.push_back(FeatureJson(names[i], columns[i]));
  }
  const auto ones = [](const std::vector<int64_t>& v) {
    return static_cast<int64_t>(std::count(v.begin(), v.end(), int64_t{1}));
  };
  return {{"format", "sluice-drift-baseline"},
          {"schemaVersion", 1},
          {"rows", columns.empty() ? 0 : columns[0].size()},
          {"features", std::move(features)},
          {"prediction",
           {{"positive_rate", Share(ones(predictions), predictions.size())},
            {"label_positive_rate", Share(ones(labels), labels.size())}}}};
}

std::filesystem::path DriftBaselinePath(const std::filesystem::path& model_file) {
  std::filesystem::path out = model_file;
  out.replace_filename(model_file.stem().string() + ".drift.json");
  return out;
}

}  // namespace ccapproval
