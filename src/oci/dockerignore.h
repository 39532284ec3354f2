// .dockerignore: which files of the build context are sent to the build.
//
// Docker's semantics (moby/patternmatcher): one pattern per line; lines whose
// first character is `#` are comments; blanks around a pattern are trimmed.
// Each pattern is cleaned like Go's filepath.Clean (`./a/../b` -> `b`) and a
// leading `/` is dropped, so patterns are always relative to the context
// root. Matching is Go's filepath.Match (`*` and `?` never cross `/`,
// `[a-z]`, `[^a]`, `\` escapes the next character) plus `**`, which matches
// any number of directories, including none (a pattern of `**` and then
// plain text, like `**.pyc`, matches paths ending in that text, as in
// Docker). A pattern that matches a
// directory matches everything under it. `!pattern` re-includes what an
// earlier pattern excluded; the last pattern that matches a path decides.
//
// Errors: ParseDockerignore() reports a malformed pattern (an unclosed or
// empty `[`, a `-` without a character on each side, a trailing `\`, a lone
// `!`) as InvalidArgument naming the file, the line and the pattern. ListContextFiles() reports
// unreadable directories as IoError. Thread-safety: a parsed Dockerignore is immutable and may be
// shared.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::oci {

struct IgnorePattern {
  std::string pattern;     // cleaned, without the leading '!'
  bool exception = false;  // written with a leading '!'
  int line = 0;
};

class Dockerignore {
 public:
  Dockerignore() = default;  // excludes nothing
  explicit Dockerignore(std::vector<IgnorePattern> patterns) : patterns_(std::move(patterns)) {}

  // True when the context-relative, '/'-separated `path` is excluded.
  bool Excludes(std::string_view path) const;

  const std::vector<IgnorePattern>& patterns() const { return patterns_; }

 private:
  std::vector<IgnorePattern> patterns_;
};

// Parses the text of a .dockerignore file named `file` (for messages).
Result<Dockerignore> ParseDockerignore(std::string_view text,
                                       std::string_view file = ".dockerignore");

// Matches one cleaned pattern against a cleaned path (no parent-directory
// rule); false for a malformed pattern.
bool MatchIgnorePattern(std::string_view pattern, std::string_view path);

// One entry of the build context.
struct ContextEntry {
  std::string path;  // relative to the context root, '/'-separated
  enum class Type { kFile, kDirectory, kSymlink } type = Type::kFile;

  bool operator==(const ContextEntry&) const = default;
};

// Every file, directory and symlink under `root` that `ignore` does not
// exclude, sorted by path (byte order). Symlinks are listed, not followed.
// Docker's rule for exceptions holds: a directory that is excluded is still
// walked when an exception pattern could re-include something under it, and
// then only the re-included entries are listed. InvalidArgument for a
// socket, pipe or device that is not excluded; IoError when a directory
// cannot be read.
Result<std::vector<ContextEntry>> ListContextFiles(const std::filesystem::path& root,
                                                   const Dockerignore& ignore);

}  // namespace sluice::oci
