#include "common/cancellation.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace sluice {

Cancellation::Cancellation() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) pipe_[0] = pipe_[1] = -1;
}

Cancellation::Cancellation(Cancellation* parent) : Cancellation() {
  parent_ = parent;
  if (parent_ != nullptr) parent_->AddChild(this);
}

Cancellation::~Cancellation() {
  if (parent_ != nullptr) parent_->RemoveChild(this);
  if (pipe_[0] >= 0) ::close(pipe_[0]);
  if (pipe_[1] >= 0) ::close(pipe_[1]);
}

void Cancellation::AddChild(Cancellation* child) {
  bool cancel_child = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    children_.push_back(child);
    cancel_child = cancelled();
  }
  if (cancel_child) child->Cancel();
}

void Cancellation::RemoveChild(Cancellation* child) {
  std::lock_guard<std::mutex> lock(mu_);
  children_.erase(std::remove(children_.begin(), children_.end(), child), children_.end());
}

void Cancellation::Cancel() {
  // Children are cancelled with mu_ held: a child's destructor unregisters
  // under this same mutex, so none can die half-way through the loop. Lock
  // order is parent then child, and Cancel() never locks a parent.
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (pipe_[1] >= 0) {
    char c = 1;
    ssize_t ignored = ::write(pipe_[1], &c, 1);
    (void)ignored;
  }
  for (Cancellation* child : children_) child->Cancel();
}

}  // namespace sluice
