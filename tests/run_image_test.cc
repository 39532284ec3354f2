// Run steps with `image:` on the real binary: the command runs in a busybox
// image from the project's local store (built by `sluice image build`), or
// pulled from a real docker-registry by imagePullPolicy, with the workspace
// at /harness, the image's Env, outputVariables and JUnit reports working,
// and the image's files private to each step.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "oci/registry_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

// `sluice image build -t busybox:1`: Debian's static busybox, /bin/sh and
// the applets the steps use as symlinks to it, ENV GREETING=from-image.
void BuildBusyboxImage(const TestProject& project) {
  ASSERT_TRUE(fs::exists("/bin/busybox")) << "install Debian's busybox-static";
  fs::path context = project.scratch() / "busybox";
  fs::path bin = context / "root" / "bin";
  fs::create_directories(bin);
  fs::copy_file("/bin/busybox", bin / "busybox");
  for (const char* applet : {"sh", "base64", "cat", "mkdir", "test", "touch", "sleep"}) {
    fs::create_symlink("busybox", bin / applet);
  }
  std::ofstream(context / "Dockerfile")
      << "FROM scratch\nCOPY root/ /\nENV GREETING=from-image PATH=/bin\n";
  RunResult built = project.Sluice({"image", "build", "-t", "busybox:1", context.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
}

std::string Logs(const TestProject& project, const nlohmann::json& execution,
                 const std::string& step) {
  return project.Sluice({"executions", "logs", execution.value("id", ""), "--step", step}).out;
}

const char* kReport =
    "cat > /harness/reports/junit.xml <<'XML'\n"
    "<testsuite name=\"image\" tests=\"1\"><testcase classname=\"t\" "
    "name=\"in_image\"/></testsuite>\n"
    "XML\n";

TEST(RunImageTest, StepsRunInsideTheImageWithTheWorkspaceAtHarness) {
  TestProject project;
  BuildBusyboxImage(project);
  const std::string image = "image: busybox:1\n";
  project.WritePipeline(Pipeline(
      "img",
      {CiStage("Test",
               {RunStep("write",
                        std::string("mkdir -p /harness/reports /usr/share/scratch\n") + kReport +
                            "echo \"$GREETING $STEP_VAR\" > /harness/greeting\n"
                            "touch /usr/share/scratch/only-here\n"
                            "cat /etc/resolv.conf\n"
                            "ACCURACY=0.93",
                        {.spec = image + "envVariables:\n  STEP_VAR: from-step\n"
                                         "outputVariables:\n  - name: ACCURACY\n"
                                         "reports:\n  type: JUnit\n  spec:\n    paths:\n"
                                         "      - /harness/reports/*.xml"}),
                RunStep("read",
                        "test ! -e /usr/share/scratch/only-here\n"
                        "test \"$(cat greeting)\" = \"from-image from-step\"\n"
                        "test \"<+execution.steps.write.output.outputVariables.ACCURACY>\" = 0.93",
                        {.spec = image})})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err << Logs(project, ex, "Test.write")
                              << Logs(project, ex, "Test.read");
  EXPECT_EQ(StatusOf(ex, "Test.write"), "Success");
  EXPECT_EQ(StatusOf(ex, "Test.read"), "Success");
  // The host's name resolution, as on the host network.
  std::ifstream resolv("/etc/resolv.conf");
  std::string host_resolv((std::istreambuf_iterator<char>(resolv)),
                          std::istreambuf_iterator<char>());
  std::string first_line = host_resolv.substr(0, host_resolv.find('\n'));
  EXPECT_NE(Logs(project, ex, "Test.write").find("\n" + first_line + "\n"), std::string::npos)
      << first_line;
  const auto& write = FindStep(ex, "Test.write");
  EXPECT_EQ(write["details"]["tests"].value("total", -1), 1) << write.dump(2);
  std::string log = Logs(project, ex, "Test.write");
  EXPECT_NE(log.find("[sluice] image busybox:1 (sha256:"), std::string::npos) << log;
  // The unpacked image is cached in the state directory and kept clean.
  bool cached = false;
  for (const auto& e : fs::directory_iterator(project.state() / "rootfs")) {
    cached = cached || fs::exists(e.path() / "rootfs" / "bin" / "busybox");
    EXPECT_FALSE(fs::exists(e.path() / "rootfs" / "usr" / "share" / "scratch"));
  }
  EXPECT_TRUE(cached);
}

TEST(RunImageTest, AShellTheImageLacksFailsTheStep) {
  TestProject project;
  BuildBusyboxImage(project);
  std::string bash = RunStep("bash", "echo hi", {.spec = "image: busybox:1\n"});
  bash.replace(bash.find("shell: Sh"), 9, "shell: Bash");
  project.WritePipeline(Pipeline("img", {CiStage("Test", {bash})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  EXPECT_NE(
      FindStep(ex, "Test.bash")
          .dump()
          .find("image busybox:1 has no /bin/bash, which shell: Bash needs; use shell: Sh or an "
                "image that has bash"),
      std::string::npos)
      << FindStep(ex, "Test.bash").dump(2);
}

TEST(RunImageTest, MissingImageNamesTheStore) {
  TestProject project;
  project.WritePipeline(Pipeline(
      "img", {CiStage("Test", {RunStep("absent", "echo hi", {.spec = "image: absent:2\n"})})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  EXPECT_NE(
      FindStep(ex, "Test.absent").dump().find("image absent:2 is not in the local image store"),
      std::string::npos)
      << FindStep(ex, "Test.absent").dump(2);
  // A failure, not an error: failure strategies (AllErrors, ConfigurationFailure) apply.
  EXPECT_EQ(FindStep(ex, "Test.absent")["status"], "Failed");
  EXPECT_EQ(FindStep(ex, "Test.absent")["failureType"], "ConfigurationFailure");
}

TEST(RunImageTest, RegistryImagesArePulledByPolicy) {
  TestProject project;
  BuildBusyboxImage(project);
  auto registry = oci::testing::TestRegistry::Start();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  std::string remote = (*registry)->host() + "/tools/busybox:1";
  RunResult push = project.Sluice({"image", "push", "busybox:1", remote});
  ASSERT_EQ(push.exit_code, 0) << push.err;

  auto step = [&](const std::string& id, const std::string& policy) {
    return RunStep(id, "test \"$GREETING\" = from-image",
                   {.spec = "image: " + remote + "\nimagePullPolicy: " + policy + "\n"});
  };
  project.WritePipeline(Pipeline("never", {CiStage("Test", {step("never", "Never")})}));
  RunResult raw;
  auto never = project.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  EXPECT_NE(FindStep(never, "Test.never").dump().find("imagePullPolicy is Never"),
            std::string::npos)
      << FindStep(never, "Test.never").dump(2);

  project.WritePipeline(Pipeline(
      "pull", {CiStage("Test", {step("first", "IfNotPresent"), step("again", "IfNotPresent"),
                                step("always", "Always")})}));
  auto pulled = project.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_NE(Logs(project, pulled, "Test.first").find("pulled from " + (*registry)->host()),
            std::string::npos);
  EXPECT_NE(Logs(project, pulled, "Test.again").find("not pulled (imagePullPolicy: IfNotPresent)"),
            std::string::npos);
  EXPECT_NE(Logs(project, pulled, "Test.always").find("pulled from"), std::string::npos);

  // Through a DockerRegistry connector the image names only the repository.
  project.Write(".harness/connectors/reg.yaml",
                "connector:\n  identifier: reg\n  name: reg\n  type: DockerRegistry\n  spec:\n"
                "    dockerRegistryUrl: http://" +
                    (*registry)->host() +
                    "/v2/\n"
                    "    auth:\n      type: Anonymous\n");
  project.WritePipeline(Pipeline(
      "conn", {CiStage("Test", {RunStep("viaconnector", "test \"$GREETING\" = from-image",
                                        {.spec = "image: tools/busybox:1\nconnectorRef: reg\n"
                                                 "imagePullPolicy: Always\n"})})}));
  auto connected = project.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err << Logs(project, connected, "Test.viaconnector");
  EXPECT_NE(
      Logs(project, connected, "Test.viaconnector").find("pulled from " + (*registry)->host()),
      std::string::npos);
}

TEST(RunImageTest, TimeoutEndsTheSandboxAndUnmountsTheImage) {
  TestProject project;
  BuildBusyboxImage(project);
  std::string marker = UniqueSleepArg();
  project.WritePipeline(Pipeline(
      "slow",
      {CiStage("Test", {RunStep("slow", "sleep " + marker + " & sleep " + marker,
                                {.fields = "timeout: 1s", .spec = "image: busybox:1\n"})})}));
  RunResult raw;
  auto ex = project.RunJson({}, {}, &raw);
  EXPECT_EQ(StatusOf(ex, "Test.slow"), "Expired") << raw.err;
  auto left = ReapMarker(marker);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) were left running";
  // The overlay over the cached root (its lowerdir) is gone.
  std::ifstream mounts("/proc/mounts");
  std::string table((std::istreambuf_iterator<char>(mounts)), std::istreambuf_iterator<char>());
  EXPECT_EQ(table.find((project.state() / "rootfs").string()), std::string::npos) << table;
}

}  // namespace
}  // namespace sluice::testing
