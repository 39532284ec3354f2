// Diagnostics about user-written input (pipeline YAML, expressions, scripts).
//
// A Diagnostic points at file:line:column (1-based) and is printed the way
// ninja prints manifest errors:
//
//   .harness/pipelines/p.yaml:12:7: error: unknown step type "Foo"
//         type: Foo
//               ^
//
// DiagnosticList collects diagnostics in the order they were found; the
// printer reads the offending line from the text it is handed, so nothing
// here touches the filesystem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct SourceLocation {
  std::string file;  // as the user named it (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown

  bool known() const { return line > 0; }
  // "file:line:col", "file:line" or "file".
  std::string ToString() const;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation location;
  std::string message;
};

class DiagnosticList {
 public:
  void Error(SourceLocation loc, std::string message);
  void Warning(SourceLocation loc, std::string message);
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Append(const DiagnosticList& other);

  bool has_errors() const;
  int error_count() const;
  int warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Diagnostic> items_;
};

// Formats one diagnostic: the "file:line:col: error: message" line, then, when
// `source_text` holds the file's content and the line exists, the source line
// and a caret under the column. Always ends with a newline.
std::string FormatDiagnostic(const Diagnostic& d, std::string_view source_text);

// Returns line `line` (1-based) of `text` without its newline, or "" if absent.
std::string_view LineOf(std::string_view text, int line);

}  // namespace sluice
