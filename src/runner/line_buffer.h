// LineBuffer: turns the chunks read from one pipe into lines for a LineSink.
//
// Complete lines are delivered without their '\n' as soon as they arrive; a
// line longer than kMaxLineBytes is delivered in pieces of that size so a
// process printing megabytes without a newline cannot grow memory without
// bound. Flush() delivers an unterminated final line. Not thread-safe; one
// buffer per stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "runner/process.h"

namespace sluice::runner {

class LineBuffer {
 public:
  static constexpr size_t kMaxLineBytes = size_t{64} * 1024;

  LineBuffer(StreamKind stream, LineSink& sink) : stream_(stream), sink_(sink) {}

  void Append(std::string_view data);
  // Delivers what is pending (a line without its newline), if anything.
  void Flush();

 private:
  StreamKind stream_;
  LineSink& sink_;
  std::string pending_;  // an incomplete line, always < kMaxLineBytes
};

}  // namespace sluice::runner
