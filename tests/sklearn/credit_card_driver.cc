// sluice_credit_card_driver: the sluice half of compare_credit_card.py. It
// does what `ccapproval train` does up to the fit -- load the CSV with
// sluice::ml::Dataset, split it with sluice's train_test_split, cast the
// features to float32 and fit sluice's tree -- for several tree settings, and
// writes every intermediate array so the script can compare each one with
// numpy's and scikit-learn's.
//
//   sluice_credit_card_driver DATA.csv OUT_DIR FIT...
//
// FIT is NAME:FEATURES:MAX_DEPTH:MIN_SAMPLES_LEAF:MIN_SAMPLES_SPLIT:RANDOM_STATE,
// FEATURES a '+'-separated list of column names, MAX_DEPTH -1 for None; e.g.
// "unaware:Num_Children+Income+Own_Car+Own_Housing:3:1:2:0".
//
// OUT_DIR receives .npy files (numpy's format, version 1.0; test-only, not
// persisted anywhere):
//   X.npy            float32 (rows, 5)  the five feature columns, cast as the tree sees them
//   y.npy            int64   (rows,)    Target
//   train_index.npy, test_index.npy  int64  row numbers, in the split's order
//   NAME.children_left.npy ... NAME.value.npy   the fitted tree's arrays
//   NAME.feature_importances.npy, NAME.predict.npy, NAME.predict_proba.npy
//       the latter two on the test rows.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ml/dataset.h"
#include "ml/split.h"
#include "ml/tree.h"

