#include "common/cancellation.h"

#include <fcntl.h>
#include <unistd.h>

namespace sluice {

Cancellation::Cancellation() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) pipe_[0] = pipe_[1] = -1;
}

Cancellation::~Cancellation() {
  if (pipe_[0] >= 0) ::close(pipe_[0]);
  if (pipe_[1] >= 0) ::close(pipe_[1]);
}

void Cancellation::Cancel() {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (pipe_[1] >= 0) {
    char c = 1;
    ssize_t ignored = ::write(pipe_[1], &c, 1);
    (void)ignored;
  }
}

}  // namespace sluice
