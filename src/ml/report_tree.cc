// The decision-tree diagram of the model report (see report_charts.h).
//
// Layout: every drawn leaf (or cut-off internal node) gets the next slot from
// left to right in pre-order, and an internal node sits midway between its two
// children, so no boxes overlap and the root is centred. Boxes share one size,
// wide enough for the longest line.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ml/number_format.h"
#include "ml/report_charts.h"
#include "ml/report_svg.h"

namespace sluice::ml::report {
namespace {

constexpr double kTitlePx = 12.5, kLinePx = 11.5, kLineHeight = 15;
constexpr double kSlotGap = 16, kLevelGap = 46, kMargin = 10;
constexpr size_t kMaxClassLines = 3;

struct Box {
  size_t node = 0;
  int depth = 0;
  double slot = 0;          // horizontal position in slot units
  int64_t parent = -1;      // index into the drawn boxes
  bool is_left = false;     // the parent's "true" (<=) branch
  size_t hidden_below = 0;  // > 0 for an internal node whose children are not drawn
  std::string title;        // shortened to fit
  std::string tooltip;      // in full, with the exact threshold
  std::vector<std::string> lines;
};

// Nodes in the subtree of `node`, itself excluded; iterative, so a deep tree
// cannot exhaust the stack.
size_t CountBelow(const TreeArrays& a, size_t node) {
  size_t count = 0;
  std::vector<int64_t> stack = {a.children_left[node], a.children_right[node]};
  while (!stack.empty()) {
    const int64_t n = stack.back();
    stack.pop_back();
    if (n == TreeArrays::kLeaf) continue;
    ++count;
    stack.push_back(a.children_left[static_cast<size_t>(n)]);
    stack.push_back(a.children_right[static_cast<size_t>(n)]);
  }
  return count;
}

class Layout {
 public:
  Layout(const DecisionTree& tree, const std::vector<std::string>& features,
         const std::array<std::string, 2>& class_names, int max_depth)
      : tree_(tree), features_(features), class_names_(class_names), max_depth_(max_depth) {}

  // Places `node` (at `depth`) and its drawn descendants; returns its box index.
  size_t Place(size_t node, int depth, int64_t parent, bool is_left) {
    const TreeArrays& a = tree_.arrays();
    const bool leaf = a.children_left[node] == TreeArrays::kLeaf;
    const size_t index = boxes_.size();
    boxes_.push_back(Describe(node, depth, parent, is_left, leaf));
    if (leaf || depth >= max_depth_) {
      if (!leaf) {
        Box& cut = boxes_[index];
        cut.hidden_below = CountBelow(a, node);
        cut.lines.push_back("+ " + FormatCount(static_cast<int64_t>(cut.hidden_below)) +
                            " more nodes below");
      }
      boxes_[index].slot = next_slot_++;
      return index;
    }
    const size_t left = Place(static_cast<size_t>(a.children_left[node]), depth + 1,
                              static_cast<int64_t>(index), true);
    const size_t right = Place(static_cast<size_t>(a.children_right[node]), depth + 1,
                               static_cast<int64_t>(index), false);
    boxes_[index].slot = (boxes_[left].slot + boxes_[right].slot) / 2;
    return index;
  }

  const std::vector<Box>& boxes() const { return boxes_; }
  double slots() const { return next_slot_; }

  // The label with the most samples (the first on a tie, as predict does) and
  // its share of the node.
  std::pair<int64_t, double> Majority(size_t node) const {
    const auto counts = tree_.value(node);
    size_t best = 0;
    double total = 0;
    for (size_t c = 0; c < counts.size(); ++c) {
      total += counts[c];
      if (counts[c] > counts[best]) best = c;
    }
    const double share = total > 0 ? counts[best] / total : 0;
    return {tree_.classes()[best], share};
  }

 private:
  Box Describe(size_t node, int depth, int64_t parent, bool is_left, bool leaf) const {
    const TreeArrays& a = tree_.arrays();
    Box box;
    box.node = node;
    box.depth = depth;
    box.parent = parent;
    box.is_left = is_left;
    if (leaf) {
      box.tooltip = ClassName(Majority(node).first, class_names_);
      box.title = Ellipsize(box.tooltip, 22);
    } else {
      const size_t f = static_cast<size_t>(a.feature[node]);
      const std::string name = f < features_.size() ? features_[f] : "x[" + std::to_string(f) + "]";
      box.title = Ellipsize(name, 20) + " ≤ " + FormatTrimmed(a.threshold[node], 4);
      box.tooltip = name + " ≤ " + PythonRepr(a.threshold[node]);
    }
    box.lines.push_back("samples " + FormatCount(a.n_node_samples[node]));
    // Class counts, largest first when there are too many to list.
    const auto counts = tree_.value(node);
    std::vector<size_t> order(counts.size());
    for (size_t c = 0; c < order.size(); ++c) order[c] = c;
    if (order.size() > kMaxClassLines + 1) {
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t x, size_t y) { return counts[x] > counts[y]; });
    }
    for (size_t k = 0; k < order.size(); ++k) {
      if (order.size() > kMaxClassLines + 1 && k == kMaxClassLines) {
        box.lines.push_back("+ " + std::to_string(order.size() - k) + " more classes");
        break;
      }
      const size_t c = order[k];
      box.lines.push_back(Ellipsize(ClassName(tree_.classes()[c], class_names_), 16) + " " +
                          FormatTrimmed(counts[c], 2));
    }
    return box;
  }

