// The credit-card example's images, built as the demo builds them, by the
// real `sluice image build` from a copy of the example, read back with umoci
// and run with bubblewrap (the root of the image as the whole filesystem):
//  - the static ccapproval trains and tests in a root holding nothing else;
//  - Dockerfile_Inference_Lambda (FROM scratch) holds only the program and
//    the model; its entrypoint is the Lambda handler, and `ccapproval
//    predict` in it scores an application;
//  - the busybox base (images/busybox/build, RUN included) and
//    Dockerfile_Training_Testing on it run the model tests in the image's sh.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "oci/test_tools.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using oci::testing::RunRequiredTool;
using oci::testing::ToolRun;

const fs::path kStaticCcapproval = CCAPPROVAL_STATIC;

// One application, as the inference image reads it on stdin.
constexpr char kApplication[] =
    R"({"Num_Children":1,"Group":1,"Income":90999,"Own_Car":0,"Own_Housing":0})";

// Runs `command` (a shell command line, so it can redirect) and returns its
// output; the test fails when sh cannot be started.
ToolRun Shell(const std::string& command) {
  auto run = RunRequiredTool({"sh", "-c", command}, "dash");
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  return run.ok() ? *run : ToolRun{};
}

// `argv` inside `root` as its whole filesystem (plus /proc and /dev), as a
// container runtime would run it; `stdin_file` (may be empty) on stdin.
ToolRun InRoot(const fs::path& root, const std::string& dir, const std::string& argv,
               const fs::path& stdin_file = {}) {
  if (std::string missing = oci::testing::MissingTool("bwrap", "bubblewrap"); !missing.empty()) {
    ADD_FAILURE() << missing;
    return {};
  }
  std::string command = "bwrap --bind '" + root.string() +
                        "' / --proc /proc --dev /dev --unshare-all --chdir " + dir + " " + argv;
  if (!stdin_file.empty()) command += " < '" + stdin_file.string() + "'";
  return Shell(command);
}

// Every path under `root`, relative, '/'-separated.
std::set<std::string> Tree(const fs::path& root) {
  std::set<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    paths.insert(entry.path().lexically_relative(root).generic_string());
  }
  return paths;
}

// A copy of the example as a pipeline's workspace has it, with the static
// ccapproval staged into bin/ (images/stage-ccapproval).
fs::path StagedWorkspace(const TestProject& project) {
  fs::path workspace = project.scratch() / "credit-card";
  fs::copy(SourceDir() / "examples/credit-card", workspace, fs::copy_options::recursive);
  fs::remove_all(workspace / "bin");
  ToolRun staged = Shell("cd '" + workspace.string() + "' && PATH='" +
                         kStaticCcapproval.parent_path().string() +
                         "':\"$PATH\" images/stage-ccapproval");
  EXPECT_EQ(staged.exit_code, 0) << staged.output;
  return workspace;
}

// Builds `dockerfile` of `workspace` as `tag` with sluice, then unpacks it
// from the project's store with umoci (an independent reader); returns the
// bundle (rootfs/ and config.json).
fs::path BuildAndUnpack(const TestProject& project, const fs::path& workspace,
                        const std::string& dockerfile, const std::string& tag) {
  RunResult built = project.Sluice(
      {"image", "build", "-f", (workspace / dockerfile).string(), "-t", tag, workspace.string()});
  EXPECT_EQ(built.exit_code, 0) << built.err;
  fs::path bundle = project.scratch() / "bundle";
  auto unpacked = RunRequiredTool(
      {"umoci", "unpack", "--image", (project.state() / "images").string() + ":" + tag,
       bundle.string()},
      "umoci");
  EXPECT_TRUE(unpacked.ok()) << unpacked.status().ToString();
  if (unpacked.ok()) {
    EXPECT_EQ(unpacked->exit_code, 0) << unpacked->output;
  }
  return bundle;
}

TEST(ExampleImagesTest, StaticCcapprovalTrainsAndTestsInAnEmptyRoot) {
  TestProject project;
  fs::path root = project.scratch() / "root";
  fs::create_directories(root / "work");
  fs::copy_file(kStaticCcapproval, root / "ccapproval");
  fs::copy_file(SourceDir() / "examples/credit-card/config.yml", root / "work/config.yml");

  ToolRun generate =
      InRoot(root, "/work", "/ccapproval generate --seed 54 --rows 4000 --out output/data.csv");
  ASSERT_EQ(generate.exit_code, 0) << generate.output;
  ToolRun train = InRoot(root, "/work", "/ccapproval train --config config.yml");
  ASSERT_EQ(train.exit_code, 0) << train.output;
  ToolRun test = InRoot(root, "/work",
                        "/ccapproval test --metrics output/model_metrics.json --output-dir output "
                        "--junit output/report.xml --min-accuracy 0 --max-fairness-gap 100");
  ASSERT_EQ(test.exit_code, 0) << test.output;
  EXPECT_TRUE(fs::exists(root / "work/output/model_metrics.html"));
}

TEST(ExampleImagesTest, InferenceImageRunsTheHandlerAndPredictsWhenAsked) {
  TestProject project;
  // The pipeline's workspace after training: the example, the data set and
  // the model in output/, the static ccapproval staged into bin/.
  fs::path workspace = StagedWorkspace(project);
  ToolRun trained = Shell("cd '" + workspace.string() + "' && bin/ccapproval generate --rows 4000 " +
                          "--out output/data.csv && bin/ccapproval train --config config.yml");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;

  fs::path bundle =
      BuildAndUnpack(project, workspace, "Dockerfile_Inference_Lambda", "ccapproval-deploy:1");
  fs::path rootfs = bundle / "rootfs";
  // .dockerignore kept the sources and the data set out; FROM scratch: no shell.
  EXPECT_EQ(Tree(rootfs), (std::set<std::string>{"ccapproval", "model", "model/model.json"}));
  EXPECT_EQ(fs::file_size(rootfs / "ccapproval"), fs::file_size(kStaticCcapproval));

  std::ifstream config_file(bundle / "config.json");
  nlohmann::json config = nlohmann::json::parse(config_file, nullptr, false);
  ASSERT_FALSE(config.is_discarded());
  EXPECT_EQ(config["process"]["args"],
            nlohmann::json({"/ccapproval", "handler", "--model", "/model/model.json"}));
  EXPECT_EQ(config["process"]["user"]["uid"], 1000);

  // The entrypoint is a function: outside a function runtime (no
  // AWS_LAMBDA_RUNTIME_API) it says so and points at predict.
  std::string entrypoint;
  for (const auto& arg : config["process"]["args"]) entrypoint += arg.get<std::string>() + " ";
  ToolRun handler = InRoot(rootfs, "/", "--unsetenv AWS_LAMBDA_RUNTIME_API " + entrypoint + "2>&1");
  EXPECT_EQ(handler.exit_code, 1) << handler.output;
  EXPECT_NE(handler.output.find("AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos)
      << handler.output;

  // `ccapproval predict`, run explicitly in the image's root: one
  // application in, one prediction out.
  fs::path input = project.scratch() / "application.jsonl";
  std::ofstream(input) << kApplication << "\n";
  ToolRun predicted =
      InRoot(rootfs, "/", "/ccapproval predict --model /model/model.json 2>/dev/null", input);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.output;
  nlohmann::json prediction = nlohmann::json::parse(predicted.output, nullptr, false);
  ASSERT_TRUE(prediction.is_object()) << predicted.output;
  EXPECT_TRUE(prediction["prediction"] == 0 || prediction["prediction"] == 1) << predicted.output;
  EXPECT_GE(prediction["probability"].get<double>(), 0.0);
  EXPECT_LE(prediction["probability"].get<double>(), 1.0);
}

TEST(ExampleImagesTest, TrainingImageRunsTheModelTestsInItsShell) {
  TestProject project;
  // The base image, as run-demo builds it before the pipeline.
  ToolRun base = Shell("'" + (SourceDir() / "examples/credit-card/images/busybox/build").string() +
                       "' '" + SluiceBinary().string() + "' '" + project.root().string() + "'");
  ASSERT_EQ(base.exit_code, 0) << base.output;

  fs::path workspace = StagedWorkspace(project);
  fs::path bundle = BuildAndUnpack(project, workspace, "Dockerfile_Training_Testing", "ccapproval:1");
  fs::path rootfs = bundle / "rootfs";
  EXPECT_EQ(fs::read_symlink(rootfs / "bin/sh"), "/bin/busybox");
  EXPECT_EQ(fs::status(rootfs / "tmp").permissions(), fs::perms::all | fs::perms::sticky_bit);
  auto passwd = ReadFile(rootfs / "etc/passwd");
  ASSERT_TRUE(passwd.ok());
  EXPECT_NE(passwd->find("model:x:1000:1000:"), std::string::npos) << *passwd;
  struct stat home {};
  ASSERT_EQ(::stat((rootfs / "home/model").c_str(), &home), 0);
  EXPECT_TRUE(S_ISDIR(home.st_mode));
  EXPECT_EQ(home.st_uid, 1000u);

  // What the pipeline's test step does, in the image's shell, from its
  // WORKDIR with its config.yml.
  std::ifstream config_file(bundle / "config.json");
  nlohmann::json config = nlohmann::json::parse(config_file, nullptr, false);
  ASSERT_FALSE(config.is_discarded());
  std::string workdir = config["process"]["cwd"];
  EXPECT_EQ(workdir, "/opt/ccapproval");
  ToolRun tested = InRoot(rootfs, workdir,
                          "/bin/sh -c 'ccapproval generate --rows 4000 --out output/data.csv && "
                          "ccapproval train --config config.yml && ccapproval test --metrics "
                          "output/model_metrics.json --output-dir output --junit "
                          "output/report.xml --min-accuracy 0 --max-fairness-gap 100'");
  ASSERT_EQ(tested.exit_code, 0) << tested.output;
  EXPECT_TRUE(fs::exists(rootfs / "opt/ccapproval/output/report.xml"));
}

}  // namespace
}  // namespace sluice::testing
