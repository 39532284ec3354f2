// The two random number generators scikit-learn 1.2's tree splitter uses,
// internal to the tree (tree_fit.cc and its tests).
//
//  1. The estimator's integer random_state becomes numpy's
//     RandomState(seed) (MT19937, init_genrand), and the splitter takes one
//     draw from it: randint(0, 0x7FFFFFFF), i.e. 32-bit outputs masked with
//     0x7FFFFFFF, redrawn while equal to 0x7FFFFFFF (numpy's masked
//     rejection for the range [0, 0x7FFFFFFE]). For seed 0 that is 209652396.
//  2. From then on only that 32-bit state is used, by sklearn's our_rand_r:
//     an xorshift32 (not the C library's rand_r), with 0 replaced by 1, whose
//     output is reduced modulo 2^31; rand_int(lo, hi) = lo + out % (hi - lo).
#pragma once

#include <cassert>
#include <cstdint>
#include <random>

namespace sluice::ml::tree_internal {

inline uint32_t SplitterSeed(uint32_t random_state) {
  std::mt19937 mt(random_state);  // init_genrand(seed), numpy's integer seeding
  constexpr uint32_t kRandRMax = 0x7FFFFFFF;
  uint32_t v;
  do {
    v = static_cast<uint32_t>(mt()) & kRandRMax;
  } while (v > kRandRMax - 1);
  return v;
}

class XorShiftRandR {
 public:
  explicit XorShiftRandR(uint32_t state) : state_(state) {}

  uint32_t Next() {
    if (state_ == 0) state_ = 1;
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_ % 0x80000000u;
  }

  // A value in [lo, hi); hi > lo.
  int64_t RandInt(int64_t lo, int64_t hi) {
    assert(hi > lo);
    return lo + static_cast<int64_t>(Next()) % (hi - lo);
  }

  uint32_t state() const { return state_; }

 private:
  uint32_t state_;
};

}  // namespace sluice::ml::tree_internal
