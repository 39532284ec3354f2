// BuildAndPushDockerRegistry and BuildAndPushECR in real pipelines: the real
// `sluice` binary builds a COPY-only Dockerfile from the cloned codebase,
// pushes to a real docker-registry on 127.0.0.1 (skopeo checks what
// arrived) or keeps the image in the local store (`sluice image ls`), and a
// later step reads the digest from the step's outputs.
#include <gtest/gtest.h>

#include <fstream>

#include "oci/digest.h"
#include "oci/registry_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using oci::testing::RegistryAuth;
using oci::testing::RunRequiredTool;
using oci::testing::TestRegistry;

const std::string kPassword = "reg-Passw0rd-8841";

// A codebase with a COPY-only Dockerfile, cloned by the CI stage, and the
// pipeline running `steps` in that stage.
void WriteProject(const TestProject& p, const std::vector<std::string>& steps) {
  auto repo = p.MakeGitRepo("repo", {{"docker/Dockerfile_Model",
                                      "FROM scratch\nARG VERSION=0\nLABEL version=$VERSION\n"
                                      "COPY model/ /opt/model/\nCMD [\"/opt/model/serve\"]\n"},
                                     {"model/weights.txt", "0.93\n"}});
  p.Write(".harness/connectors/git.yaml",
          "connector:\n  identifier: git\n  name: git\n  type: Git\n  spec:\n    url: " +
              repo.string() + "\n");
  p.WritePipeline(
      Pipeline("images", {CiStage("Build", steps, {.spec = "cloneCodebase: true"})},
               "properties:\n  ci:\n    codebase:\n      connectorRef: git\n      repoName: repo\n"
               "      build: <+input>"));
}

std::string BuildStep(const std::string& id, const std::string& type, const std::string& spec) {
  return "- step:\n    type: " + type + "\n    name: " + id + "\n    identifier: " + id +
         "\n    spec:\n" +
         Indent(spec + "dockerfile: docker/Dockerfile_Model\nbuildArgs:\n  VERSION: '7'\n", 6);
}

std::unique_ptr<TestRegistry> StartRegistry(const RegistryAuth& auth = {}) {
  auto registry = TestRegistry::Start(auth);
  EXPECT_TRUE(registry.ok()) << registry.status().ToString();
  return registry.ok() ? std::move(registry).value() : nullptr;
}

// The digest skopeo computes for what the registry serves under `ref`.
std::string RemoteDigest(const std::string& ref, const std::string& creds = "") {
  std::vector<std::string> argv = {"skopeo", "inspect", "--tls-verify=false", "--raw"};
  if (!creds.empty()) argv.push_back("--creds=" + creds);
  argv.push_back("docker://" + ref);
  auto skopeo = RunRequiredTool(argv, "skopeo");
  EXPECT_TRUE(skopeo.ok()) << skopeo.status().ToString();
  if (!skopeo.ok()) return "";
  EXPECT_EQ(skopeo->exit_code, 0) << skopeo->output;
  return oci::Sha256Of(skopeo->output).str();
}

TEST(BuildAndPushTest, DockerRegistryPushesEveryTagWithBasicAuthFromASecret) {
  TestProject p;
  auto made = RunRequiredTool({"htpasswd", "-Bbn", "ci", kPassword}, "apache2-utils");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->exit_code, 0) << made->output;
  std::ofstream(p.scratch() / "htpasswd") << made->output;
  RegistryAuth auth;
  auth.htpasswd_file = (p.scratch() / "htpasswd").string();
  auto registry = StartRegistry(auth);
  ASSERT_NE(registry, nullptr);
  ASSERT_EQ(p.Sluice({"secret", "set", "docker_pw"}, WithMasterKey(kPassword + "\n")).exit_code, 0);
  p.Write(".harness/connectors/docker.yaml",
          "connector:\n  identifier: docker\n  name: docker\n  type: DockerRegistry\n  spec:\n"
          "    dockerRegistryUrl: http://" +
              registry->host() +
              "/v2/\n"
              "    auth:\n      type: UsernamePassword\n      spec:\n        username: ci\n"
              "        passwordRef: docker_pw\n");
  const std::string digest_file = (p.scratch() / "digest").string();
  WriteProject(p,
               {BuildStep("push", "BuildAndPushDockerRegistry",
                          "connectorRef: docker\nrepo: ml/model\n"
                          "tags:\n  - <+pipeline.executionId>\n  - latest\noptimize: true\n"),
                RunStep("use", "echo '<+execution.steps.push.output.digest>' > " + digest_file)});
  RunResult raw;
  RunOptions options = WithMasterKey();
  auto ex = p.RunJson({"--branch", "main"}, options, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const nlohmann::json& step = FindStep(ex, "Build.push");
  const std::string digest = step["details"]["output"]["digest"];
  const std::string id = ex["id"];
  const std::string image = registry->host() + "/ml/model";
  EXPECT_EQ(step["details"]["output"]["image"], image + ":" + id) << step.dump(2);
  EXPECT_EQ(p.ReadScratch("digest"), digest + "\n");
  ASSERT_EQ(step["details"]["artifacts"].size(), 2u) << step.dump(2);
  EXPECT_EQ(step["details"]["artifacts"][1]["name"], image + ":latest");

  const std::string creds = "ci:" + kPassword;
  EXPECT_EQ(RemoteDigest(image + ":latest", creds), digest);
  EXPECT_EQ(RemoteDigest(image + ":" + id, creds), digest);

  RunResult logs = p.Sluice({"executions", "logs", id, "--step", "Build.push"}, options);
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("pushed " + image + ":latest to " + image + ":latest@" + digest),
            std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("spec.optimize is ignored"), std::string::npos) << logs.out;
  for (const std::string& text : {raw.out, raw.err, logs.out, logs.err}) {
    EXPECT_EQ(text.find(kPassword), std::string::npos) << text;
  }
}