  const DecisionTree& tree_;
  const std::vector<std::string>& features_;
  const std::array<std::string, 2>& class_names_;
  const int max_depth_;
  std::vector<Box> boxes_;
  double next_slot_ = 0;
};

}  // namespace

std::string ClassName(int64_t label, const std::array<std::string, 2>& class_names) {
  if (label == 0 || label == 1) return class_names[static_cast<size_t>(label)];
  return "class " + std::to_string(label);
}

TreeDrawing TreeDiagram(const DecisionTree& tree, const std::vector<std::string>& features,
                        const std::array<std::string, 2>& class_names, int max_depth) {
  Layout layout(tree, features, class_names, std::clamp(max_depth, 0, kMaxDrawnTreeDepth));
  layout.Place(0, 0, -1, false);
  const std::vector<Box>& boxes = layout.boxes();

  double box_w = 120;
  size_t max_lines = 0;
  int levels = 0;
  for (const Box& b : boxes) {
    box_w = std::max(box_w, TextWidth(b.title, kTitlePx) + 28);
    for (const std::string& l : b.lines) box_w = std::max(box_w, TextWidth(l, kLinePx) + 28);
    max_lines = std::max(max_lines, b.lines.size());
    levels = std::max(levels, b.depth);
  }
  box_w = std::min(box_w, 240.0);
  const double box_h = 12 + kLineHeight * static_cast<double>(max_lines + 1);
  const double slot_w = box_w + kSlotGap;
  const double width = layout.slots() * slot_w + 2 * kMargin - kSlotGap;
  const double height = (levels + 1) * (box_h + kLevelGap) - kLevelGap + 2 * kMargin;
  auto left_of = [&](const Box& b) { return kMargin + b.slot * slot_w; };
  auto top_of = [&](const Box& b) { return kMargin + b.depth * (box_h + kLevelGap); };

  Svg svg(width, height, "Decision tree");
  // Edges first, so boxes cover their ends.
  for (const Box& b : boxes) {
    if (b.parent < 0) continue;
    const Box& p = boxes[static_cast<size_t>(b.parent)];
    const double x1 = left_of(p) + box_w / 2, y1 = top_of(p) + box_h;
    const double x2 = left_of(b) + box_w / 2, y2 = top_of(b);
    svg.Line(x1, y1, x2, y2, "#888", 1.4);
    const double mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    svg.Text(b.is_left ? mx - 6 : mx + 6, my + 4, b.is_left ? "true (≤)" : "false (>)",
             b.is_left ? "end" : "start", "edge");
  }
  for (const Box& b : boxes) {
    const auto [label, share] = layout.Majority(b.node);
    const bool leaf = tree.arrays().children_left[b.node] == TreeArrays::kLeaf;
    // Purity 0 (an even split) to 1 (one class), as plot_tree shades nodes.
    const double k = static_cast<double>(std::max<size_t>(tree.n_classes(), 2));
    const double purity = std::clamp((share - 1 / k) / (1 - 1 / k), 0.0, 1.0);
    RectStyle style;
    style.fill = std::string(ClassColor(label));
    style.fill_opacity = 0.1 + 0.5 * purity;
    style.stroke = leaf ? std::string(ClassColor(label)) : "#555";
    style.stroke_width = leaf ? 2.5 : 1;
    style.dash = b.hidden_below > 0 ? "5 3" : "";
    style.radius = 6;
    const double x = left_of(b), y = top_of(b);
    svg.Rect(x, y, box_w, box_h, style);
    svg.Text(x + box_w / 2, y + 18, b.title, "middle", leaf ? "node leaf" : "node split",
             b.tooltip);
    for (size_t i = 0; i < b.lines.size(); ++i) {
      const bool more = b.hidden_below > 0 && i + 1 == b.lines.size();
      svg.Text(x + box_w / 2, y + 18 + kLineHeight * static_cast<double>(i + 1), b.lines[i],
               "middle", more ? "nodeline more" : "nodeline");
    }
  }
  return TreeDrawing{svg.Finish(), width, boxes.size(), levels};
}

}  // namespace sluice::ml::report
