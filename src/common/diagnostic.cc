#include "common/diagnostic.h"

#include <algorithm>

namespace sluice {

std::string SourceLocation::ToString() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

void DiagnosticList::Error(SourceLocation loc, std::string message) {
  items_.push_back({Severity::kError, std::move(loc), std::move(message)});
}

void DiagnosticList::Warning(SourceLocation loc, std::string message) {
  items_.push_back({Severity::kWarning, std::move(loc), std::move(message)});
}

void DiagnosticList::Append(const DiagnosticList& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool DiagnosticList::has_errors() const { return error_count() > 0; }

int DiagnosticList::error_count() const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

int DiagnosticList::warning_count() const {
  return static_cast<int>(items_.size()) - error_count();
}

std::string_view LineOf(std::string_view text, int line) {
  if (line <= 0) return {};
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  if (start > text.size()) return {};
  size_t end = text.find('\n', start);
  std::string_view l = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

std::string FormatDiagnostic(const Diagnostic& d, std::string_view source_text) {
  std::string out = d.location.ToString();
  out += d.severity == Severity::kError ? ": error: " : ": warning: ";
  out += d.message;
  out += '\n';
  if (!d.location.known()) return out;
  std::string_view line = LineOf(source_text, d.location.line);
  if (line.empty()) return out;
  out += line;
  out += '\n';
  // Keep tabs so the caret lines up under tab-indented text.
  int col = std::max(1, d.location.column);
  for (int i = 0; i < col - 1 && i < static_cast<int>(line.size()); ++i) {
    out += line[i] == '\t' ? '\t' : ' ';
  }
  for (int i = static_cast<int>(line.size()); i < col - 1; ++i) out += ' ';
  out += "^\n";
  return out;
}

}  // namespace sluice
