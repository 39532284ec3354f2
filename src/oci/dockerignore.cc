#include "oci/dockerignore.h"

#include <algorithm>
#include <system_error>
#include <vector>

namespace sluice::oci {
namespace {

// Go's path.Clean for a relative or absolute '/'-separated path.
std::string CleanPath(std::string_view path) {
  bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out.append(parts[i]);
  }
  return out.empty() ? "." : out;
}

constexpr size_t kBad = std::string_view::npos;

// Reads one character of a class at p[i] (`\` escapes the next) into `c`;
// the position after it, or kBad where a character is missing (an
// unescaped `-` or `]`, or the end of the pattern).
size_t ClassChar(std::string_view p, size_t i, char& c) {
  if (i >= p.size() || p[i] == ']' || p[i] == '-') return kBad;
  if (p[i] != '\\') {
    c = p[i];
    return i + 1;
  }
  if (i + 1 >= p.size()) return kBad;
  c = p[i + 1];
  return i + 2;
}

// Reads the class that starts at p[0] == '[' as Go's filepath.Match does
// (`[abc]`, `[a-z]`, `[^a]`; `[]`, `[-a]`, `[a-]`, `[a-b-c]` are malformed)
// and sets `matched` to whether it matches `c`. The position just past the
// closing `]`, or kBad when malformed.
size_t MatchClass(std::string_view p, char c, bool& matched) {
  size_t i = 1;
  bool negate = i < p.size() && p[i] == '^';
  if (negate) ++i;
  bool in_class = false;
  for (bool first = true; first || i >= p.size() || p[i] != ']'; first = false) {
    char lo = 0;
    char hi = 0;
    i = ClassChar(p, i, lo);
    if (i == kBad) return kBad;
    hi = lo;
    if (i < p.size() && p[i] == '-') {
      i = ClassChar(p, i + 1, hi);
      if (i == kBad) return kBad;
    }
    in_class = in_class || (lo <= c && c <= hi);
  }
  matched = in_class != negate;
  return i + 1;
}

// Go's filepath.Match plus `**`. Each (pattern position, path position) is
// decided once, so patterns like `*a*a*a*b` stay polynomial on long paths.
class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view path)
      : p_(pattern), s_(path), memo_((p_.size() + 1) * (s_.size() + 1), kUnknown) {}

  bool Matches() { return At(0, 0); }

 private:
  static constexpr signed char kUnknown = -1;

  bool At(size_t pi, size_t si) {
    signed char& slot = memo_[pi * (s_.size() + 1) + si];
    if (slot == kUnknown) slot = Compute(pi, si) ? 1 : 0;
    return slot == 1;
  }

  bool Compute(size_t pi, size_t si) {
    while (pi < p_.size()) {
      char c = p_[pi];
      if (c == '*' && pi + 1 < p_.size() && p_[pi + 1] == '*') {
        size_t rest = pi + 2;
        if (rest < p_.size() && p_[rest] == '/') ++rest;
        if (rest == p_.size()) return true;  // a final `**` matches everything
        // `**` elsewhere matches any number of leading directories, or none.
        if (At(rest, si)) return true;
        for (size_t i = si; i < s_.size(); ++i) {
          if (s_[i] == '/' && At(rest, i + 1)) return true;
        }
        return false;
      }
      if (c == '*') {
        for (size_t i = si;; ++i) {
          if (At(pi + 1, i)) return true;
          if (i == s_.size() || s_[i] == '/') return false;
        }
      }
      if (si == s_.size()) return false;
      char sc = s_[si];
      if (c == '?') {
        if (sc == '/') return false;
        ++pi;
      } else if (c == '[') {
        bool in_class = false;
        size_t end = MatchClass(p_.substr(pi), sc, in_class);
        if (end == kBad || sc == '/' || !in_class) return false;
        pi += end;
      } else {
        if (c == '\\') {
          if (pi + 1 == p_.size()) return false;
          ++pi;
        }
        if (p_[pi] != sc) return false;
        ++pi;
      }
      ++si;
    }
    return si == s_.size();
  }

  std::string_view p_;
  std::string_view s_;
  std::vector<signed char> memo_;
};

