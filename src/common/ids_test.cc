#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice {
namespace {

bool IsLowerHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(IdsTest, ExecutionIdsAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewExecutionId();
    ASSERT_EQ(id.size(), 22u);
    EXPECT_NE(id[0], '-');
    EXPECT_EQ(
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
        std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, RandomHexHasTwoDigitsPerByte) {
  for (int n : {0, 1, 7, 8, 9, 16}) {
    EXPECT_EQ(RandomHex(n).size(), static_cast<size_t>(2 * n));
    EXPECT_EQ(QuickRandomHex(n).size(), static_cast<size_t>(2 * n));
    EXPECT_TRUE(IsLowerHex(RandomHex(n)));
    EXPECT_TRUE(IsLowerHex(QuickRandomHex(n)));
  }
}

TEST(IdsTest, QuickRandomHexDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(QuickRandomHex(16));
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace sluice
