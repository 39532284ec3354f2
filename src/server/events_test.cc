#include "server/events.h"

#include <gtest/gtest.h>

namespace sluice::server {
namespace {

TEST(EventsTest, LogPositionsRoundTripThroughAnEventId) {
  std::map<std::string, int64_t> positions{{"S", 12}, {"S.step", 4711}};
  EXPECT_EQ(EncodeLogPositions(positions), "S=12;S.step=4711");
  EXPECT_EQ(DecodeLogPositions("S=12;S.step=4711"), positions);
}

TEST(EventsTest, AnIdItDoesNotUnderstandStartsFromTheBeginning) {
  EXPECT_TRUE(DecodeLogPositions("").empty());
  EXPECT_TRUE(DecodeLogPositions("garbage").empty());
  EXPECT_EQ(DecodeLogPositions("S=x;T=-1;U=3"), (std::map<std::string, int64_t>{{"U", 3}}));
}

}  // namespace
}  // namespace sluice::server
