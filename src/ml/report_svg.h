// Internal to the ml module: a small writer of inline SVG elements for the
// model report's charts. It escapes every string it is given and prints
// coordinates with at most one decimal. The <svg> carries a viewBox and
// role="img" with the chart's title as its accessible name; no xmlns is
// needed (nor written) inside an HTML document.
#pragma once

#include <string>
#include <string_view>

namespace sluice::ml::report {

// A coordinate: "12.5", "300" (no thousands separators, unlike FormatTrimmed).
std::string Num(double v);
// White (0) through mid blue to dark blue (1), as "#rrggbb".
std::string BlueScale(double intensity);

struct RectStyle {
  std::string fill = "#ccc";
  double fill_opacity = 1;
  std::string stroke;  // none when empty
  double stroke_width = 1;
  std::string dash;  // stroke-dasharray, e.g. "4 3"
  double radius = 0;
};

class Svg {
 public:
  Svg(double width, double height, std::string_view title);

  void Line(double x1, double y1, double x2, double y2, std::string_view color, double width,
            std::string_view dash = "");
  void Rect(double x, double y, double w, double h, const std::string& fill,
            std::string_view tooltip = "", const std::string& stroke = "");
  void Rect(double x, double y, double w, double h, const RectStyle& style,
            std::string_view tooltip = "");
  // `css_class` is trusted (a constant); `text` and `tooltip` are escaped.
  void Text(double x, double y, std::string_view text, std::string_view anchor,
            std::string_view css_class, std::string_view tooltip = "", double rotate = 0);

  // The finished element; the writer is left empty.
  std::string Finish();

 private:
  std::string out_;
};

}  // namespace sluice::ml::report
