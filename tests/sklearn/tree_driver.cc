// sluice_tree_driver: fits one decision tree for compare_tree.py and writes
// everything scikit-learn exposes about it, so the script can compare the two
// libraries array by array.
//
//   sluice_tree_driver IN.bin OUT.txt
//
// IN.bin (little-endian, written by compare_tree.py; test-only format, not
// persisted anywhere):
//   int32  n_rows, n_features, max_depth (-1 = None), min_samples_split,
//          min_samples_leaf, random_state
//   float32 X[n_features][n_rows]       column-major training features
//   int64   y[n_rows]                   labels
//   int32   n_test
//   float32 Xt[n_features][n_test]      column-major test features
//
// OUT.txt: one line per array, "name v0 v1 ...", doubles printed with 17
// significant digits so they read back bit for bit.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ml/tree.h"

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Reads exactly `count` items of T; false on a short file.
template <typename T>
bool ReadExact(std::FILE* in, T* out, size_t count) {
  return std::fread(out, sizeof(T), count, in) == count;
}

bool ReadColumns(std::FILE* in, int32_t n_features, int32_t n_rows,
                 std::vector<std::vector<float>>* columns) {
  columns->assign(static_cast<size_t>(n_features), std::vector<float>(static_cast<size_t>(n_rows)));
  for (auto& column : *columns) {
    if (!ReadExact(in, column.data(), column.size())) return false;
  }
  return true;
}

void WriteDoubles(std::FILE* out, const char* name, const std::vector<double>& values) {
  std::fprintf(out, "%s", name);
  for (double v : values) std::fprintf(out, " %.17g", v);
  std::fprintf(out, "\n");
}

void WriteInts(std::FILE* out, const char* name, const std::vector<int64_t>& values) {
  std::fprintf(out, "%s", name);
  for (int64_t v : values) std::fprintf(out, " %lld", static_cast<long long>(v));
  std::fprintf(out, "\n");
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "sluice_tree_driver: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return Fail("usage: sluice_tree_driver IN.bin OUT.txt");

  File in(std::fopen(argv[1], "rb"));
  if (!in) return Fail(std::string("cannot open ") + argv[1]);
  int32_t header[6];
  if (!ReadExact(in.get(), header, 6)) return Fail("short header");
  const int32_t n_rows = header[0], n_features = header[1];
  if (n_rows < 0 || n_features < 0) return Fail("negative size in header");

  sluice::ml::TreeOptions options;
  options.max_depth = header[2];
  options.min_samples_split = header[3];
  options.min_samples_leaf = header[4];
  options.random_state = static_cast<uint32_t>(header[5]);

  std::vector<std::vector<float>> train;
  std::vector<int64_t> y(static_cast<size_t>(n_rows));
  int32_t n_test = 0;
  std::vector<std::vector<float>> test;
  if (!ReadColumns(in.get(), n_features, n_rows, &train) || !ReadExact(in.get(), y.data(), y.size()) ||
      !ReadExact(in.get(), &n_test, 1) || n_test < 0 ||
      !ReadColumns(in.get(), n_features, n_test, &test)) {
    return Fail("truncated input");
  }
  in.reset();

  auto tree = sluice::ml::FitDecisionTree(train, y, options);
  if (!tree.ok()) return Fail("fit: " + tree.status().ToString());
  auto proba = tree->PredictProba(test);
  if (!proba.ok()) return Fail("predict_proba: " + proba.status().ToString());
  auto predicted = tree->Predict(test);
  if (!predicted.ok()) return Fail("predict: " + predicted.status().ToString());

  File out(std::fopen(argv[2], "w"));
  if (!out) return Fail(std::string("cannot create ") + argv[2]);
  const auto& a = tree->arrays();
  WriteInts(out.get(), "children_left", a.children_left);
  WriteInts(out.get(), "children_right", a.children_right);
  WriteInts(out.get(), "feature", a.feature);
  WriteDoubles(out.get(), "threshold", a.threshold);
  WriteDoubles(out.get(), "impurity", a.impurity);
  WriteInts(out.get(), "n_node_samples", a.n_node_samples);
  WriteDoubles(out.get(), "weighted_n_node_samples", a.weighted_n_node_samples);
  WriteDoubles(out.get(), "value", a.value);
  WriteInts(out.get(), "classes", tree->classes());
  WriteDoubles(out.get(), "feature_importances", tree->FeatureImportances());
  WriteDoubles(out.get(), "predict_proba", *proba);
  WriteInts(out.get(), "predict", *predicted);
  if (std::fflush(out.get()) != 0) return Fail("write failed");
  return 0;
}
