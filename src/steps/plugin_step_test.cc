// The Plugin step: spec validation at the offending marks, the built-in
// artifact-metadata-publisher (no container), and a plugin image run by its
// own entrypoint under bubblewrap (an image built with oci::BuildImage in
// the context's local store: FROM scratch, Debian's busybox-static).
#include "steps/plugin_step.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"
#include "oci/builder.h"
#include "oci/layout.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Validate(std::string_view spec,
                                  pipeline::StageType stage_type = pipeline::StageType::kCI) {
  TestStepContext t("Plugin", spec);
  pipeline::Stage stage = t.stage();
  stage.type = stage_type;
  DiagnosticList diags;
  PluginStep().ValidateSpec(t.node(), stage, &diags);
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::string(d.severity == Severity::kError ? "error " : "warning ") +
                  d.location.ToString() + ": " + d.message);
  }
  return out;
}

TEST(PluginStepTest, ValidSpecsPass) {
  auto diags = Validate(
      "connectorRef: docker\nimage: plugins/s3:1\nsettings:\n  bucket: b\n  tags: [a, b]\n"
      "entrypoint: [/bin/drone-s3]\nimagePullPolicy: IfNotPresent\nprivileged: false\n"
      "runAsUser: '1000'\nresources: {limits: {memory: 1Gi}}\nenvVariables: {A: b}\n");
  EXPECT_TRUE(diags.empty()) << ::testing::PrintToString(diags);
  auto publisher = Validate(
      "image: plugins/artifact-metadata-publisher\nsettings:\n"
      "  file_urls: https://b.s3.amazonaws.com/<+pipeline.sequenceId>/m.html\n"
      "  artifact_file: artifact.txt\n");
  EXPECT_TRUE(publisher.empty()) << ::testing::PrintToString(publisher);
}

TEST(PluginStepTest, ErrorsPointAtTheField) {
  auto diags = Validate("settings: [a]\nentrypoint: run.sh\nimagePullPolicy: Sometimes\nwith: 1\n");
  ASSERT_EQ(diags.size(), 5u) << ::testing::PrintToString(diags);
  EXPECT_EQ(diags[0],
            "warning pipeline.yaml:4:1: unknown key \"with\" in Plugin step spec (ignored)");
  EXPECT_EQ(diags[1],
            "error pipeline.yaml:1:1: Plugin step spec is missing required field \"image\"");
  EXPECT_NE(diags[2].find("error pipeline.yaml:1:11: "), std::string::npos) << diags[2];
  EXPECT_NE(diags[3].find("error pipeline.yaml:2:13: "), std::string::npos) << diags[3];
  EXPECT_NE(diags[4].find("error pipeline.yaml:3:18: "), std::string::npos) << diags[4];
}

TEST(PluginStepTest, OnlyInCiStages) {
  auto diags = Validate("image: plugins/s3\n", pipeline::StageType::kCustom);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0],
            "error pipeline.yaml:1:1: Plugin steps run in CI stages, not in stage \"stage\"");
}

TEST(PluginStepTest, PublisherUrlsAreCheckedBeforeTheRun) {
  auto missing = Validate("image: plugins/artifact-metadata-publisher:latest\nsettings: {}\n");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0],
            "error pipeline.yaml:2:11: plugins/artifact-metadata-publisher needs "
            "settings.file_urls: the URLs of the files to publish");
  auto bad = Validate(
      "image: docker.io/plugins/artifact-metadata-publisher\nsettings:\n  file_urls:\n"
      "    - https://ok/a.html\n    - model.html\n");
  ASSERT_EQ(bad.size(), 1u) << ::testing::PrintToString(bad);
  EXPECT_EQ(bad[0],
            "error pipeline.yaml:5:7: settings.file_urls: \"model.html\" is not a URL sluice can "
            "publish; give http://, https://, file:// or s3:// URLs, separated by commas or as a "
            "YAML list");
}

class PluginStepRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("plugin-step-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    fs::create_directories(workspace());
  }
  fs::path workspace() const { return dir_->path() / "ws"; }
  fs::path state() const { return dir_->path() / "state"; }

  std::unique_ptr<TestStepContext> Context(std::string_view spec,
                                           nlohmann::json secrets = nlohmann::json::object()) {
    return std::make_unique<TestStepContext>("Plugin", spec, std::move(secrets), workspace(),
                                             state());
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(PluginStepRunTest, PublisherPublishesOneUrl) {
  auto t = Context(
      "image: plugins/artifact-metadata-publisher\nsettings:\n"
      "  file_urls: https://bucket.s3.amazonaws.com/harness/output/model_metrics.html\n");
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message;
  ASSERT_EQ(outcome.artifacts.size(), 1u);
  EXPECT_EQ(outcome.artifacts[0].name, "model_metrics.html");
  EXPECT_EQ(outcome.artifacts[0].url,
            "https://bucket.s3.amazonaws.com/harness/output/model_metrics.html");
  EXPECT_EQ(outcome.artifacts[0].size, -1);
  EXPECT_EQ(outcome.details["artifacts"],
            nlohmann::json::parse(R"([{"type":"file","name":"model_metrics.html",
                "url":"https://bucket.s3.amazonaws.com/harness/output/model_metrics.html"}])"));
  EXPECT_EQ(t->log.Stdout(),
            std::vector<std::string>{"[sluice] published model_metrics.html: "
                                     "https://bucket.s3.amazonaws.com/harness/output/"
                                     "model_metrics.html"});
  // The plugin's document at the runner's per-step path.
  auto doc = ReadFile(workspace() / "scratch" / "artifact");
  ASSERT_TRUE(doc.ok());
  EXPECT_NE(doc->find("\"fileUpload/v1\""), std::string::npos);
}

