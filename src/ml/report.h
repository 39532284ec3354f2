// The model report: one self-contained HTML page that shows whether a
// binary classifier may be deployed and why — the checks against their
// thresholds, performance on train and test, feature importances, the
// decision tree, the notebook's fairness figures by group, confusion
// matrices, and optionally a baseline model beside the selected one.
//
// Any C++ data-science project can fill a ReportInput and call
// RenderModelReport; nothing here reads files or the clock (put dates and
// paths in `facts`). The page has no external assets, no scripts and no web
// fonts: charts are inline SVG with their values written on them, so it
// reads the same offline, in a mail attachment and on paper (print rules keep
// each chart on one page and print the colours).
//
// Every string from the input (titles, feature, class and group names,
// facts) is HTML-escaped; numbers are formatted for people (thousands
// separators, fixed decimals). Figures are shown as given: the caller decides
// whether percentages are rounded (the credit-card metrics file holds the
// notebook's 2-decimal figures). NaN figures show as "nan" with empty bars.
//
// Errors: InvalidArgument when the input is inconsistent (importances and
// feature names of different lengths, a tree whose feature count differs from
// its names, a negative drawn depth). Pure function; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ml/fairness.h"
#include "ml/model_check.h"
#include "ml/tree.h"

namespace sluice::ml {

// Positive-class scores in [0, 1] (see metrics.h for their definitions).
struct ReportScores {
  double accuracy = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// One model's figures.
struct ReportModel {
  std::string name;  // e.g. "group_unaware"
  std::vector<std::string> features;
  ReportScores train;
  ReportScores test;
  // The notebook's figures on the test set, in percent (fairness.h). The
  // report uses every field: shares, approvals, rates, accuracies, matrices.
  NotebookFairness fairness;
  double equal_opportunity_gap = 0;         // percentage points
  std::vector<double> feature_importances;  // one per feature, same order
};

struct ReportInput {
  std::string title = "Model report";
  // Label/value lines under the title: data set, model file, dates...
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<ModelCheck> checks;       // the headline, in this order
  ReportModel model;                    // the selected (deployed) model
  std::optional<ReportModel> baseline;  // compared with `model` in a table
  // The selected model's tree and the names of its features (in the tree's
  // column order); no diagram when absent.
  std::optional<DecisionTree> tree;
  std::vector<std::string> tree_features;
  // Names of labels 0 and 1 (tree classes, confusion-matrix axes); other
  // labels print as "class <n>".
  std::array<std::string, 2> class_names = {"0", "1"};
  std::array<std::string, 2> group_names = {"Group 0", "Group 1"};
  // Levels below the root drawn in the tree diagram (3 = a depth-3 tree in
  // full); deeper subtrees are summarised as "N more nodes" and the page says
  // so. Wider trees are scaled down to the page width.
  int tree_max_drawn_depth = 3;
};

// The complete HTML document (UTF-8).
Result<std::string> RenderModelReport(const ReportInput& input);

// Feature names as the report lists them, for facts the caller writes too:
// "Num_Children, Income, Own_Car" (not escaped; "" for none).
std::string FeatureList(const std::vector<std::string>& features);

}  // namespace sluice::ml
