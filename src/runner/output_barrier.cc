#include "runner/output_barrier.h"

#include <sys/eventfd.h>

#include <cstdint>
#include <utility>

namespace sluice::runner {

OutputBarrier::OutputBarrier() : event_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void OutputBarrier::Pass(std::function<void()> then) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (watched_ && event_.valid()) {
      waiting_.push_back(std::move(then));
      const uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(event_.get(), &one, sizeof one);
      return;
    }
  }
  then();
}

std::vector<std::function<void()>> OutputBarrier::TakeReady() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(event_.get(), &count, sizeof count);
  return std::exchange(waiting_, {});
}

OutputBarrier::Watch::Watch(OutputBarrier* barrier) : barrier_(barrier) {
  if (barrier_ == nullptr) return;
  std::lock_guard<std::mutex> lock(barrier_->mu_);
  barrier_->watched_ = true;
}

OutputBarrier::Watch::~Watch() {
  if (barrier_ == nullptr) return;
  std::vector<std::function<void()>> left;
  {
    std::lock_guard<std::mutex> lock(barrier_->mu_);
    barrier_->watched_ = false;
    left = std::exchange(barrier_->waiting_, {});
  }
  for (auto& then : left) then();
}

}  // namespace sluice::runner
