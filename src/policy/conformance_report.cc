// Conformance summaries (text and JSON) and minimum pass rates
// (conformance.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "policy/conformance.h"

namespace sluice::policy::conformance {

namespace {

constexpr std::string_view kJsonFormat = "sluice-policy-conformance";
constexpr int kJsonVersion = 1;

std::string CountsText(const Counts& counts) {
  return std::to_string(counts.passed) + " passed, " + std::to_string(counts.failed) + " failed";
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", fraction * 100.0);
  return buf;
}

// Continuation lines of a multi-line description line up under its first.
std::string Indented(std::string_view text, size_t indent) {
  std::string out;
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out.append(indent, ' ');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// "0.9" or "90%" (or "90.5 %") -> a fraction in [0, 1].
Result<double> ParseRate(std::string_view text) {
  text = Trim(text);
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text = Trim(text.substr(0, text.size() - 1));
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a pass rate (a fraction like 0.9, or 90%)");
  }
  if (percent) value /= 100.0;
  if (value < 0.0 || value > 1.0) {
    return Status::InvalidArgument("pass rate " + std::string(text) + (percent ? "%" : "") +
                                   " is outside 0..1 (write a percentage with %, e.g. " +
                                   (percent ? std::string("90%") : std::string(text) + "%") + ")");
  }
  return value;
}

Status AddRate(PassRates* rates, std::string_view tree, std::string_view rate) {
  tree = Trim(tree);
  if (tree.empty()) return Status::InvalidArgument("missing tree name before the pass rate");
  Result<double> value = ParseRate(rate);
  if (!value.ok()) return value.status();
  (*rates)[std::string(tree)] = *value;
  return Status::Ok();
}

// The minimums a JSON summary implies: each tree's own pass rate.
Result<PassRates> RatesFromSummary(std::string_view text, std::string_view file) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != kJsonFormat ||
      !doc.contains("trees") || !doc["trees"].is_object()) {
    return Status::InvalidArgument(std::string(file) + ": not a conformance summary (" +
                                   std::string(kJsonFormat) + " JSON) nor TREE RATE lines");
  }
  if (doc.value("version", 0) != kJsonVersion) {
    return Status::InvalidArgument(std::string(file) + ": summary version " +
                                   doc.value("version", nlohmann::json()).dump() +
                                   " is not supported (want " + std::to_string(kJsonVersion) + ")");
  }
  PassRates rates;
  for (const auto& [tree, counts] : doc["trees"].items()) {
    // From the counts rather than the rounded pass_rate, so a run with the
    // same counts meets its own baseline exactly.
    int passed = counts.value("passed", 0);
    int failed = counts.value("failed", 0);
    rates[tree] = passed + failed == 0 ? 0.0 : static_cast<double>(passed) / (passed + failed);
  }
  return rates;
}

}  // namespace

std::string FormatReport(const Report& report, bool verbose) {
  std::string out;
  if (verbose) {
    for (const Failure& f : report.failures) {
      out += "FAIL " + f.tree + "/" + f.note + " (" + f.file +
             (f.line > 0 ? ":" + std::to_string(f.line) : "") + ")\n";
      out += "  expected: " + Indented(f.expected, 12) + "\n";
      out += "  got:      " + Indented(f.got, 12) + "\n";
    }
    if (!report.failures.empty()) out += "\n";
  }
  size_t width = 0;
  for (const auto& [tree, categories] : report.categories) {
    width = std::max(width, tree.size() + std::string_view(" total").size());
    for (const auto& [category, counts] : categories) {
      width = std::max(width, tree.size() + 1 + category.size());
    }
  }
  auto line = [&](const std::string& name, const std::string& text) {
    out.append(name).append(width - name.size() + 2, ' ').append(text).append("\n");
  };
  for (const auto& [tree, categories] : report.categories) {
    for (const auto& [category, counts] : categories) {
      line(tree + "/" + category, CountsText(counts));
    }
  }
  for (const auto& [tree, counts] : report.trees) {
    line(tree + " total", CountsText(counts) + " (" + Percent(counts.pass_rate()) + ")");
  }
  out += CountsText(report.total) + "\n";
  return out;
}

