// Internal to the ml module: the inline-SVG charts and HTML helpers that
// report.cc assembles into the model report. Each function returns one
// <svg> element with a viewBox, so CSS can scale it to the page width; every
// string it is given is escaped here. Text widths are estimated (no font
// metrics offline), generously, and long labels are shortened with "…" with
// the full text in a <title> tooltip.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ml/metrics.h"
#include "ml/tree.h"

namespace sluice::ml::report {

// Escapes & < > " ' for HTML text and attribute values (also valid in SVG).
std::string Escape(std::string_view text);
// At most `max_chars` code points, the last one "…" when shortened; never
// splits a UTF-8 sequence.
std::string Ellipsize(std::string_view text, size_t max_chars);
// Estimated rendered width in px of `text` at `font_px` (sans-serif).
double TextWidth(std::string_view text, double font_px);

// Shared palette (colour-blind safe pairs).
inline constexpr std::string_view kTrainColor = "#9ecae1";
inline constexpr std::string_view kTestColor = "#2171b5";
inline constexpr std::array<std::string_view, 2> kGroupColors = {"#1b9e77", "#d95f02"};
// Tree classes as scikit-learn's plot_tree colours them: orange, blue, ...
std::string_view ClassColor(int64_t label);

struct BarSeries {
  std::string name;
  std::string color;
  std::vector<double> values;       // one per category
  std::vector<std::string> colors;  // per category, overriding `color` when given
};

// Vertical bars, grouped by category, one bar per series, each labelled with
// its value. A legend is drawn when there is more than one series.
struct BarChart {
  std::string title;  // accessible name of the chart
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  double y_max = 1;
  int decimals = 4;                 // of the value labels
  std::string suffix;               // after value labels and axis ticks, e.g. " %"
  std::optional<double> reference;  // a dashed line across the plot
  std::string reference_label;
  int width = 560;
  int height = 300;
  // Keep the legend's row even when there is nothing to show in it, so
  // charts side by side share their plot height.
  bool reserve_legend_row = false;
};
std::string VerticalBars(const BarChart& chart);

// One horizontal bar per label, in the order given, scaled to the largest value.
std::string HorizontalBars(std::string_view title, const std::vector<std::string>& labels,
                           const std::vector<double>& values, int decimals, std::string_view color);

// A 2x2 heat map of [[TN, FP], [FN, TP]]: counts and shares of the total,
// rows = actual class, columns = predicted class.
std::string ConfusionHeatmap(std::string_view title, const ConfusionMatrix& cm,
                             const std::array<std::string, 2>& class_names);

// The tree diagram down to `max_depth` levels below the root (report_tree.cc).
// Internal nodes show their split, leaves their class; both show samples and
// class counts. An internal node on the last drawn level says how many nodes
// are hidden below it.
struct TreeDrawing {
  std::string svg;
  double width = 0;  // natural size in px
  size_t drawn_nodes = 0;
  int drawn_depth = 0;  // levels below the root actually drawn
};
// max_depth is clamped to [0, kMaxDrawnTreeDepth] (2^10 leaves is already
// too wide to read).
inline constexpr int kMaxDrawnTreeDepth = 10;
TreeDrawing TreeDiagram(const DecisionTree& tree, const std::vector<std::string>& features,
                        const std::array<std::string, 2>& class_names, int max_depth);
// The name of tree label `label`: class_names[label] for 0 and 1.
std::string ClassName(int64_t label, const std::array<std::string, 2>& class_names);

}  // namespace sluice::ml::report
