// Bar charts and heat maps for the model report (see report_charts.h).
#include "ml/report_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ml/number_format.h"
#include "ml/report_svg.h"

namespace sluice::ml::report {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Ellipsize(std::string_view text, size_t max_chars) {
  if (max_chars == 0) return "";
  size_t chars = 0;
  size_t cut = text.size();  // byte offset where code point number max_chars - 1 starts
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars - 1) cut = i;
    if (++chars > max_chars) return std::string(text.substr(0, cut)) + "…";
  }
  return std::string(text);
}

double TextWidth(std::string_view text, double font_px) {
  double em = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    if (c >= 0x80) {
      em += 0.9;  // non-ASCII: assume wide
    } else if (c == ' ' || c == '.' || c == ',' || c == 'i' || c == 'l' || c == 'j' || c == 't' ||
               c == 'f' || c == '\'' || c == '|') {
      em += 0.32;
    } else if (c >= 'A' && c <= 'Z') {
      em += (c == 'M' || c == 'W') ? 0.9 : 0.7;
    } else if (c == 'm' || c == 'w') {
      em += 0.85;
    } else {
      em += 0.58;
    }
  }
  return em * font_px;
}

std::string_view ClassColor(int64_t label) {
  static constexpr std::array<std::string_view, 6> kColors = {"#e58139", "#399de5", "#47e539",
                                                              "#e539c0", "#8139e5", "#e5d539"};
  return kColors[static_cast<uint64_t>(label) % kColors.size()];
}

std::string VerticalBars(const BarChart& chart) {
  const bool has_reference = chart.reference && std::isfinite(*chart.reference);
  const bool has_legend = chart.series.size() > 1 || has_reference || chart.reserve_legend_row;
  const double left = 48, right = 12, bottom = 34;
  const double top = has_legend ? 44 : 24;
  const double plot_w = chart.width - left - right;
  const double plot_h = chart.height - top - bottom;
  const double y_max = chart.y_max > 0 ? chart.y_max : 1;
  auto y_of = [&](double v) {
    const double clamped = std::isfinite(v) ? std::clamp(v, 0.0, y_max) : 0.0;
    return top + plot_h * (1 - clamped / y_max);
  };

  Svg svg(chart.width, chart.height, chart.title);
  // Grid and y ticks: quarters of the axis.
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    const double y = y_of(v);
    svg.Line(left, y, left + plot_w, y, i == 0 ? "#666" : "#ddd", 1);
    svg.Text(left - 6, y + 4, FormatTrimmed(v, 2) + chart.suffix, "end", "tick");
  }
  // Legend: the series, then the reference line (whose label would collide
  // with the value labels if written on the plot).
  double lx = left;
  for (const BarSeries& s : chart.series) {
    if (chart.series.size() < 2) break;
    svg.Rect(lx, 10, 12, 12, s.color);
    svg.Text(lx + 17, 20.5, s.name, "start", "legend");
    lx += 17 + TextWidth(s.name, 13) + 18;
  }
  if (has_reference) {
    svg.Line(lx, 16, lx + 22, 16, "#333", 1.2, "5 4");
    svg.Text(lx + 28, 20.5, chart.reference_label, "start", "legend");
    const double y = y_of(*chart.reference);
    svg.Line(left, y, left + plot_w, y, "#333", 1.2, "5 4");
  }
  const size_t n_cat = chart.categories.size();
  const size_t n_ser = chart.series.size();
  if (n_cat == 0 || n_ser == 0) return svg.Finish();
  const double band = plot_w / static_cast<double>(n_cat);
  const double group_w = band * 0.7;
  const double gap = 4;
  const double bar_w =
      (group_w - gap * static_cast<double>(n_ser - 1)) / static_cast<double>(n_ser);
  for (size_t c = 0; c < n_cat; ++c) {
    const double x0 = left + band * static_cast<double>(c) + (band - group_w) / 2;
    for (size_t s = 0; s < n_ser; ++s) {
      const BarSeries& series = chart.series[s];
      const double v = c < series.values.size() ? series.values[c] : std::nan("");
      const double x = x0 + static_cast<double>(s) * (bar_w + gap);
      const double y = y_of(v);
      const std::string& color = c < series.colors.size() ? series.colors[c] : series.color;
      svg.Rect(x, y, bar_w, top + plot_h - y, color,
               (n_ser > 1 ? series.name + " " : "") + chart.categories[c] + ": " +
                   FormatFixed(v, chart.decimals) + chart.suffix);
      svg.Text(x + bar_w / 2, y - 5, FormatFixed(v, chart.decimals) + chart.suffix, "middle",
               bar_w < 44 ? "value small" : "value");
    }
    svg.Text(left + band * (static_cast<double>(c) + 0.5), top + plot_h + 20,
             Ellipsize(chart.categories[c], static_cast<size_t>(band / 7)), "middle", "category");
  }
  return svg.Finish();
}