std::string ReportJson(const Report& report) {
  nlohmann::ordered_json doc;
  doc["format"] = kJsonFormat;
  doc["version"] = kJsonVersion;
  doc["passed"] = report.total.passed;
  doc["failed"] = report.total.failed;
  doc["crashed"] = report.crashed;
  doc["timed_out"] = report.timed_out;
  nlohmann::ordered_json trees = nlohmann::ordered_json::object();
  for (const auto& [tree, counts] : report.trees) {
    nlohmann::ordered_json t;
    t["passed"] = counts.passed;
    t["failed"] = counts.failed;
    t["pass_rate"] = counts.pass_rate();
    nlohmann::ordered_json categories = nlohmann::ordered_json::object();
    auto it = report.categories.find(tree);
    if (it != report.categories.end()) {
      for (const auto& [category, c] : it->second) {
        categories[category] = {{"passed", c.passed}, {"failed", c.failed}};
      }
    }
    t["categories"] = std::move(categories);
    trees[tree] = std::move(t);
  }
  doc["trees"] = std::move(trees);
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const Failure& f : report.failures) {
    failures.push_back({{"tree", f.tree},
                        {"category", f.category},
                        {"note", f.note},
                        {"file", f.file},
                        {"line", f.line},
                        {"expected", f.expected},
                        {"got", f.got}});
  }
  doc["failures"] = std::move(failures);
  // Messages may hold any bytes the evaluator produced: replace invalid
  // UTF-8 rather than throw.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<PassRates> ParsePassRates(std::string_view spec) {
  PassRates rates;
  if (Trim(spec).empty()) {
    return Status::InvalidArgument("empty pass-rate list (want v0=0.9,v1=0.9)");
  }
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(start, comma - start);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("\"" + std::string(Trim(item)) +
                                     "\" is not TREE=RATE (e.g. v1=0.9)");
    }
    Status s = AddRate(&rates, item.substr(0, eq), item.substr(eq + 1));
    if (!s.ok()) return s;
    start = comma + 1;
  }
  return rates;
}

Result<PassRates> ParseBaseline(std::string_view text, std::string_view file) {
  if (Trim(text).starts_with("{")) return RatesFromSummary(text, file);
  PassRates rates;
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) newline = text.size();
    std::string_view line = text.substr(start, newline - start);
    start = newline + 1;
    ++line_number;
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    size_t sep = line.find_first_of(" \t=");
    std::string where = std::string(file) + ":" + std::to_string(line_number) + ": ";
    if (sep == std::string_view::npos) {
      return Status::InvalidArgument(where + "\"" + std::string(line) +
                                     "\" is not TREE RATE (e.g. v1 0.9)");
    }
    std::string_view rate = Trim(line.substr(sep));
    if (rate.starts_with("=")) rate.remove_prefix(1);
    Status s = AddRate(&rates, line.substr(0, sep), rate);
    if (!s.ok()) return s.Annotate(where.substr(0, where.size() - 2));
  }
  if (rates.empty()) return Status::InvalidArgument(std::string(file) + ": no TREE RATE lines");
  return rates;
}

std::vector<std::string> CheckPassRates(const Report& report, const PassRates& minimums) {
  std::vector<std::string> problems;
  for (const auto& [tree, minimum] : minimums) {
    auto it = report.trees.find(tree);
    if (it == report.trees.end() || it->second.total() == 0) {
      problems.push_back(tree + ": no cases found (minimum pass rate " + Percent(minimum) + ")");
      continue;
    }
    const Counts& counts = it->second;
    // A tolerance for minimums that are themselves quotients of counts.
    if (static_cast<double>(counts.passed) + 1e-9 < minimum * counts.total()) {
      problems.push_back(tree + ": pass rate " + Percent(counts.pass_rate()) + " (" +
                         std::to_string(counts.passed) + " of " + std::to_string(counts.total()) +
                         ") is below the minimum " + Percent(minimum));
    }
  }
  return problems;
}

}  // namespace sluice::policy::conformance
