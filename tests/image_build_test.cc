// `sluice image build` on the real binary: the digest on stdout, the image in
// the project's store, Dockerfile errors with their line and caret, and a
// build pushed to a real docker-registry on 127.0.0.1.
#include <gtest/gtest.h>

#include <fstream>

#include "oci/registry_test_util.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

fs::path WriteContext(const TestProject& project, const std::string& dockerfile) {
  fs::path context = project.scratch() / "ctx";
  fs::create_directories(context / "model");
  std::ofstream(context / "model" / "weights.bin") << "weights";
  std::ofstream(context / "Dockerfile") << dockerfile;
  return context;
}

TEST(ImageBuildTest, BuildPrintsTheDigestAndPushes) {
  TestProject project;
  fs::path context = WriteContext(project,
                                  "FROM scratch\nARG DIR=/opt\nCOPY model $DIR/\n"
                                  "ENTRYPOINT [\"/opt/serve\"]\n");
  RunResult built = project.Sluice(
      {"image", "build", "-t", "model:1", "--build-arg", "DIR=/srv", context.string()},
      {.env = {{"SOURCE_DATE_EPOCH", "86400"}}});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  ASSERT_EQ(built.out.rfind("sha256:", 0), 0u) << built.out;
  std::string digest = built.out.substr(0, built.out.find('\n'));

  RunResult again = project.Sluice({"image", "build", "-t", "model:2", "--build-arg", "DIR=/srv",
                                    "-f", (context / "Dockerfile").string(), context.string()},
                                   {.env = {{"SOURCE_DATE_EPOCH", "86400"}}});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, built.out);  // reproducible
  EXPECT_NE(built.err.find("STEP 3/4: COPY model /srv/\n"), std::string::npos) << built.err;
  EXPECT_NE(again.err.find("STEP 3/4: COPY model /srv/ (cached)\n"), std::string::npos)
      << again.err;
  RunResult uncached = project.Sluice({"image", "build", "--no-cache", "-t", "model:3",
                                       "--build-arg", "DIR=/srv", context.string()},
                                      {.env = {{"SOURCE_DATE_EPOCH", "86400"}}});
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_EQ(uncached.err.find("(cached)"), std::string::npos) << uncached.err;
  EXPECT_EQ(uncached.out, built.out);

  RunResult inspect = project.Sluice({"image", "inspect", "model:1"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.Json()["digest"], digest);
  EXPECT_EQ(inspect.Json()["config"]["created"], "1970-01-02T00:00:00Z");

  auto registry = oci::testing::TestRegistry::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  std::string remote = (*registry)->host() + "/ml/model:1";
  RunResult push = project.Sluice({"image", "push", "model:1", remote});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_NE(push.out.find(digest), std::string::npos) << push.out;
}

TEST(ImageBuildTest, RunOutputIsPrintedAndAFailingRunNamesItsLine) {
  if (!fs::exists("/bin/busybox")) GTEST_FAIL() << "install busybox-static for /bin/busybox";
  TestProject project;
  fs::path context = WriteContext(project,
                                  "FROM scratch\nCOPY busybox /bin/busybox\n"
                                  "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
                                  "RUN echo built-in-the-image > /out && cat /out\n");
  fs::copy_file("/bin/busybox", context / "busybox");
  RunResult built = project.Sluice({"image", "build", "-t", "run:1", context.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.err.find("STEP 4/4: RUN /bin/sh -c echo built-in-the-image > /out && cat "
                           "/out\nbuilt-in-the-image\n"),
            std::string::npos)
      << built.err;

  std::ofstream(context / "Dockerfile", std::ios::app) << "RUN false\n";
  RunResult failed = project.Sluice({"image", "build", "-t", "run:2", context.string()});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("Dockerfile:5:1: error: RUN at Dockerfile:5 failed with exit code 1: "
                            "/bin/sh -c false"),
            std::string::npos)
      << failed.err;
}

TEST(ImageBuildTest, DockerfileErrorsPointAtTheLine) {
  TestProject project;
  fs::path context = WriteContext(project, "FROM scratch\nCOPY model /m/\nRUN make\n");
  RunResult built = project.Sluice({"image", "build", "-t", "x", context.string()});
  EXPECT_EQ(built.exit_code, 1);
  EXPECT_NE(built.err.find("Dockerfile:3:1: error: RUN: the image has no /bin/sh; use the exec "
                           "form or a base image with a shell"),
            std::string::npos)
      << built.err;
  EXPECT_NE(built.err.find("RUN make\n^"), std::string::npos) << built.err;
  EXPECT_EQ(built.out, "");
}

}  // namespace
}  // namespace sluice::testing
