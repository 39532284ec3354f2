#include "runner/line_buffer.h"

namespace sluice::runner {

void LineBuffer::Append(std::string_view data) {
  while (!data.empty()) {
    size_t nl = data.find('\n');
    size_t room = kMaxLineBytes - pending_.size();
    if (nl == std::string_view::npos || nl > room) {
      if (data.size() < room) {
        pending_.append(data);
        return;
      }
      // No newline within the size limit: deliver a full-size piece.
      pending_.append(data.substr(0, room));
      sink_.OnLine(stream_, pending_);
      pending_.clear();
      data.remove_prefix(room);
      continue;
    }
    if (pending_.empty()) {
      sink_.OnLine(stream_, data.substr(0, nl));  // no copy in the common case
    } else {
      pending_.append(data.substr(0, nl));
      sink_.OnLine(stream_, pending_);
      pending_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void LineBuffer::Flush() {
  if (pending_.empty()) return;
  sink_.OnLine(stream_, pending_);
  pending_.clear();
}

}  // namespace sluice::runner