namespace {

namespace ml = sluice::ml;

// .npy stores the data as raw bytes with the byte order in the header; we
// write '<' (little-endian) and copy memory as is.
static_assert(std::endian::native == std::endian::little, "the .npy writer assumes little-endian");

const std::vector<std::string> kFeatures = {"Num_Children", "Group", "Income", "Own_Car",
                                            "Own_Housing"};
constexpr std::string_view kTarget = "Target";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

template <typename T>
constexpr const char* NpyDescr();
template <>
constexpr const char* NpyDescr<float>() { return "<f4"; }
template <>
constexpr const char* NpyDescr<double>() { return "<f8"; }
template <>
constexpr const char* NpyDescr<int64_t>() { return "<i8"; }

// Writes `values` as a C-order array of `shape` (cols == 0: one dimension).
// Returns an error message, empty on success.
template <typename T>
std::string WriteNpy(const std::filesystem::path& path, const std::vector<T>& values,
                     size_t cols = 0) {
  std::ostringstream dict;
  dict << "{'descr': '" << NpyDescr<T>() << "', 'fortran_order': False, 'shape': (";
  if (cols == 0) {
    dict << values.size() << ",), }";
  } else {
    dict << values.size() / cols << ", " << cols << "), }";
  }
  std::string header = dict.str();
  // Magic (6) + version (2) + length (2) + header, padded with spaces and a
  // final '\n' to a multiple of 64 bytes, as numpy writes it.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  const uint16_t header_len = static_cast<uint16_t>(header.size());

  File out(std::fopen(path.c_str(), "wb"));
  if (!out) return "cannot create " + path.string();
  const unsigned char preamble[] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  bool ok = std::fwrite(preamble, 1, sizeof preamble, out.get()) == sizeof preamble &&
            std::fwrite(&header_len, sizeof header_len, 1, out.get()) == 1 &&
            std::fwrite(header.data(), 1, header.size(), out.get()) == header.size() &&
            std::fwrite(values.data(), sizeof(T), values.size(), out.get()) == values.size();
  ok = std::fflush(out.get()) == 0 && ok;
  return ok ? std::string() : "write failed: " + path.string();
}

std::vector<std::string> SplitOn(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// The whole of `text` as an integer of type T.
template <typename T>
bool ParseInt(const std::string& text, T* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

struct FitSpec {
  std::string name;
  std::vector<size_t> features;  // indices into kFeatures
  ml::TreeOptions options;
};

// Parses one FIT argument (see the top of the file); an error message or "".
std::string ParseFit(std::string_view arg, FitSpec* spec) {
  const std::vector<std::string> parts = SplitOn(arg, ':');
  if (parts.size() != 6 || parts[0].empty()) {
    return "expected NAME:FEATURES:MAX_DEPTH:MIN_SAMPLES_LEAF:MIN_SAMPLES_SPLIT:RANDOM_STATE";
  }
  spec->name = parts[0];
  for (const std::string& feature : SplitOn(parts[1], '+')) {
    size_t i = 0;
    while (i < kFeatures.size() && kFeatures[i] != feature) ++i;
    if (i == kFeatures.size()) return "unknown feature \"" + feature + "\"";
    spec->features.push_back(i);
  }
  if (!ParseInt(parts[2], &spec->options.max_depth) ||
      !ParseInt(parts[3], &spec->options.min_samples_leaf) ||
      !ParseInt(parts[4], &spec->options.min_samples_split) ||
      !ParseInt(parts[5], &spec->options.random_state)) {
    return "MAX_DEPTH, MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT and RANDOM_STATE must be integers";
  }
  return "";
}

std::vector<float> Gather(const std::vector<float>& column, const std::vector<size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (size_t r : rows) out.push_back(column[r]);
  return out;
}

std::vector<int64_t> ToInt64(const std::vector<size_t>& values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "sluice_credit_card_driver: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Fail("usage: sluice_credit_card_driver DATA.csv OUT_DIR FIT...");
  const std::filesystem::path data_path = argv[1];
  const std::filesystem::path out_dir = argv[2];
  std::vector<FitSpec> fits(static_cast<size_t>(argc - 3));
  for (int i = 3; i < argc; ++i) {
    const std::string problem = ParseFit(argv[i], &fits[static_cast<size_t>(i - 3)]);
    if (!problem.empty()) return Fail(std::string(argv[i]) + ": " + problem);
  }

  std::vector<std::string> required = kFeatures;
  required.emplace_back(kTarget);
  auto data = ml::Dataset::Load(data_path, required);
  if (!data.ok()) return Fail(data.status().ToString());
  const ml::Column* target = data->Find(kTarget);
  if (target->type() != ml::ColumnType::kInt64) return Fail("Target is not an integer column");
  const std::vector<int64_t>& y = target->int64_values();

  // Cast once, before splitting, as the notebook's check_array sees X.
  std::vector<std::vector<float>> columns;
  for (const std::string& name : kFeatures) columns.push_back(ml::ToFloat32(*data->Find(name)));

  // The split `ccapproval train` makes (train.cc): train_size 0.8, test_size
  // 0.2, random_state 0.
  ml::SplitOptions split_options;
  split_options.train_size = 0.8;
  split_options.test_size = 0.2;
  split_options.random_state = 0;
  auto split = ml::TrainTestSplit(data->num_rows(), split_options);
  if (!split.ok()) return Fail("split: " + split.status().ToString());

  std::vector<float> x_rows;  // row-major (rows, 5)
  x_rows.reserve(data->num_rows() * kFeatures.size());
  for (size_t r = 0; r < data->num_rows(); ++r) {
    for (const auto& column : columns) x_rows.push_back(column[r]);
  }
  std::vector<std::string> problems = {
      WriteNpy(out_dir / "X.npy", x_rows, kFeatures.size()),
      WriteNpy(out_dir / "y.npy", y),
      WriteNpy(out_dir / "train_index.npy", ToInt64(split->train)),
      WriteNpy(out_dir / "test_index.npy", ToInt64(split->test)),
  };

  std::vector<int64_t> y_train;
  y_train.reserve(split->train.size());
  for (size_t r : split->train) y_train.push_back(y[r]);

  for (const FitSpec& fit : fits) {
    std::vector<std::vector<float>> x_train, x_test;
    for (size_t f : fit.features) {
      x_train.push_back(Gather(columns[f], split->train));
      x_test.push_back(Gather(columns[f], split->test));
    }
    auto tree = ml::FitDecisionTree(x_train, y_train, fit.options);
    if (!tree.ok()) return Fail(fit.name + ": fit: " + tree.status().ToString());
    auto predicted = tree->Predict(x_test);
    if (!predicted.ok()) return Fail(fit.name + ": predict: " + predicted.status().ToString());
    auto proba = tree->PredictProba(x_test);
    if (!proba.ok()) return Fail(fit.name + ": predict_proba: " + proba.status().ToString());

    const ml::TreeArrays& a = tree->arrays();
    auto file = [&](const char* field) { return out_dir / (fit.name + "." + field + ".npy"); };
    problems.push_back(WriteNpy(file("children_left"), a.children_left));
    problems.push_back(WriteNpy(file("children_right"), a.children_right));
    problems.push_back(WriteNpy(file("feature"), a.feature));
    problems.push_back(WriteNpy(file("threshold"), a.threshold));
    problems.push_back(WriteNpy(file("impurity"), a.impurity));
    problems.push_back(WriteNpy(file("n_node_samples"), a.n_node_samples));
    problems.push_back(WriteNpy(file("weighted_n_node_samples"), a.weighted_n_node_samples));
    problems.push_back(WriteNpy(file("value"), a.value, tree->n_classes()));
    problems.push_back(WriteNpy(file("classes"), tree->classes()));
    problems.push_back(WriteNpy(file("feature_importances"), tree->FeatureImportances()));
    problems.push_back(WriteNpy(file("predict"), *predicted));
    problems.push_back(WriteNpy(file("predict_proba"), *proba, tree->n_classes()));
  }
  for (const std::string& problem : problems) {
    if (!problem.empty()) return Fail(problem);
  }
  return 0;
}
