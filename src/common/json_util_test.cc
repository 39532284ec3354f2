#include "common/json_util.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(JsonUtilTest, MapStringsReachesEveryStringButNotKeys) {
  nlohmann::json in = {{"a", "x"}, {"b", {1, "y", {{"c", "z"}}}}, {"d", true}};
  nlohmann::json out = MapStrings(in, [](const std::string& s) { return s + "!"; });
  EXPECT_EQ(out, (nlohmann::json{{"a", "x!"}, {"b", {1, "y!", {{"c", "z!"}}}}, {"d", true}}));
}

}  // namespace
}  // namespace sluice
