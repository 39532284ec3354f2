#include "ml/report_svg.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "ml/report_charts.h"

namespace sluice::ml::report {
namespace {

std::string Opacity(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 1.0);
  return buf;
}

}  // namespace

std::string Num(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string BlueScale(double intensity) {
  // ColorBrewer "Blues": #f7fbff -> #6baed6 -> #08306b.
  struct Rgb {
    double r, g, b;
  };
  static constexpr Rgb kStops[3] = {{247, 251, 255}, {107, 174, 214}, {8, 48, 107}};
  const double t = std::isfinite(intensity) ? std::clamp(intensity, 0.0, 1.0) : 0.0;
  const int i = t < 0.5 ? 0 : 1;
  const double f = t < 0.5 ? t * 2 : (t - 0.5) * 2;
  auto mix = [&](double a, double b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(kStops[i].r, kStops[i + 1].r),
                mix(kStops[i].g, kStops[i + 1].g), mix(kStops[i].b, kStops[i + 1].b));
  return buf;
}

Svg::Svg(double width, double height, std::string_view title) {
  out_ = "<svg viewBox=\"0 0 " + Num(width) + " " + Num(height) + "\" width=\"" + Num(width) +
         "\" height=\"" + Num(height) + "\" role=\"img\" aria-label=\"" + Escape(title) + "\">";
}

void Svg::Line(double x1, double y1, double x2, double y2, std::string_view color, double width,
               std::string_view dash) {
  out_ += "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" +
          Num(y2) + "\" stroke=\"" + Escape(color) + "\" stroke-width=\"" + Num(width) + "\"";
  if (!dash.empty()) out_ += " stroke-dasharray=\"" + Escape(dash) + "\"";
  out_ += "/>";
}

void Svg::Rect(double x, double y, double w, double h, const std::string& fill,
               std::string_view tooltip, const std::string& stroke) {
  RectStyle style;
  style.fill = fill;
  style.stroke = stroke;
  Rect(x, y, w, h, style, tooltip);
}

void Svg::Rect(double x, double y, double w, double h, const RectStyle& style,
               std::string_view tooltip) {
  out_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(std::max(w, 0.0)) +
          "\" height=\"" + Num(std::max(h, 0.0)) + "\" fill=\"" + Escape(style.fill) + "\"";
  if (style.fill_opacity < 1) out_ += " fill-opacity=\"" + Opacity(style.fill_opacity) + "\"";
  if (!style.stroke.empty()) {
    out_ +=
        " stroke=\"" + Escape(style.stroke) + "\" stroke-width=\"" + Num(style.stroke_width) + "\"";
  }
  if (!style.dash.empty()) out_ += " stroke-dasharray=\"" + Escape(style.dash) + "\"";
  if (style.radius > 0) out_ += " rx=\"" + Num(style.radius) + "\"";
  if (tooltip.empty()) {
    out_ += "/>";
  } else {
    out_ += "><title>" + Escape(tooltip) + "</title></rect>";
  }
}

void Svg::Text(double x, double y, std::string_view text, std::string_view anchor,
               std::string_view css_class, std::string_view tooltip, double rotate) {
  out_ += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + Escape(anchor) +
          "\" class=\"" + Escape(css_class) + "\"";
  if (rotate != 0) {
    out_ += " transform=\"rotate(" + Num(rotate) + " " + Num(x) + " " + Num(y) + ")\"";
  }
  out_ += ">";
  if (!tooltip.empty()) out_ += "<title>" + Escape(tooltip) + "</title>";
  out_ += Escape(text) + "</text>";
}

std::string Svg::Finish() {
  std::string done = std::move(out_) + "</svg>";
  out_.clear();
  return done;
}

}  // namespace sluice::ml::report