TEST_F(PluginStepRunTest, PublisherPublishesSeveralCommaSeparatedUrls) {
  auto t = Context(
      "image: plugins/artifact-metadata-publisher:1.0\nsettings:\n"
      "  file_urls: 'https://h/a.html, s3://bucket/<+pipeline.name>/b.json'\n"
      "  artifact_file: out/artifact.json\n");
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  // <+pipeline.name> is unknown to this context's scope: the step errors.
  EXPECT_EQ(outcome.status, engine::NodeStatus::kErrored);
  auto plain = Context(
      "image: plugins/artifact-metadata-publisher:1.0\nsettings:\n"
      "  file_urls: 'https://h/a.html, s3://bucket/run/b.json'\n"
      "  artifact_file: out/artifact.json\n");
  outcome = PluginStep().Execute(plain->ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message;
  ASSERT_EQ(outcome.artifacts.size(), 2u);
  EXPECT_EQ(outcome.artifacts[0].name, "a.html");
  EXPECT_EQ(outcome.artifacts[1].name, "b.json");
  EXPECT_EQ(outcome.artifacts[1].url, "s3://bucket/run/b.json");
  EXPECT_EQ(plain->log.Stdout().size(), 2u);
  // `artifact_file` is relative to the workspace, as the plugin runs there.
  auto doc = ReadFile(workspace() / "out" / "artifact.json");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(nlohmann::json::parse(*doc),
            nlohmann::json::parse(R"({"kind":"fileUpload/v1","data":{"fileArtifacts":[
                {"name":"a.html","url":"https://h/a.html"},
                {"name":"b.json","url":"s3://bucket/run/b.json"}]}})"));
}

TEST_F(PluginStepRunTest, PublisherTakesAYamlListAndResolvesSecrets) {
  auto t = Context(
      "image: plugins/artifact-metadata-publisher\nsettings:\n  file_urls:\n"
      "    - https://h/report.html?token=<+secrets.getValue(\"tok\")>\n"
      "    - Model:::https://h/model.json\n",
      {{"tok", "abc123"}});
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message;
  ASSERT_EQ(outcome.artifacts.size(), 2u);
  EXPECT_EQ(outcome.artifacts[0].name, "report.html");
  EXPECT_EQ(outcome.artifacts[0].url, "https://h/report.html?token=abc123");
  EXPECT_EQ(outcome.artifacts[1].name, "Model");
  EXPECT_EQ(outcome.artifacts[1].url, "https://h/model.json");
}

TEST_F(PluginStepRunTest, PublisherFailsOnABadUrlNamingTheSetting) {
  auto t = Context(
      "image: plugins/artifact-metadata-publisher\nsettings:\n"
      "  file_urls: harness/output/model_metrics.html\n");
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_EQ(outcome.failure_message,
            "settings.file_urls: \"harness/output/model_metrics.html\" is not a URL sluice can "
            "publish; give http://, https://, file:// or s3:// URLs, separated by commas or as a "
            "YAML list");
  EXPECT_TRUE(outcome.artifacts.empty());

  auto none = Context("image: plugins/artifact-metadata-publisher\n");
  outcome = PluginStep().Execute(none->ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_message,
            "settings.file_urls is required by plugins/artifact-metadata-publisher: give the URLs "
            "of the files to publish");
}

// A plugin image in the context's local store: /bin/plugin (a shell script
// run by busybox) is its ENTRYPOINT.
Status BuildPluginImage(const fs::path& state, const std::string& tag, const std::string& script,
                        const std::string& config) {
  if (!fs::exists("/bin/busybox")) {
    return Status::NotFound("/bin/busybox is missing: install Debian's busybox-static");
  }
  SLUICE_ASSIGN_OR_RETURN(TempDir context, TempDir::Create("plugin-ctx-"));
  fs::path bin = context.path() / "root" / "bin";
  fs::create_directories(bin);
  fs::copy_file("/bin/busybox", bin / "busybox");
  for (const char* applet : {"sh", "cat", "echo", "mkdir"})
    fs::create_symlink("busybox", bin / applet);
  std::ofstream(bin / "plugin") << "#!/bin/sh\n" << script;
  fs::permissions(bin / "plugin", fs::perms::owner_all | fs::perms::group_read |
                                      fs::perms::group_exec | fs::perms::others_read |
                                      fs::perms::others_exec);
  std::ofstream(context.path() / "Dockerfile") << "FROM scratch\nCOPY root/ /\nENV PATH=/bin\n"
                                               << config;
  SLUICE_ASSIGN_OR_RETURN(oci::ImageLayout layout, oci::ImageLayout::Open(state / "images"));
  oci::BuildRequest request;
  request.dockerfile = context.path() / "Dockerfile";
  request.context = context.path();
  request.tag = tag;
  DiagnosticList diagnostics;
  auto built = oci::BuildImage(request, layout, diagnostics);
  if (!built.ok()) return Status(built.status().code(), built.status().message());
  return Status::Ok();
}