// Empty when `pattern` is well formed, else what is wrong.
std::string PatternProblem(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (i + 1 == pattern.size()) return "it ends with an escape (\\)";
      ++i;
    } else if (pattern[i] == '[') {
      bool unused = false;
      size_t end = MatchClass(pattern.substr(i), 'a', unused);
      if (end == kBad) {
        return "the [...] class is malformed (unclosed, empty, or a - without a character on "
               "each side)";
      }
      i += end - 1;
    }
  }
  return "";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool MatchIgnorePattern(std::string_view pattern, std::string_view path) {
  // Docker matches a leading `**` followed by plain text as a suffix of the
  // path, so `**.pyc` matches `a.pyc` and `**file` matches `dir/xfile`.
  if (pattern.substr(0, 2) == "**" && pattern.size() > 2 &&
      pattern.find_first_of("*?[\\", 2) == std::string_view::npos) {
    std::string_view suffix = pattern.substr(2);
    return path.ends_with(suffix) || (suffix.front() == '/' && path == suffix.substr(1));
  }
  return Matcher(pattern, path).Matches();
}

bool Dockerignore::Excludes(std::string_view path) const {
  std::string file = CleanPath(path);
  if (!file.empty() && file.front() == '/') file.erase(0, 1);
  bool excluded = false;
  for (const IgnorePattern& p : patterns_) {
    // Only a pattern that could change the answer is tried.
    if (p.exception != excluded) continue;
    bool match = MatchIgnorePattern(p.pattern, file);
    // A pattern matching a parent directory matches everything below it.
    for (size_t slash = file.find('/'); !match && slash != std::string::npos;
         slash = file.find('/', slash + 1)) {
      match = MatchIgnorePattern(p.pattern, std::string_view(file).substr(0, slash));
    }
    if (match) excluded = !p.exception;
  }
  return excluded;
}

Result<Dockerignore> ParseDockerignore(std::string_view text, std::string_view file) {
  std::vector<IgnorePattern> patterns;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.front() == '#') continue;
    line = Trim(line);
    if (line.empty()) continue;
    IgnorePattern p;
    p.line = line_number;
    p.exception = line.front() == '!';
    if (p.exception) line = Trim(line.substr(1));
    if (p.exception && line.empty()) {
      return Status::InvalidArgument(std::string(file) + ":" + std::to_string(line_number) +
                                     ": a lone ! re-includes nothing; write !pattern");
    }
    if (!line.empty()) {
      p.pattern = CleanPath(line);
      if (p.pattern.size() > 1 && p.pattern.front() == '/') p.pattern.erase(0, 1);
    }
    std::string problem = PatternProblem(p.pattern);
    if (!problem.empty()) {
      return Status::InvalidArgument(std::string(file) + ":" + std::to_string(line_number) +
                                     ": invalid pattern \"" + std::string(line) + "\": " + problem +
                                     "; escape literal [ and \\ with \\");
    }
    patterns.push_back(std::move(p));
  }
  return Dockerignore(std::move(patterns));
}

Result<std::vector<ContextEntry>> ListContextFiles(const std::filesystem::path& root,
                                                   const Dockerignore& ignore) {
  namespace fs = std::filesystem;
  bool has_exceptions = std::any_of(ignore.patterns().begin(), ignore.patterns().end(),
                                    [](const IgnorePattern& p) { return p.exception; });
  std::vector<ContextEntry> entries;
  std::vector<fs::path> pending = {root};
  std::error_code ec;
  while (!pending.empty()) {
    fs::path dir = std::move(pending.back());
    pending.pop_back();
    fs::directory_iterator it(dir, ec);
    if (ec) return Status::IoError("cannot list " + dir.string() + ": " + ec.message());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) return Status::IoError("cannot list " + dir.string() + ": " + ec.message());
      const fs::path& full = it->path();
      std::string rel = full.lexically_relative(root).generic_string();
      bool excluded = ignore.Excludes(rel);
      fs::file_status st = it->symlink_status(ec);
      if (ec) return Status::IoError("cannot stat " + full.string() + ": " + ec.message());
      if (fs::is_directory(st)) {
        // An excluded directory may still hold re-included files.
        if (!excluded || has_exceptions) pending.push_back(full);
        if (!excluded) entries.push_back({rel, ContextEntry::Type::kDirectory});
      } else if (excluded) {
        continue;
      } else if (fs::is_symlink(st)) {
        entries.push_back({rel, ContextEntry::Type::kSymlink});
      } else if (fs::is_regular_file(st)) {
        entries.push_back({rel, ContextEntry::Type::kFile});
      } else {
        return Status::InvalidArgument(full.string() +
                                       " is not a file, directory or symlink (a "
                                       "socket, pipe or device); remove it from the build context "
                                       "or add it to .dockerignore");
      }
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const ContextEntry& a, const ContextEntry& b) { return a.path < b.path; });
  return entries;
}

}  // namespace sluice::oci
