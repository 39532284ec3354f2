#include "server/api_json.h"

#include <gtest/gtest.h>

namespace sluice::server {
namespace {

using Json = nlohmann::json;

TEST(LayoutJsonTest, ParallelStagesShareAColumnAndParallelStepsAGroup) {
  const std::string yaml = R"(pipeline:
  identifier: p
  stages:
    - stage:
        identifier: Build
        spec:
          execution:
            steps:
              - step: {identifier: checkout}
              - parallel:
                  - step: {identifier: unit}
                  - step: {identifier: lint}
                  - stepGroup:
                      identifier: scans
                      steps:
                        - parallel:
                            - step: {identifier: trivy}
                            - step: {identifier: secrets}
    - parallel:
        - stage: {identifier: Staging}
        - stage: {identifier: Docs}
    - stage: {identifier: Prod}
)";
  Json layout = Json::parse(LayoutJson(yaml).dump());
  EXPECT_EQ(layout["stageColumns"], Json::parse(R"([["Build"], ["Staging", "Docs"], ["Prod"]])"));
  EXPECT_EQ(layout["parallelSteps"], Json::parse(R"([["Build.unit", "Build.lint", "Build.scans"],
                            ["Build.scans.trivy", "Build.scans.secrets"]])"));
}

TEST(LayoutJsonTest, YamlThatDoesNotParseGivesAnEmptyLayout) {
  Json layout = Json::parse(LayoutJson("pipeline: [unclosed").dump());
  EXPECT_TRUE(layout["stageColumns"].empty());
  EXPECT_TRUE(layout["parallelSteps"].empty());
  EXPECT_TRUE(Json::parse(LayoutJson("").dump())["stageColumns"].empty());
}

}  // namespace
}  // namespace sluice::server
