#include "monitor/time_text.h"

#include <gtest/gtest.h>

namespace sluice::monitor {
namespace {

TEST(TimeTextTest, FormatsUtcWithWholeSeconds) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1'700'000'000'999), "2023-11-14T22:13:20Z");
}

TEST(TimeTextTest, ParsesWhatGitHostsSend) {
  EXPECT_EQ(*ParseIsoTime("2023-11-14T22:13:20Z"), 1'700'000'000'000);
  EXPECT_EQ(*ParseIsoTime("2023-11-14T22:13:20.5Z"), 1'700'000'000'500);
  EXPECT_EQ(*ParseIsoTime("2023-11-15T00:13:20+02:00"), 1'700'000'000'000);
  EXPECT_EQ(*ParseIsoTime("2023-11-14T21:13:20-01:00"), 1'700'000'000'000);
}

TEST(TimeTextTest, RefusesOtherTextNamingIt) {
  for (const char* text : {"", "2023-11-14", "2023-13-14T00:00:00Z", "2023-11-14T22:13:20",
                           "2023-11-14T22:13:20Zjunk"}) {
    auto r = ParseIsoTime(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("ISO 8601"), std::string::npos);
  }
}

}  // namespace
}  // namespace sluice::monitor
