// The first pass over a Dockerfile: parser directives, comments and line
// continuations, giving one logical line per instruction.
//
// Internal to src/oci. Pure; errors go into the DiagnosticList handed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace sluice::oci {

struct LogicalLine {
  int line = 0;         // 1-based line where the instruction starts
  int column = 1;       // 1-based column of the keyword on that line
  std::string keyword;  // upper-cased first word ("RUN")
  std::string rest;     // the arguments, continuations joined, trimmed
};

struct DockerfileLines {
  char escape = '\\';
  std::vector<LogicalLine> lines;
};

// Reads the directives at the top (`# escape=\` or `` ` ``, `# syntax=` and
// `# check=` which are accepted and ignored); they end at the first line that
// is not one. Comment lines are dropped, also inside a continuation, and so
// are empty lines inside a continuation, as Docker does (with a warning, once
// per instruction, as Docker gives one). A continuation is a
// line ending with the escape character (trailing blanks allowed).
DockerfileLines SplitLogicalLines(std::string_view text, const std::string& file,
                                  DiagnosticList& diagnostics);

}  // namespace sluice::oci