TEST_F(PluginStepRunTest, ImageEntrypointRunsWithSettingsAndWritesOutputs) {
  Status built = BuildPluginImage(
      state(), "greeter:1",
      "echo \"plugin says $PLUGIN_MESSAGE in $(pwd)\"\n"
      "echo \"tags=$PLUGIN_TAGS args=$PLUGIN_ARGS env=$FROM_STEP\"\n"
      "echo \"GREETING=hello $PLUGIN_MESSAGE\" >> \"$DRONE_OUTPUT\"\n"
      "echo \"TOKEN=$PLUGIN_TOKEN\" >> \"$HARNESS_OUTPUT_SECRET_FILE\"\n"
      "echo '{\"kind\":\"fileUpload/v1\",\"data\":{\"fileArtifacts\":"
      "[{\"name\":\"r\",\"url\":\"https://h/r.html\"}]}}' > \"$PLUGIN_ARTIFACT_FILE\"\n"
      "echo made > /harness/made-by-plugin\n"
      "exit \"$PLUGIN_EXIT\"\n",
      "ENTRYPOINT [\"/bin/plugin\"]\n");
  ASSERT_TRUE(built.ok()) << built.message();
  const std::string spec =
      "image: greeter:1\nsettings:\n  message: world\n  tags: [a, b]\n"
      "  args: {k: v}\n  token: <+secrets.getValue(\"tok\")>\n  exit: ";
  auto t = Context(spec + "0\nenvVariables:\n  FROM_STEP: yes-it-is\n", {{"tok", "tok-value"}});
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message << "\n"
                                                          << t->log.All();
  std::string log = t->log.All();
  EXPECT_NE(log.find("plugin says world in /harness\n"), std::string::npos) << log;
  EXPECT_NE(log.find("tags=a,b args={\"k\":\"v\"} env=yes-it-is\n"), std::string::npos) << log;
  EXPECT_EQ(outcome.outputs["GREETING"], "hello world");
  EXPECT_EQ(outcome.outputs["TOKEN"], "tok-value");
  EXPECT_EQ(outcome.secret_outputs, std::set<std::string>{"TOKEN"});
  ASSERT_EQ(outcome.artifacts.size(), 1u);
  EXPECT_EQ(outcome.artifacts[0].url, "https://h/r.html");
  EXPECT_TRUE(fs::exists(workspace() / "made-by-plugin"));

  // The exit code decides; outputs written before it still count.
  auto failing = Context(spec + "3\n", {{"tok", "tok-value"}});
  outcome = PluginStep().Execute(failing->ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_message, "plugin exited with code 3");
  EXPECT_EQ(outcome.outputs["GREETING"], "hello world");
}

TEST_F(PluginStepRunTest, SpecEntrypointReplacesTheImagesCommand) {
  Status built = BuildPluginImage(state(), "tool:1", "echo unused\n",
                                  "ENTRYPOINT [\"/bin/plugin\"]\nCMD [\"--flag\"]\n");
  ASSERT_TRUE(built.ok()) << built.message();
  auto t = Context("image: tool:1\nentrypoint: [echo, from, spec]\n");
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  ASSERT_EQ(outcome.status, engine::NodeStatus::kSuccess) << outcome.failure_message;
  EXPECT_NE(t->log.All().find("\nfrom spec\n"), std::string::npos) << t->log.All();

  auto missing = Context("image: tool:1\nentrypoint: [/usr/bin/drone-s3]\n");
  outcome = PluginStep().Execute(missing->ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_EQ(outcome.failure_message,
            "image tool:1 has no program /usr/bin/drone-s3 (its command: /usr/bin/drone-s3); set "
            "spec.entrypoint to one the image has");
}

TEST_F(PluginStepRunTest, AnImageWithoutACommandNeedsAnEntrypoint) {
  Status built = BuildPluginImage(state(), "bare:1", "true\n", "");
  ASSERT_TRUE(built.ok()) << built.message();
  auto t = Context("image: bare:1\n");
  engine::StepOutcome outcome = PluginStep().Execute(t->ctx());
  EXPECT_EQ(outcome.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(outcome.failure_message,
            "image bare:1 has no ENTRYPOINT or CMD; set spec.entrypoint to the plugin's command");
}

}  // namespace
}  // namespace sluice::steps
