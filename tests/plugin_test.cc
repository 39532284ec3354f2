// Plugin steps on the real binary: the built-in artifact-metadata-publisher
// publishing its URLs with the execution, and a plugin image (built by
// `sluice image build`, FROM scratch with Debian's busybox-static) run by its
// own ENTRYPOINT with settings as PLUGIN_* variables, a secret among them,
// producing an output variable through $DRONE_OUTPUT.
#include <gtest/gtest.h>

#include <fstream>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

const std::string kToken = "plugin-token-4417";

std::string PluginStep(const std::string& id, const std::string& spec) {
  return "- step:\n    type: Plugin\n    name: " + id + "\n    identifier: " + id +
         "\n    spec:\n" + Indent(spec, 6);
}

std::string Logs(const TestProject& project, const nlohmann::json& execution,
                 const std::string& step) {
  return project.Sluice({"executions", "logs", execution.value("id", ""), "--step", step}).out;
}

TEST(PluginTest, ArtifactMetadataPublisherPublishesItsUrlsWithTheExecution) {
  TestProject project;
  project.WritePipeline(Pipeline(
      "publish",
      {CiStage("Upload",
               {PluginStep("Publish_ML_model_visualization",
                           "connectorRef: account.harnessImage\n"
                           "image: plugins/artifact-metadata-publisher\n"
                           "settings:\n"
                           "  file_urls:\n"
                           "    - https://mlops-bucket.s3.amazonaws.com/harness/output/"
                           "model_metrics.html\n"
                           "    - s3://mlops-bucket/run-<+pipeline.sequenceId>/model.json\n"
                           "  artifact_file: artifact.txt\n")})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  const std::string path = "Upload.Publish_ML_model_visualization";
  std::string log = Logs(project, ex, path);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << log;
  EXPECT_EQ(StatusOf(ex, path), "Success");
  EXPECT_NE(log.find("[sluice] published model_metrics.html: "
                     "https://mlops-bucket.s3.amazonaws.com/harness/output/model_metrics.html\n"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("[sluice] published model.json: s3://mlops-bucket/run-1/model.json\n"),
            std::string::npos)
      << log;

  // What `sluice executions show --json` keeps of the step's artifacts.
  RunResult show = project.Sluice({"executions", "show", ex.value("id", ""), "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  nlohmann::json shown = show.Json();
  const auto& step = FindStep(shown, path);
  EXPECT_EQ(step["details"]["artifacts"], nlohmann::json::parse(R"([
              {"type": "file", "name": "model_metrics.html",
               "url": "https://mlops-bucket.s3.amazonaws.com/harness/output/model_metrics.html"},
              {"type": "file", "name": "model.json",
               "url": "s3://mlops-bucket/run-1/model.json"}])"))
      << step.dump(2);
  RunResult text = project.Sluice({"executions", "show", ex.value("id", "")});
  EXPECT_NE(text.out.find("file model_metrics.html"), std::string::npos) << text.out;

  // The plugin's own document, in the stage workspace as `artifact_file` asked.
  bool found = false;
  for (const auto& e : fs::recursive_directory_iterator(project.state() / "work")) {
    if (e.path().filename() != "artifact.txt") continue;
    std::ifstream in(e.path());
    auto doc = nlohmann::json::parse(in);
    EXPECT_EQ(doc["kind"], "fileUpload/v1");
    EXPECT_EQ(doc["data"]["fileArtifacts"].size(), 2u);
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST(PluginTest, PublisherWithABadUrlFailsNamingTheSetting) {
  TestProject project;
  project.WritePipeline(Pipeline(
      "publish", {CiStage("Upload", {PluginStep("publish",
                                                "image: plugins/artifact-metadata-publisher:1\n"
                                                "settings:\n"
                                                "  file_urls: <+pipeline.name>/report.html\n")})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const auto& step = FindStep(ex, "Upload.publish");
  EXPECT_EQ(step["status"], "Failed") << step.dump(2);
  EXPECT_NE(step.dump().find("settings.file_urls: \\\"publish/report.html\\\" is not a URL"),
            std::string::npos)
      << step.dump(2);
}

// `sluice image build -t greeter:1`: busybox's sh runs /bin/plugin, the
// image's ENTRYPOINT.
void BuildPluginImage(const TestProject& project) {
  ASSERT_TRUE(fs::exists("/bin/busybox")) << "install Debian's busybox-static";
  fs::path context = project.scratch() / "greeter";
  fs::path bin = context / "root" / "bin";
  fs::create_directories(bin);
  fs::copy_file("/bin/busybox", bin / "busybox");
  fs::create_symlink("busybox", bin / "sh");
  std::ofstream(bin / "plugin") << "#!/bin/sh\n"
                                   "echo \"message: $PLUGIN_MESSAGE\"\n"
                                   "echo \"token: $PLUGIN_TOKEN\"\n"
                                   "echo \"targets: $PLUGIN_TARGETS\"\n"
                                   "echo \"GREETING=hello $PLUGIN_MESSAGE\" >> \"$DRONE_OUTPUT\"\n";
  fs::permissions(bin / "plugin", fs::perms::owner_all | fs::perms::group_read |
                                      fs::perms::group_exec | fs::perms::others_read |
                                      fs::perms::others_exec);
  std::ofstream(context / "Dockerfile")
      << "FROM scratch\nCOPY root/ /\nENV PATH=/bin\nENTRYPOINT [\"/bin/plugin\"]\n";
  RunResult built = project.Sluice({"image", "build", "-t", "greeter:1", context.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
}

TEST(PluginTest, PluginImageRunsItsEntrypointWithSettingsAndProducesOutputs) {
  TestProject project;
  BuildPluginImage(project);
  const RunOptions with_key = WithMasterKey();
  const RunOptions set = WithMasterKey(kToken + "\n");
  ASSERT_EQ(project.Sluice({"secret", "set", "plugin_token"}, set).exit_code, 0);
  project.WritePipeline(Pipeline(
      "plugin", {CiStage("Build", {PluginStep("greet",
                                              "image: greeter:1\n"
                                              "imagePullPolicy: Never\n"
                                              "settings:\n"
                                              "  message: world\n"
                                              "  token: <+secrets.getValue(\"plugin_token\")>\n"
                                              "  targets: [amd64, arm64]\n"),
                                   RunStep("check",
                                           "test \"<+execution.steps.greet.output.outputVariables."
                                           "GREETING>\" = \"hello world\"")})}));
  RunResult raw;
  auto ex = project.RunJson({}, with_key, &raw);
  std::string log = Logs(project, ex, "Build.greet");
  ASSERT_EQ(raw.exit_code, 0) << raw.err << log << Logs(project, ex, "Build.check");
  EXPECT_EQ(StatusOf(ex, "Build.greet"), "Success");
  EXPECT_EQ(StatusOf(ex, "Build.check"), "Success");
  EXPECT_NE(log.find("message: world\n"), std::string::npos) << log;
  EXPECT_NE(log.find("targets: amd64,arm64\n"), std::string::npos) << log;
  // The secret setting reached the plugin, and only the mask reached the log.
  EXPECT_NE(log.find("token: *"), std::string::npos) << log;
  EXPECT_EQ(log.find(kToken), std::string::npos) << log;
  EXPECT_EQ(FindStep(ex, "Build.greet")["outputs"]["GREETING"], "hello world")
      << FindStep(ex, "Build.greet").dump(2);
  EXPECT_EQ(project.StateBytes(false).find(kToken), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing
