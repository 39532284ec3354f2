#include "steps/build_and_push_step.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"
#include "oci/layout.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

constexpr std::string_view kAws = R"(
connector:
  identifier: aws
  name: aws
  type: Aws
  spec:
    credential: {type: InheritFromDelegate}
)";

std::vector<std::string> Validate(BuildAndPushStep::Target target, std::string_view spec,
                                  pipeline::StageType stage_type = pipeline::StageType::kCI) {
  TestStepContext t(
      target == BuildAndPushStep::Target::kEcr ? "BuildAndPushECR" : "BuildAndPushDockerRegistry",
      spec);
  pipeline::Stage stage = t.stage();
  stage.type = stage_type;
  DiagnosticList diags;
  BuildAndPushStep(target).ValidateSpec(t.node(), stage, &diags);
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::string(d.severity == Severity::kError ? "error " : "warning ") +
                  d.location.ToString() + ": " + d.message);
  }
  return out;
}

TEST(BuildAndPushStepTest, EcrRequiresHarnessFieldsAtTheirMarks) {
  auto diags = Validate(BuildAndPushStep::Target::kEcr, "connectorRef: aws\nregion: us-east-1\n");
  ASSERT_EQ(diags.size(), 3u) << ::testing::PrintToString(diags);
  EXPECT_EQ(diags[0],
            "error pipeline.yaml:1:1: BuildAndPushECR step spec is missing required field "
            "\"account\"");
  EXPECT_NE(diags[1].find("\"imageName\""), std::string::npos);
  EXPECT_NE(diags[2].find("\"tags\""), std::string::npos);
}

TEST(BuildAndPushStepTest, DockerRegistryAcceptsExpressionsAndWarnsAboutUnknownFields) {
  auto ok = Validate(BuildAndPushStep::Target::kDockerRegistry,
                     "connectorRef: <+input>\nrepo: team/app\ntags: <+pipeline.variables.tags>\n"
                     "optimize: true\nbuildArgs: {A: '1'}\n");
  EXPECT_TRUE(ok.empty()) << ::testing::PrintToString(ok);
  auto diags = Validate(BuildAndPushStep::Target::kDockerRegistry,
                        "connectorRef: r\nrepo: team/app\ntags: []\nlabels: [a]\nsurprise: 1\n");
  ASSERT_EQ(diags.size(), 3u) << ::testing::PrintToString(diags);
  EXPECT_EQ(diags[0],
            "warning pipeline.yaml:5:1: BuildAndPushDockerRegistry step spec has "
            "unknown field \"surprise\" (ignored)");
  EXPECT_EQ(diags[1], "error pipeline.yaml:3:7: tags must name at least one tag");
  EXPECT_EQ(diags[2],
            "error pipeline.yaml:4:9: BuildAndPushDockerRegistry step spec.labels "
            "must be a map of names to values");
}

TEST(BuildAndPushStepTest, OnlyInCiStages) {
  auto diags = Validate(BuildAndPushStep::Target::kDockerRegistry,
                        "connectorRef: r\nrepo: a\ntags: [x]\n", pipeline::StageType::kCustom);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].find("run in CI stages"), std::string::npos);
}

class BuildAndPushExecuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    std::filesystem::create_directories(workspace() / "app");
    std::ofstream(workspace() / "app" / "model.txt") << "weights";
  }
  std::filesystem::path workspace() const { return dir_->path() / "ws"; }
  std::filesystem::path state() const { return dir_->path() / ".sluice"; }
  void WriteDockerfile(const std::string& name, const std::string& text) const {
    std::ofstream(workspace() / name) << text;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(BuildAndPushExecuteTest, EcrWithoutEndpointTagsEveryTagInTheLocalStore) {
  WriteDockerfile("Dockerfile_Model",
                  "FROM scratch\nARG WHO\nLABEL who=$WHO\nCOPY app/model.txt /model.txt\n");
  TestStepContext t("BuildAndPushECR",
                    "connectorRef: account.aws\naccount: '123456789012'\nregion: us-east-1\n"
                    "imageName: ml/model\ntags: [v1, latest]\ndockerfile: Dockerfile_Model\n"
                    "buildArgs: {WHO: ci}\nlabels: {team: ml}\ncaching: true\n",
                    {}, workspace(), state());
  t.AddConnector(kAws);
  engine::StepOutcome outcome = BuildAndPushStep(BuildAndPushStep::Target::kEcr).Execute(t.ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message << t.log.All();
  const std::string image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/model";
  EXPECT_EQ(outcome.output["image"], image + ":v1");
  EXPECT_EQ(outcome.output["tags"], nlohmann::json({"v1", "latest"}));
  const std::string digest = outcome.output["digest"];
  ASSERT_EQ(outcome.details["artifacts"].size(), 2u);
  EXPECT_EQ(outcome.details["artifacts"][1]["name"], image + ":latest");
  EXPECT_EQ(outcome.details["artifacts"][1]["digest"], digest);
  EXPECT_NE(t.log.All().find("warning: spec.caching is ignored"), std::string::npos) << t.log.All();

  auto store = oci::ImageLayout::Open(state() / "images");
  ASSERT_TRUE(store.ok());
  for (const std::string& tag : {image + ":v1", image + ":latest"}) {
    auto desc = store->Resolve(tag);
    ASSERT_TRUE(desc.ok()) << desc.status().message();
    EXPECT_EQ(desc->digest.str(), digest);
  }
  auto manifest = store->ReadManifest(store->Resolve(image + ":v1")->digest);
  ASSERT_TRUE(manifest.ok());
  auto config = store->ReadConfig(*manifest);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->created, "1970-01-01T00:00:00Z");  // no SOURCE_DATE_EPOCH: 0
  EXPECT_EQ(config->config.labels["who"], "ci");
  EXPECT_EQ(config->config.labels["team"], "ml");
}

TEST_F(BuildAndPushExecuteTest, DockerfileErrorsFailWithFileAndLine) {
  WriteDockerfile("Dockerfile", "FROM scratch\nCOPY missing.txt /x\n");
  TestStepContext t("BuildAndPushECR",
                    "connectorRef: aws\naccount: '1'\nregion: us-east-1\nimageName: x\n"
                    "tags: [a]\n",
                    {}, workspace(), state());
  t.AddConnector(kAws);
  engine::StepOutcome outcome = BuildAndPushStep(BuildAndPushStep::Target::kEcr).Execute(t.ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_NE(outcome.failure_message.find((workspace() / "Dockerfile").string() + ":2:"),
            std::string::npos)
      << outcome.failure_message;
  EXPECT_NE(t.log.All().find("COPY missing.txt /x"), std::string::npos) << t.log.All();
}

TEST_F(BuildAndPushExecuteTest, UnknownConnectorAndEmptyTagsAreConfigurationFailures) {
  TestStepContext t("BuildAndPushDockerRegistry", "connectorRef: nope\nrepo: a\ntags: [x]\n", {},
                    workspace(), state());
  engine::StepOutcome outcome =
      BuildAndPushStep(BuildAndPushStep::Target::kDockerRegistry).Execute(t.ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_NE(outcome.failure_message.find("connector \"nope\" is not defined"), std::string::npos);

  TestStepContext empty("BuildAndPushECR",
                        "connectorRef: aws\naccount: '1'\nregion: r\nimageName: x\ntags: ' , '\n",
                        {}, workspace(), state());
  empty.AddConnector(kAws);
  outcome = BuildAndPushStep(BuildAndPushStep::Target::kEcr).Execute(empty.ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_NE(outcome.failure_message.find("resolved to no tag"), std::string::npos);
}

}  // namespace
}  // namespace sluice::steps
