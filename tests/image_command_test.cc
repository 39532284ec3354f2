// `sluice image ls | inspect | push | pull` on the real binary, against a real
// docker-registry on 127.0.0.1; skopeo checks what was pushed.
#include <gtest/gtest.h>

#include <fstream>

#include "oci/layout.h"
#include "oci/registry_test_util.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

using oci::testing::RegistryAuth;
using oci::testing::RunRequiredTool;
using oci::testing::TestRegistry;

// Writes a one-layer image tagged `tag` into the project's image store.
oci::Descriptor WriteImage(const TestProject& project, const std::string& tag) {
  std::filesystem::path tree = project.scratch() / "tree";
  std::filesystem::create_directories(tree / "opt");
  std::ofstream(tree / "opt" / "model.bin") << "a model";
  auto layer = oci::BuildLayer(tree, oci::LayerOptions{});
  EXPECT_TRUE(layer.ok()) << layer.status().ToString();
  auto layout = oci::ImageLayout::Open(project.state() / "images");
  EXPECT_TRUE(layout.ok()) << layout.status().ToString();
  oci::ImageConfig config;
  config.created = oci::Rfc3339Utc(86400);
  auto written = layout->WriteImage({*layer}, config, tag);
  EXPECT_TRUE(written.ok()) << written.status().ToString();
  return written.ok() ? *written : oci::Descriptor{};
}

std::unique_ptr<TestRegistry> StartRegistry(const RegistryAuth& auth = {}) {
  auto registry = TestRegistry::Start(auth);
  EXPECT_TRUE(registry.ok()) << registry.status().ToString();
  return registry.ok() ? std::move(registry).value() : nullptr;
}

TEST(ImageCommandTest, PushLsPullInspectRoundTrip) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  TestProject project;
  oci::Descriptor image = WriteImage(project, "train:1");
  std::string remote = registry->host() + "/ml/train:1";

  RunResult ls = project.Sluice({"image", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find("REF"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("train:1"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find(image.digest.str()), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("1970-01-02T00:00:00Z"), std::string::npos) << ls.out;

  RunResult push = project.Sluice({"image", "push", "train:1", remote});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_NE(push.out.find(image.digest.str()), std::string::npos) << push.out;

  auto skopeo = RunRequiredTool(
      {"skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + remote}, "skopeo");
  ASSERT_TRUE(skopeo.ok()) << skopeo.status().ToString();
  ASSERT_EQ(skopeo->exit_code, 0) << skopeo->output;
  EXPECT_EQ(oci::Sha256Of(skopeo->output), image.digest);

  TestProject other;
  RunResult pull = other.Sluice({"image", "pull", remote, "copy"});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  RunResult other_ls = other.Sluice({"image", "ls"});
  EXPECT_NE(other_ls.out.find("copy"), std::string::npos) << other_ls.out;
  EXPECT_NE(other_ls.out.find(image.digest.str()), std::string::npos) << other_ls.out;

  RunResult inspect = other.Sluice({"image", "inspect", "copy"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  nlohmann::json doc = inspect.Json();
  EXPECT_EQ(doc["digest"], image.digest.str());
  EXPECT_EQ(doc["config"]["created"], "1970-01-02T00:00:00Z");
  EXPECT_EQ(doc["manifest"]["layers"].size(), 1u);

  RunResult remote_inspect = other.Sluice({"image", "inspect", "--remote", remote});
  ASSERT_EQ(remote_inspect.exit_code, 0) << remote_inspect.err;
  EXPECT_EQ(remote_inspect.Json()["digest"], image.digest.str());
}

TEST(ImageCommandTest, UnknownImagesSayWhatToDo) {
  TestProject project;
  RunResult push = project.Sluice({"image", "push", "nope", "127.0.0.1:1/x:1"});
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_NE(push.err.find("no image tagged \"nope\""), std::string::npos) << push.err;
  EXPECT_NE(push.err.find("sluice image ls"), std::string::npos) << push.err;

  RunResult inspect = project.Sluice({"image", "inspect", "nope"});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_NE(inspect.err.find("--remote"), std::string::npos) << inspect.err;

  RunResult bad = project.Sluice({"image", "pull", "UPPER/Case"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("UPPER/Case"), std::string::npos) << bad.err;
}

TEST(ImageCommandTest, CredentialsFromFlagOrEnvironmentAreNeverPrinted) {
  TestProject project;
  std::filesystem::path htpasswd = project.scratch() / "htpasswd";
  auto made = RunRequiredTool({"htpasswd", "-Bbn", "ci", "s3cret-pw"}, "apache2-utils");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->exit_code, 0) << made->output;
  std::ofstream(htpasswd) << made->output;
  RegistryAuth auth;
  auth.htpasswd_file = htpasswd.string();
  auto registry = StartRegistry(auth);
  ASSERT_NE(registry, nullptr);
  WriteImage(project, "app:1");
  std::string remote = registry->host() + "/ml/app:1";

  RunResult anonymous = project.Sluice({"image", "push", "app:1", remote});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find(registry->host()), std::string::npos) << anonymous.err;

  RunResult with_flag =
      project.Sluice({"image", "push", "--creds", "ci:s3cret-pw", "app:1", remote});
  EXPECT_EQ(with_flag.exit_code, 0) << with_flag.err;
  EXPECT_EQ((with_flag.out + with_flag.err).find("s3cret-pw"), std::string::npos);

  RunOptions env;
  env.env["SLUICE_REGISTRY_USER"] = "ci";
  env.env["SLUICE_REGISTRY_PASSWORD"] = "wrong-pw";
  RunResult wrong = project.Sluice({"image", "pull", remote, "copy"}, env);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ((wrong.out + wrong.err).find("wrong-pw"), std::string::npos) << wrong.err;
  env.env["SLUICE_REGISTRY_PASSWORD"] = "s3cret-pw";
  RunResult right = project.Sluice({"image", "pull", remote, "copy"}, env);
  EXPECT_EQ(right.exit_code, 0) << right.err;
}

}  // namespace
}  // namespace sluice::testing
