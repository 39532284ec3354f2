// The model report page (see report.h): the stylesheet and the sections, in
// the order a reviewer reads them — verdict, checks, performance, what the
// model looks at, fairness, errors, and the baseline it replaced.
#include "ml/report.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "ml/number_format.h"
#include "ml/report_charts.h"

namespace sluice::ml {
namespace {

using report::Escape;

// System fonts only; print rules keep each chart on one page and keep the
// colours (browsers drop backgrounds when printing unless told).
constexpr std::string_view kStyle = R"css(
:root { --pass: #1a7f37; --fail: #cf222e; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1160px; padding: 24px 28px 40px; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 4px; }
p.note, figcaption, .facts { color: var(--muted); font-size: 13.5px; }
p.note { margin: 4px 0 10px; max-width: 82ch; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; }
.facts dt { font-weight: 600; color: var(--ink); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.verdict { display: inline-block; margin: 6px 0 0; padding: 5px 12px; border-radius: 14px;
  font-weight: 600; color: #fff; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }
.checks { display: flex; flex-wrap: wrap; gap: 14px; }
.check { flex: 1 1 300px; max-width: 420px; border: 2px solid; border-radius: 10px; padding: 12px 16px; }
.check.pass { border-color: var(--pass); background: #f0faf2; }
.check.fail { border-color: var(--fail); background: #fff1f0; }
.check .label { font-weight: 600; }
.check .figure { font-size: 30px; font-weight: 700; font-variant-numeric: tabular-nums; }
.check .limit { font-size: 18px; color: var(--muted); font-weight: 600; }
.check .status { font-weight: 700; }
.check.pass .status { color: var(--pass); }
.check.fail .status { color: var(--fail); }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figure.scroll { overflow-x: auto; }
.row { display: flex; flex-wrap: wrap; gap: 22px 30px; align-items: flex-start; }
.legend { font-size: 13px; margin: 0 0 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 5px -1px 12px; }
.swatch:first-child { margin-left: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; break-inside: avoid; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
svg text { font-family: inherit; fill: var(--ink); }
svg text.tick { font-size: 11px; fill: var(--muted); }
svg text.legend, svg text.category, svg text.label { font-size: 13px; }
svg text.value { font-size: 12px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg text.value.small { font-size: 10.5px; }
svg text.axis { font-size: 12px; fill: var(--muted); font-weight: 600; }
svg text.cell { font-size: 17px; font-weight: 700; }
svg text.cellnote { font-size: 11.5px; }
svg text.dark { fill: #fff; }
svg text.node { font-size: 12.5px; font-weight: 700; }
svg text.nodeline { font-size: 11.5px; }
svg text.more { font-style: italic; fill: var(--muted); }
svg text.edge { font-size: 11px; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 4px; }
@page { margin: 14mm; }
/* A depth-3 tree is ~1,100 px wide: on a portrait page its text would shrink
   to ~60 %, so the tree gets a landscape page of its own. */
@page wide { size: landscape; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 22px; }
  .check, table, figure, .row > div { break-inside: avoid; page-break-inside: avoid; }
  .check .figure { font-size: 24px; }
  .row { gap: 14px 16px; }
  #tree { page: wide; }
  figure.scroll { overflow: visible; }
  figure.scroll > div { min-width: 0 !important; }
  figure svg { max-height: 170mm; }
}
)css";

std::string Counted(size_t n, std::string_view one, std::string_view many) {
  return FormatCount(static_cast<int64_t>(n)) + " " + std::string(n == 1 ? one : many);
}

std::string Percent(double v) { return FormatFixed(v, 2) + " %"; }

// "+0.01234", "-2.50", and "0.00" rather than "-0.00".
std::string SignedFixed(double v, int decimals) {
  std::string s = FormatFixed(v, decimals);
  if (s.find_first_not_of("-0.,") == std::string::npos) return FormatFixed(0, decimals);
  return v > 0 ? "+" + s : s;
}

Status Validate(const ReportInput& in) {
  auto check_model = [](const ReportModel& m, std::string_view which) -> Status {
    if (m.feature_importances.size() != m.features.size()) {
      return Status::InvalidArgument("model report: " + std::string(which) + " has " +
                                     std::to_string(m.features.size()) + " features but " +
                                     std::to_string(m.feature_importances.size()) + " importances");
    }
    return Status::Ok();
  };
  SLUICE_RETURN_IF_ERROR(check_model(in.model, "the model"));
  if (in.baseline) SLUICE_RETURN_IF_ERROR(check_model(*in.baseline, "the baseline"));
  if (in.tree && in.tree_features.size() != in.tree->n_features()) {
    return Status::InvalidArgument("model report: the tree has " +
                                   std::to_string(in.tree->n_features()) + " features but " +
                                   std::to_string(in.tree_features.size()) + " names were given");
  }
  if (in.tree_max_drawn_depth < 0) {
    return Status::InvalidArgument("model report: tree_max_drawn_depth must be >= 0, got " +
                                   std::to_string(in.tree_max_drawn_depth));
  }
  for (const ModelCheck& c : in.checks) {
    if (c.decimals < 0 || c.decimals > 17) {
      return Status::InvalidArgument("model report: check \"" + c.id +
                                     "\" has decimals outside [0, 17]");
    }
  }
  return Status::Ok();
}

std::string Header(const ReportInput& in) {
  std::string html = "<header><h1>" + Escape(in.title) + "</h1>";
  const size_t failed = static_cast<size_t>(std::count_if(
      in.checks.begin(), in.checks.end(), [](const ModelCheck& c) { return !c.Passed(); }));
  if (!in.checks.empty()) {
    const std::string n = std::to_string(in.checks.size());
    html += failed == 0 ? "<p class=\"verdict pass\">✓ All " + n + " checks pass</p>"
                        : "<p class=\"verdict fail\">✗ " + std::to_string(failed) + " of " + n +
                              (in.checks.size() == 1 ? " check fails" : " checks fail") + "</p>";
  }
  if (!in.facts.empty()) {
    html += "<dl class=\"facts\">";
    for (const auto& [label, value] : in.facts) {
      html += "<dt>" + Escape(label) + "</dt><dd>" + Escape(value) + "</dd>";
    }
    html += "</dl>";
  }
  return html + "</header>";
}

// "✓ pass — minimum 0.9", "✗ FAIL — 0.02 below the minimum".
std::string StatusLine(const ModelCheck& c) {
  const bool at_least = c.bound == Bound::kAtLeast;
  if (c.Passed())
    return "✓ pass — " + std::string(at_least ? "minimum " : "maximum ") + Escape(c.LimitText());
  if (std::isnan(c.value)) return "✗ FAIL — not a number";
  return "✗ FAIL — " + Escape(c.ShortfallText()) +
         (at_least ? " below the minimum" : " above the maximum");
}

std::string Checks(const std::vector<ModelCheck>& checks) {
  std::string html = "<section id=\"checks\"><h2>Checks</h2>";
  if (checks.empty()) return html + "<p class=\"note\">No checks were given.</p></section>";
  html += "<div class=\"checks\">";
  for (const ModelCheck& c : checks) {
    const bool pass = c.Passed();
    const bool at_least = c.bound == Bound::kAtLeast;
    const std::string op = pass ? (at_least ? "≥" : "≤") : (at_least ? "&lt;" : "&gt;");
    html += std::string("<div class=\"check ") + (pass ? "pass" : "fail") + "\">";
    html += "<div class=\"label\">" + Escape(c.label) + "</div>";
    html += "<div><span class=\"figure\">" + Escape(c.ValueText()) +
            "</span> <span class=\"limit\">" + op + " " + Escape(c.LimitText()) + "</span></div>";
    html += "<div class=\"status\">" + StatusLine(c) + "</div></div>";
  }
  return html + "</div></section>";
}

std::string Performance(const ReportModel& m) {
  report::BarChart chart;
  chart.title = "Performance by data set";
  chart.categories = {"accuracy", "precision", "recall", "f1"};
  chart.series = {{"train",
                   std::string(report::kTrainColor),
                   {m.train.accuracy, m.train.precision, m.train.recall, m.train.f1}},
                  {"test",
                   std::string(report::kTestColor),
                   {m.test.accuracy, m.test.precision, m.test.recall, m.test.f1}}};
  chart.y_max = 1;
  chart.decimals = 4;
  chart.width = 640;
  chart.height = 320;
  return "<section id=\"performance\"><h2>Performance: train and test</h2>"
         "<p class=\"note\">Scores for the positive class (label 1); a large train–test gap "
         "would mean over-fitting.</p><figure>" +
         report::VerticalBars(chart) + "</figure></section>";
}

std::string Importances(const ReportModel& m) {
  std::vector<size_t> order(m.features.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return m.feature_importances[a] > m.feature_importances[b];
  });
  std::vector<std::string> labels;
  std::vector<double> values;
  for (size_t i : order) {
    labels.push_back(m.features[i]);
    values.push_back(m.feature_importances[i]);
  }
  return "<section id=\"importances\"><h2>Feature importances</h2>"
         "<p class=\"note\">Each feature's share of the tree's total impurity decrease "
         "(they sum to 1); 0 means the tree never splits on it.</p><figure>" +
         report::HorizontalBars("Feature importances", labels, values, 4, report::kTestColor) +
         "</figure></section>";
}

std::string Tree(const ReportInput& in) {
  std::string html = "<section id=\"tree\"><h2>Decision tree</h2>";
  if (!in.tree) {
    return html + "<p class=\"note\">No tree was given, so none is drawn.</p></section>";
  }
  const DecisionTree& tree = *in.tree;
  const report::TreeDrawing drawing =
      report::TreeDiagram(tree, in.tree_features, in.class_names, in.tree_max_drawn_depth);
  html += "<p class=\"note\">Depth " + std::to_string(tree.depth()) + ", " +
          Counted(tree.n_leaves(), "leaf", "leaves") + ", " +
          Counted(tree.node_count(), "node", "nodes") +
          ". Each box shows the training rows that reach it; a row goes left (true) "
          "when its value is ≤ the split. Colour: the majority class, darker when purer.";
  if (drawing.drawn_nodes < tree.node_count()) {
    html += " <strong>Only the top " + std::to_string(drawing.drawn_depth + 1) + " levels (" +
            FormatCount(static_cast<int64_t>(drawing.drawn_nodes)) + " of " +
            FormatCount(static_cast<int64_t>(tree.node_count())) +
            " nodes) are drawn; dashed boxes continue below.</strong>";
  }
  html += "</p><p class=\"legend\">";
  for (int64_t label : tree.classes()) {
    html += "<span class=\"swatch\" style=\"background:" + std::string(report::ClassColor(label)) +
            "\"></span>" + Escape(report::ClassName(label, in.class_names));
  }
  // On screen a wide tree keeps 3/4 of its size and scrolls sideways rather
  // than shrinking to unreadable text; on paper it is fitted to the page.
  return html + "</p><figure class=\"scroll\"><div style=\"min-width:" +
         std::to_string(static_cast<int>(drawing.width * 0.75)) + "px\">" + drawing.svg +
         "</div></figure></section>";
}

std::string GroupChart(std::string_view title, const std::array<double, 2>& values,
                       const std::array<std::string, 2>& groups, std::optional<double> overall,
                       std::string_view caption) {
  report::BarChart chart;
  chart.title = std::string(title);
  chart.categories = {groups[0], groups[1]};
  chart.series.push_back(
      {std::string(title),
       "",
       {values[0], values[1]},
       {std::string(report::kGroupColors[0]), std::string(report::kGroupColors[1])}});
  chart.y_max = 100;
  chart.decimals = 2;
  chart.suffix = " %";
  chart.width = 320;
  chart.height = 250;
  chart.reserve_legend_row = true;
  if (overall) {
    chart.reference = *overall;
    chart.reference_label = "overall " + Percent(*overall);
  }
  return "<div><h3>" + Escape(title) + "</h3><figure>" + report::VerticalBars(chart) +
         "<figcaption>" + std::string(caption) + "</figcaption></figure></div>";
}

std::string Fairness(const ReportInput& in) {
  const NotebookFairness& f = in.model.fairness;
  const auto& groups = in.group_names;
  std::string html =
      "<section id=\"fairness\"><h2>Fairness by group</h2><p class=\"note\">Three "
      "group-fairness figures on the test set, splitting rows by the sensitive attribute. Equal "
      "opportunity compares true-positive rates: of the rows whose actual class is positive, "
      "the share predicted positive in each group.</p><div class=\"row\">";
  html +=
      GroupChart("Demographic parity", {f.approval_share_percent[0], f.approval_share_percent[1]},
                 groups, std::nullopt,
                 "Share of all " + FormatCount(f.total_approvals) + " approvals: " +
                     FormatCount(f.approvals[0]) + " vs " + FormatCount(f.approvals[1]) + ".");
  html += GroupChart(
      "Equal opportunity (TPR)", {f.tpr_percent[0], f.tpr_percent[1]}, groups,
      f.tpr_percent_overall,
      "Gap <strong>" + FormatFixed(in.model.equal_opportunity_gap, 2) + " points</strong>.");
  html +=
      GroupChart("Equal accuracy", {f.accuracy_percent[0], f.accuracy_percent[1]}, groups,
                 f.accuracy_percent_overall,
                 "Gap " + FormatFixed(std::fabs(f.accuracy_percent[0] - f.accuracy_percent[1]), 2) +
                     " points.");
  return html + "</div></section>";
}

std::string Confusion(const ReportInput& in) {
  const GroupConfusion& cm = in.model.fairness.confusion;
  std::string html =
      "<section id=\"confusion\"><h2>Confusion matrices (test set)</h2><p class=\"note\">Rows: "
      "the actual class; columns: the prediction. TN/FP/FN/TP are true and false negatives "
      "and positives; shares are of each matrix's total.</p><div class=\"row\">";
  const std::pair<std::string, const ConfusionMatrix*> parts[] = {
      {"Overall", &cm.overall},
      {in.group_names[0], &cm.by_group[0]},
      {in.group_names[1], &cm.by_group[1]}};
  for (const auto& [name, m] : parts) {
    html += "<div><h3>" + Escape(name) + " — " + FormatCount(m->total()) + " rows</h3><figure>" +
            report::ConfusionHeatmap("Confusion matrix, " + name, *m, in.class_names) +
            "</figure></div>";
  }
  return html + "</div></section>";
}

std::string Baseline(const ReportInput& in) {
  if (!in.baseline) return "";
  const ReportModel& a = in.model;
  const ReportModel& b = *in.baseline;
  struct Row {
    std::string name;
    double selected, baseline;
    int decimals;
    std::string unit;
  };
  const auto& g = in.group_names;
  const std::vector<Row> rows = {
      {"Test accuracy", a.test.accuracy, b.test.accuracy, 5, ""},
      {"Test precision", a.test.precision, b.test.precision, 5, ""},
      {"Test recall", a.test.recall, b.test.recall, 5, ""},
      {"Test f1", a.test.f1, b.test.f1, 5, ""},
      {"Train accuracy", a.train.accuracy, b.train.accuracy, 5, ""},
      {"Equal-opportunity gap", a.equal_opportunity_gap, b.equal_opportunity_gap, 2, " points"},
      {"TPR " + g[0], a.fairness.tpr_percent[0], b.fairness.tpr_percent[0], 2, " %"},
      {"TPR " + g[1], a.fairness.tpr_percent[1], b.fairness.tpr_percent[1], 2, " %"},
      {"Approval share " + g[0], a.fairness.approval_share_percent[0],
       b.fairness.approval_share_percent[0], 2, " %"},
      {"Approval share " + g[1], a.fairness.approval_share_percent[1],
       b.fairness.approval_share_percent[1], 2, " %"},
      {"Accuracy " + g[0], a.fairness.accuracy_percent[0], b.fairness.accuracy_percent[0], 2, " %"},
      {"Accuracy " + g[1], a.fairness.accuracy_percent[1], b.fairness.accuracy_percent[1], 2, " %"},
  };
  std::string html =
      "<section id=\"baseline\"><h2>Selected model vs baseline</h2>"
      "<p class=\"note\">The selected model, <strong>" +
      Escape(a.name) + "</strong>, uses " + Escape(FeatureList(a.features)) +
      ". The baseline, <strong>" + Escape(b.name) + "</strong>, uses " +
      Escape(FeatureList(b.features)) + "; it is reported, not deployed.</p>";
  html += "<table><thead><tr><th>Figure</th><th>" + Escape(a.name) + "</th><th>" + Escape(b.name) +
          "</th><th>Difference</th></tr></thead><tbody>";
  for (const Row& r : rows) {
    const double diff = r.selected - r.baseline;
    html += "<tr><td>" + Escape(r.name) + "</td><td>" + FormatFixed(r.selected, r.decimals) +
            r.unit + "</td><td>" + FormatFixed(r.baseline, r.decimals) + r.unit + "</td><td>" +
            SignedFixed(diff, r.decimals) + "</td></tr>";
  }
  return html + "</tbody></table></section>";
}

}  // namespace

std::string FeatureList(const std::vector<std::string>& features) {
  std::string s;
  for (const std::string& f : features) s += (s.empty() ? "" : ", ") + f;
  return s;
}

Result<std::string> RenderModelReport(const ReportInput& in) {
  SLUICE_RETURN_IF_ERROR(Validate(in));
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      Escape(in.title) + "</title><style>" + std::string(kStyle) + "</style></head><body>\n";
  html += Header(in) + "\n";
  html += Checks(in.checks) + "\n";
  html += Performance(in.model) + "\n";
  html += Importances(in.model) + "\n";
  html += Tree(in) + "\n";
  html += Fairness(in) + "\n";
  html += Confusion(in) + "\n";
  html += Baseline(in) + "\n";
  html +=
      "<footer>Rendered by sluice-ml's model report. Check bounds are inclusive.</footer>\n"
      "</body></html>\n";
  return html;
}

}  // namespace sluice::ml
