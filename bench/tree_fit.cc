// tree_fit: sluice's decision-tree fit against scikit-learn's, on the
// credit-card training split, in one run.
//
// The data is the seed-54 dataset (500,000 rows, generated into a temporary
// folder unless --data names a CSV). Both sides split it 80/20 as the notebook
// does (400,000 training rows) and cast the features to float32 before the
// clock starts, so each side times the fit alone. scikit-learn runs in a
// long-lived /usr/bin/python3 process (bench/sklearn_fit.py) that answers one
// "fit" per request; rounds alternate the two libraries so machine noise hits
// both alike. Medians are reported, and after timing each model the two trees
// are compared array by array (children, features, thresholds bit for bit,
// class counts): a speed-up with different output would be worthless.
//
// Models: the notebook's two (baseline with Group, group-unaware without;
// max_depth 3, random_state 0) and the unaware one grown to full depth.
//
// --notebook-only leaves the full-depth tree out.
//
//   tree_fit [--data CSV] [--runs 9] [--python /usr/bin/python3] [--notebook-only]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "generator.h"
#include "median.h"
#include "ml/dataset.h"
#include "ml/split.h"
#include "ml/tree.h"

namespace fs = std::filesystem;

namespace {

using sluice::bench::Median;

struct Options {
  std::string data;
  int runs = 9;
  std::string python = "/usr/bin/python3";
  bool notebook_only = false;
};

struct Model {
  std::string name;      // as sklearn_fit.py knows it
  int max_depth;         // -1: unlimited
  std::vector<std::string> features;
};

// A child process speaking sklearn_fit.py's line protocol.
class Coprocess {
 public:
  bool Start(const std::vector<std::string>& argv) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) return false;
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
    return in_ != nullptr && out_ != nullptr;
  }

  // Sends `request` (when not empty) and returns the next reply line, or
  // nullopt when the process has gone.
  std::optional<std::string> Ask(const std::string& request) {
    if (!request.empty()) {
      std::fprintf(in_, "%s\n", request.c_str());
      std::fflush(in_);
    }
    std::string line;
    int c;
    while ((c = std::fgetc(out_)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
    if (c == EOF && line.empty()) return std::nullopt;
    return line;
  }

  int Finish() {
    if (in_) std::fclose(in_);
    if (out_) std::fclose(out_);
    int status = 0;
    waitpid(pid_, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

// Empty when sklearn's dump equals our tree; else the first difference.
std::string CompareTrees(const sluice::ml::DecisionTree& ours, const nlohmann::json& theirs) {
  const sluice::ml::TreeArrays& a = ours.arrays();
  const size_t n = a.node_count();
  if (theirs.at("feature").size() != n) {
    return "node count: ours " + std::to_string(n) + ", sklearn " +
           std::to_string(theirs.at("feature").size());
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string at = " at node " + std::to_string(i);
    if (theirs["children_left"][i].get<int64_t>() != a.children_left[i] ||
        theirs["children_right"][i].get<int64_t>() != a.children_right[i]) {
      return "children differ" + at;
    }
    if (theirs["feature"][i].get<int64_t>() != a.feature[i]) return "feature differs" + at;
    const double t = std::strtod(theirs["threshold"][i].get<std::string>().c_str(), nullptr);
    if (std::memcmp(&t, &a.threshold[i], sizeof t) != 0) return "threshold differs" + at;
    std::span<const double> counts = ours.value(i);
    for (size_t c = 0; c < counts.size(); ++c) {
      if (theirs["value"][i][c].get<double>() != counts[c]) return "class counts differ" + at;
    }
  }
  return {};
}

int Usage() {
  std::cerr << "usage: tree_fit [--data CSV] [--runs N] [--python /usr/bin/python3] "
               "[--notebook-only]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      opt.data = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      opt.runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--python" && i + 1 < argc) {
      opt.python = argv[++i];
    } else if (a == "--notebook-only") {
      opt.notebook_only = true;
    } else {
      return Usage();
    }
  }

  std::optional<fs::path> temp;
  if (opt.data.empty()) {
    char dir_template[] = "/tmp/sluice-tree-fit-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
      std::perror("tree_fit: mkdtemp");
      return 1;
    }
    temp = dir_template;
    opt.data = (*temp / "data.csv").string();
    sluice::Status s = ccapproval::GenerateCsvFile(54, 500000, opt.data, nullptr);
    if (!s.ok()) {
      std::cerr << "tree_fit: " << s.message() << "\n";
      return 1;
    }
  }
  auto cleanup = [&] {
    if (temp) fs::remove_all(*temp);
  };

  auto data = sluice::ml::Dataset::Load(opt.data);
  if (!data.ok()) {
    std::cerr << "tree_fit: " << data.status().message() << "\n";
    cleanup();
    return 1;
  }
  sluice::ml::SplitOptions split_options;
  split_options.train_size = 0.8;
  auto split = sluice::ml::TrainTestSplit(data->num_rows(), split_options);
  if (!split.ok()) {
    std::cerr << "tree_fit: " << split.status().message() << "\n";
    cleanup();
    return 1;
  }
  const std::vector<int64_t> y = data->Find("Target")->Take(split->train).int64_values();

  std::vector<Model> models = {
      {"baseline", 3, {"Num_Children", "Group", "Income", "Own_Car", "Own_Housing"}},
      {"unaware", 3, {"Num_Children", "Income", "Own_Car", "Own_Housing"}},
      {"unaware", -1, {"Num_Children", "Income", "Own_Car", "Own_Housing"}},
  };

  if (opt.notebook_only) models.pop_back();

  Coprocess sklearn;
  const std::string script = std::string(SLUICE_SOURCE_DIR) + "/bench/sklearn_fit.py";
  if (!sklearn.Start({opt.python, script, opt.data})) {
    std::perror("tree_fit: starting python");
    cleanup();
    return 1;
  }
  std::optional<std::string> ready = sklearn.Ask("");
  if (!ready || *ready != "ready") {
    std::cerr << "tree_fit: sklearn_fit.py did not start: " << ready.value_or("(no output)")
              << "\n";
    sklearn.Finish();
    cleanup();
    return 1;
  }

  std::printf("tree_fit: %zu training rows, %d alternating runs per side; median fit time\n",
              y.size(), opt.runs);
  std::printf("%-34s %12s %12s %8s  %s\n", "model", "sluice ms", "sklearn ms", "ratio",
              "output");
  bool all_equal = true;
  for (const Model& m : models) {
    std::vector<std::vector<float>> columns;
    for (const std::string& f : m.features) {
      columns.push_back(sluice::ml::ToFloat32(data->Find(f)->Take(split->train)));
    }
    sluice::ml::TreeOptions options;
    options.max_depth = m.max_depth;
    const std::string request =
        "fit " + m.name + " " + (m.max_depth < 0 ? "none" : std::to_string(m.max_depth));
    std::vector<double> ours_ms, theirs_ms;
    std::optional<sluice::ml::DecisionTree> tree;
    for (int r = 0; r < opt.runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      auto fitted = sluice::ml::FitDecisionTree(columns, y, options);
      ours_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!fitted.ok()) {
        std::cerr << "tree_fit: " << fitted.status().message() << "\n";
        sklearn.Finish();
        cleanup();
        return 1;
      }
      tree.emplace(std::move(*fitted));
      std::optional<std::string> reply = sklearn.Ask(request);
      if (!reply) {
        std::cerr << "tree_fit: sklearn_fit.py exited\n";
        cleanup();
        return 1;
      }
      theirs_ms.push_back(std::atof(reply->c_str()));
    }
    std::optional<std::string> dump = sklearn.Ask("dump");
    std::string verdict = "?";
    if (dump) {
      std::string diff = CompareTrees(*tree, nlohmann::json::parse(*dump));
      verdict = diff.empty() ? "identical (" + std::to_string(tree->node_count()) + " nodes)"
                             : "DIFFERENT: " + diff;
      all_equal = all_equal && diff.empty();
    }
    const std::string label = m.name + ", max_depth " +
                              (m.max_depth < 0 ? std::string("None") : std::to_string(m.max_depth));
    const double ours = Median(ours_ms), theirs = Median(theirs_ms);
    std::printf("%-34s %12.2f %12.2f %7.1fx  %s\n", label.c_str(), ours, theirs, theirs / ours,
                verdict.c_str());
  }
  std::printf("ratio = median(sklearn) / median(sluice); fit only, float32 features prepared "
              "beforehand on both sides\n");
  sklearn.Ask("quit");
  sklearn.Finish();
  cleanup();
  return all_equal ? 0 : 1;
}
