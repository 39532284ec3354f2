// How an execution's published artifacts look (render.h).
#include <algorithm>
#include <cstdio>
#include <iterator>

#include "cli/render.h"
#include "common/clock.h"

namespace sluice::cli {

std::string FormatSize(int64_t bytes) {
  if (bytes < 0) return "-";
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  for (value /= 1024; value >= 1024 && unit + 1 < std::size(kUnits); value /= 1024) ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

void PrintArtifactsSection(std::ostream& out, const std::vector<store::ArtifactRecord>& artifacts) {
  if (artifacts.empty()) return;
  out << "\nArtifacts:\n";
  for (const store::ArtifactRecord& a : artifacts) {
    out << "  " << a.node_path << "  " << a.name;
    if (a.size >= 0) out << " (" << FormatSize(a.size) << ")";
    out << "  " << a.url << "\n";
  }
}

void PrintArtifactsTable(std::ostream& out, const std::vector<store::ArtifactRecord>& artifacts) {
  struct Row {
    std::string step, name, size, type, url;
  };
  std::vector<Row> rows = {{"STEP", "NAME", "SIZE", "TYPE", "URL"}};
  for (const store::ArtifactRecord& a : artifacts) {
    rows.push_back({a.node_path, a.name, FormatSize(a.size),
                    a.content_type.empty() ? "-" : a.content_type, a.url});
  }
  size_t step = 0, name = 0, size = 0, type = 0;
  for (const Row& r : rows) {
    step = std::max(step, r.step.size());
    name = std::max(name, r.name.size());
    size = std::max(size, r.size.size());
    type = std::max(type, r.type.size());
  }
  auto pad = [](const std::string& text, size_t width) {
    return text + std::string(width - text.size(), ' ');
  };
  for (const Row& r : rows) {
    out << pad(r.step, step) << "  " << pad(r.name, name) << "  "
        << std::string(size - r.size.size(), ' ') << r.size << "  " << pad(r.type, type) << "  "
        << r.url << "\n";
  }
}

nlohmann::ordered_json ArtifactsJson(const std::vector<store::ArtifactRecord>& artifacts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  auto or_null = [](const std::string& text) -> nlohmann::ordered_json {
    return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
  };
  for (const store::ArtifactRecord& a : artifacts) {
    out.push_back(
        {{"step", a.node_path},
         {"attempt", a.attempt},
         {"name", a.name},
         {"url", a.url},
         {"size", a.size >= 0 ? nlohmann::ordered_json(a.size) : nlohmann::ordered_json()},
         {"sha256", or_null(a.sha256)},
         {"contentType", or_null(a.content_type)},
         {"bucket", or_null(a.bucket)},
         {"key", or_null(a.key)},
         {"createdAt", FormatTimestamp(a.created_ms)}});
  }
  return out;
}

}  // namespace sluice::cli
