#include "oci/dockerfile_lines.h"

#include <cctype>
#include <optional>
#include <utility>

namespace sluice::oci {
namespace {

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "# key=value" -> {key (lower-cased), value}; nullopt when the line is not
// shaped like a directive.
std::optional<std::pair<std::string, std::string>> AsDirective(std::string_view line) {
  line = TrimRight(TrimLeft(line));
  if (line.empty() || line.front() != '#') return std::nullopt;
  line = TrimLeft(line.substr(1));
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view key = TrimRight(line.substr(0, eq));
  if (key.empty()) return std::nullopt;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::make_pair(Lower(key), std::string(TrimLeft(line.substr(eq + 1))));
}

std::vector<std::string_view> PhysicalLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

DockerfileLines SplitLogicalLines(std::string_view text, const std::string& file,
                                  DiagnosticList& diagnostics) {
  DockerfileLines out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  std::vector<std::string_view> lines = PhysicalLines(text);
  size_t i = 0;
  bool seen_escape = false;
  for (; i < lines.size(); ++i) {
    auto directive = AsDirective(lines[i]);
    if (!directive) break;
    SourceLocation loc{file, static_cast<int>(i) + 1, 1};
    if (directive->first == "escape") {
      if (seen_escape) {
        diagnostics.Error(loc, "the escape directive appears twice; keep only one");
      } else if (directive->second != "\\" && directive->second != "`") {
        diagnostics.Error(loc, "invalid escape character \"" + directive->second +
                                   "\"; the escape directive accepts only \\ or `");
      } else {
        out.escape = directive->second[0];
      }
      seen_escape = true;
    } else if (directive->first != "syntax" && directive->first != "check") {
      break;  // an unknown directive is a comment and ends the directives
    }
  }

  // `current` is the instruction being joined while `continuing`.
  LogicalLine current;
  bool continuing = false;
  bool warned_empty = false;  // once per instruction
  for (; i < lines.size(); ++i) {
    std::string_view trimmed = TrimLeft(lines[i]);
    if (TrimRight(trimmed).empty() && continuing && !warned_empty) {
      diagnostics.Warning({file, static_cast<int>(i) + 1, 1},
                          "empty line inside a continued instruction; Docker warns that this "
                          "will become an error, so remove it");
      warned_empty = true;
    }
    if (TrimRight(trimmed).empty() || trimmed.front() == '#') continue;
    // A continued line keeps its indentation, as Docker keeps it.
    std::string_view content = TrimRight(continuing ? lines[i] : trimmed);
    bool continues = content.back() == out.escape;
    if (continues) content.remove_suffix(1);
    if (!continuing) {
      warned_empty = false;
      current = LogicalLine{};
      current.line = static_cast<int>(i) + 1;
      current.column = static_cast<int>(lines[i].size() - trimmed.size()) + 1;
    }
    current.rest.append(content);
    continuing = continues;
    if (!continuing) out.lines.push_back(current);
  }
  if (continuing) out.lines.push_back(current);  // a continuation at the end of the file

  // Split the keyword off each logical line.
  for (LogicalLine& l : out.lines) {
    std::string_view all = TrimRight(TrimLeft(l.rest));
    size_t end = 0;
    while (end < all.size() && all[end] != ' ' && all[end] != '\t') ++end;
    std::string keyword(all.substr(0, end));
    for (char& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string rest(TrimLeft(all.substr(end)));
    l.keyword = std::move(keyword);
    l.rest = std::move(rest);
  }
  return out;
}

}  // namespace sluice::oci