std::string HorizontalBars(std::string_view title, const std::vector<std::string>& labels,
                           const std::vector<double>& values, int decimals,
                           std::string_view color) {
  constexpr double kRow = 28, kTop = 8, kWidth = 640, kValueRoom = 64;
  constexpr size_t kMaxLabelChars = 28;
  double label_w = 40;
  for (const std::string& l : labels) {
    label_w = std::max(label_w, TextWidth(Ellipsize(l, kMaxLabelChars), 13));
  }
  label_w += 12;
  const double bar_room = kWidth - label_w - kValueRoom;
  double max_v = 0;
  for (double v : values) {
    if (std::isfinite(v)) max_v = std::max(max_v, v);
  }
  if (max_v <= 0) max_v = 1;
  const double height = kTop * 2 + kRow * static_cast<double>(labels.size());
  Svg svg(kWidth, height, title);
  for (size_t i = 0; i < labels.size() && i < values.size(); ++i) {
    const double y = kTop + kRow * static_cast<double>(i);
    const double v = values[i];
    const double w = std::isfinite(v) && v > 0 ? bar_room * v / max_v : 0;
    svg.Text(label_w - 8, y + kRow / 2 + 4.5, Ellipsize(labels[i], kMaxLabelChars), "end", "label",
             labels[i]);
    svg.Rect(label_w, y + 4, w, kRow - 8, std::string(color),
             labels[i] + ": " + FormatFixed(v, decimals));
    svg.Text(label_w + w + 6, y + kRow / 2 + 4.5, FormatFixed(v, decimals), "start", "value");
  }
  svg.Line(label_w, kTop, label_w, height - kTop, "#666", 1);
  return svg.Finish();
}

std::string ConfusionHeatmap(std::string_view title, const ConfusionMatrix& cm,
                             const std::array<std::string, 2>& class_names) {
  constexpr double kCellW = 100, kCellH = 66, kLeft = 110, kTop = 46;
  constexpr size_t kMaxName = 12;
  const double width = kLeft + 2 * kCellW + 8;
  const double height = kTop + 2 * kCellH + 10;
  Svg svg(width, height, title);
  int64_t max_count = 1;
  for (const auto& row : cm.counts) {
    for (int64_t c : row) max_count = std::max(max_count, c);
  }
  const double total = static_cast<double>(std::max<int64_t>(cm.total(), 1));
  svg.Text(kLeft + kCellW, 14, "Predicted", "middle", "axis");
  svg.Text(14, kTop + kCellH, "Actual", "middle", "axis", "", -90);
  for (int j = 0; j < 2; ++j) {
    svg.Text(kLeft + kCellW * (j + 0.5), kTop - 10, Ellipsize(class_names[j], kMaxName), "middle",
             "category", class_names[j]);
  }
  for (int i = 0; i < 2; ++i) {
    svg.Text(kLeft - 8, kTop + kCellH * (i + 0.5) + 4, Ellipsize(class_names[i], kMaxName), "end",
             "category", class_names[i]);
    for (int j = 0; j < 2; ++j) {
      const int64_t count = cm.counts[i][j];
      const double intensity = static_cast<double>(count) / static_cast<double>(max_count);
      const double x = kLeft + kCellW * j, y = kTop + kCellH * i;
      static constexpr const char* kNames[2][2] = {{"TN", "FP"}, {"FN", "TP"}};
      svg.Rect(x, y, kCellW, kCellH, BlueScale(intensity),
               std::string(kNames[i][j]) + ": " + FormatCount(count), "#fff");
      // Dark ink until the blue is dark enough for white to read better.
      const bool dark = intensity > 0.7;
      svg.Text(x + kCellW / 2, y + 30, FormatCount(count), "middle", dark ? "cell dark" : "cell");
      svg.Text(x + kCellW / 2, y + 49,
               std::string(kNames[i][j]) + " · " +
                   FormatFixed(100.0 * static_cast<double>(count) / total, 1) + " %",
               "middle", dark ? "cellnote dark" : "cellnote");
    }
  }
  return svg.Finish();
}

}  // namespace sluice::ml::report