TEST(BuildAndPushTest, EcrWithoutEndpointKeepsTheImageInTheLocalStore) {
  TestProject p;
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
          "    credential:\n      type: InheritFromDelegate\n");
  WriteProject(p, {BuildStep("ecr", "BuildAndPushECR",
                             "connectorRef: aws\nregion: us-east-1\naccount: '123456789012'\n"
                             "imageName: ml/model\ntags: [v1]\n")});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const std::string digest = FindStep(ex, "Build.ecr")["details"]["output"]["digest"];
  RunResult ls = p.Sluice({"image", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find("123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/model:v1  " + digest),
            std::string::npos)
      << ls.out;
  RunResult inspect =
      p.Sluice({"image", "inspect", "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/model:v1"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.Json()["config"]["config"]["Labels"]["version"], "7") << inspect.out;
}

TEST(BuildAndPushTest, ParallelBuildsKeepEveryTag) {
  TestProject p;
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec: {}\n");
  std::vector<std::string> builds;
  for (const std::string name : {"one", "two", "three"}) {
    builds.push_back(BuildStep(name, "BuildAndPushECR",
                               "connectorRef: aws\nregion: us-east-1\naccount: '1'\n"
                               "imageName: ml/" +
                                   name + "\ntags: [a, b]\n"));
  }
  WriteProject(p, {Parallel(builds)});
  RunResult raw;
  p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  RunResult ls = p.Sluice({"image", "ls"});
  for (const std::string name : {"one", "two", "three"}) {
    for (const std::string tag : {"a", "b"}) {
      EXPECT_NE(ls.out.find("1.dkr.ecr.us-east-1.amazonaws.com/ml/" + name + ":" + tag + " "),
                std::string::npos)
          << ls.out;
    }
  }
}

TEST(BuildAndPushTest, EcrWithEndpointPushesToThatRegistry) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  TestProject p;
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
          "    ecrEndpoint: " +
              registry->host() +
              "\n"
              "    credential:\n      type: InheritFromDelegate\n");
  WriteProject(p, {BuildStep("ecr", "BuildAndPushECR",
                             "connectorRef: aws\nregion: eu-west-1\naccount: '123456789012'\n"
                             "imageName: ml/model\ntags: [<+pipeline.sequenceId>]\n")});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const nlohmann::json& output = FindStep(ex, "Build.ecr")["details"]["output"];
  const std::string tag = output["tags"][0];
  EXPECT_EQ(output["image"], "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/model:" + tag);
  EXPECT_EQ(RemoteDigest(registry->host() + "/ml/model:" + tag), output["digest"]);
}

TEST(BuildAndPushTest, DockerfileErrorsFailTheStepWithTheirLine) {
  TestProject p;
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec: {}\n");
  WriteProject(p, {BuildStep("ecr", "BuildAndPushECR",
                             "connectorRef: aws\nregion: us-east-1\naccount: '1'\n"
                             "imageName: x\ntags: [a]\ntarget: nowhere\n")});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  EXPECT_EQ(StatusOf(ex, "Build.ecr"), "Failed") << raw.out;
  EXPECT_NE(raw.out.find("nowhere"), std::string::npos) << raw.out;
}

TEST(BuildAndPushTest, ImageBuildPushSendsTheTagToItsRegistry) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  TestProject p;
  p.Write("ctx/Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n");
  p.Write("ctx/hello.txt", "hello\n");
  const std::string ref = registry->host() + "/tools/hello:1";
  RunResult built = p.Sluice({"image", "build", "-t", ref, "--push", (p.root() / "ctx").string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const std::string digest = built.out.substr(0, built.out.find('\n'));
  EXPECT_NE(built.out.find("pushed " + ref + " to " + ref + "@" + digest), std::string::npos)
      << built.out;
  EXPECT_EQ(RemoteDigest(ref), digest);

  RunResult bad =
      p.Sluice({"image", "build", "-t", "Not A Ref", "--push", (p.root() / "ctx").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--push needs -t REGISTRY/REPOSITORY:TAG"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace sluice::testing
