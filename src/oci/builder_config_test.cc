#include "oci/builder_config.h"

#include <gtest/gtest.h>

namespace sluice::oci {
namespace {

TEST(BuilderConfigTest, GoDurations) {
  EXPECT_EQ(*ParseGoDuration("30s"), 30'000'000'000);
  EXPECT_EQ(*ParseGoDuration("1m30s"), 90'000'000'000);
  EXPECT_EQ(*ParseGoDuration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(*ParseGoDuration("250ms"), 250'000'000);
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  for (const char* bad : {"", "30", "s", "3x", "1m-2s"}) {
    auto parsed = ParseGoDuration(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("is not a duration"), std::string::npos);
  }
}

TEST(BuilderConfigTest, HealthcheckBecomesDockersShape) {
  Instruction in;
  in.kind = InstructionKind::kHealthcheck;
  in.healthcheck.interval = "5s";
  in.healthcheck.retries = 3;
  in.healthcheck.command = {false, {"curl -f http://localhost/"}};
  StageState state;
  ContainerConfig config;
  ASSERT_TRUE(ApplyConfigInstruction(in, state, config).ok());
  ASSERT_TRUE(config.healthcheck.has_value());
  EXPECT_EQ(config.healthcheck->test,
            (std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost/"}));
  EXPECT_EQ(config.healthcheck->interval, 5'000'000'000);
  EXPECT_EQ(config.healthcheck->retries, 3);
  in.healthcheck = {};
  in.healthcheck.none = true;
  ASSERT_TRUE(ApplyConfigInstruction(in, state, config).ok());
  EXPECT_EQ(config.healthcheck->test, (std::vector<std::string>{"NONE"}));
  in.healthcheck = {};
  in.healthcheck.timeout = "soon";
  auto bad = ApplyConfigInstruction(in, state, config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().rfind("--timeout=soon: ", 0), 0u) << bad.message();
}

}  // namespace
}  // namespace sluice::oci
