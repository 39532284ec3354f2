// The AWSECR and AquaTrivy scanner steps in real pipelines: BuildAndPushECR
// with scan on push, then AWSECR waiting for that scan (the tutorial's
// "Security Scans for ML Model" without the sleep); STO's output variables
// and their NEW_ counts across two runs; fail_on_severity; AquaTrivy
// pulling its image from a real registry.
#include <gtest/gtest.h>

#include <string>

#include "oci/registry_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// The shape of an AWS access key id (not one of AWS's EXAMPLE keys, which
// the rules allow).
constexpr char kAwsKeyId[] = "AKIAZ7QRSTUVWXYZ2345";

void WriteProject(const TestProject& p, const std::vector<std::string>& steps) {
  auto repo = p.MakeGitRepo(
      "repo", {{"Dockerfile", "FROM scratch\nCOPY app/ /app/\nCMD [\"/app/serve\"]\n"},
               {"app/settings.py", std::string("AWS_ACCESS_KEY_ID = \"") + kAwsKeyId + "\"\n"}});
  p.Write(".harness/connectors/git.yaml",
          "connector:\n  identifier: git\n  name: git\n  type: Git\n  spec:\n    url: " +
              repo.string() + "\n");
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
          "    credential:\n      type: InheritFromDelegate\n    scanOnPush: true\n");
  p.WritePipeline(
      Pipeline("scan", {CiStage("Build", steps, {.spec = "cloneCodebase: true"})},
               "properties:\n  ci:\n    codebase:\n      connectorRef: git\n      repoName: repo\n"
               "      build: <+input>"));
}

std::string Step(const std::string& id, const std::string& type, const std::string& spec) {
  return "- step:\n    type: " + type + "\n    name: " + id + "\n    identifier: " + id +
         "\n    spec:\n" + Indent(spec, 6);
}

std::string EcrBuild() {
  return Step("train_image", "BuildAndPushECR",
              "connectorRef: aws\nregion: us-east-1\naccount: '123456789012'\n"
              "imageName: ccapproval\ntags: [<+pipeline.executionId>]\n");
}

std::string EcrScan(const std::string& fail_on = "none") {
  return Step("scan", "AWSECR",
              "mode: extraction\nconfig: default\n"
              "target:\n  type: container\n  name: ccapproval-ecr-scan\n"
              "  variant: <+pipeline.executionId>\n"
              "image:\n  type: aws_ecr\n  name: ccapproval\n  tag: <+pipeline.executionId>\n"
              "  region: us-east-1\n"
              "auth:\n  access_id: id\n  access_token: token-Secret-9921\n  region: us-east-1\n"
              "advanced:\n  fail_on_severity: " +
                  fail_on + "\n");
}

TEST(SecurityScanTest, AwsEcrWaitsForTheScanOnPushAndSetsStoOutputs) {
  TestProject p;
  WriteProject(p, {EcrBuild(), EcrScan()});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const nlohmann::json& scan = FindStep(ex, "Build.scan");
  EXPECT_EQ(scan["status"], "Success") << scan.dump(2);
  const auto& outputs = scan["outputs"];
  for (const char* name :
       {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "UNASSIGNED", "TOTAL", "NEW_CRITICAL",
        "NEW_HIGH", "NEW_MEDIUM", "NEW_LOW", "NEW_INFO", "NEW_UNASSIGNED", "NEW_TOTAL"}) {
    EXPECT_TRUE(outputs.contains(name)) << name << " " << outputs.dump();
  }
  EXPECT_GE(std::stoi(outputs.value("CRITICAL", "0")), 1) << outputs.dump();  // the AWS key
  EXPECT_EQ(outputs["NEW_TOTAL"], outputs["TOTAL"]);  // the target's first scan

  const std::string id = ex["id"];
  RunResult logs = p.Sluice({"executions", "logs", id, "--step", "Build.scan"});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("the scan started when the image was pushed is done"), std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("Scan Results: {"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("\"issuesBySeverityCount\""), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("aws-access-key-id"), std::string::npos) << logs.out;
  RunResult build_logs = p.Sluice({"executions", "logs", id, "--step", "Build.train_image"});
  EXPECT_NE(build_logs.out.find("scan on push (connector aws)"), std::string::npos)
      << build_logs.out;
  for (const std::string& text : {raw.out, raw.err, logs.out, scan.dump()}) {
    EXPECT_EQ(text.find(kAwsKeyId), std::string::npos) << "the secret is shown";
    EXPECT_EQ(text.find("token-Secret-9921"), std::string::npos) << "the token is shown";
  }

  // Run again: the same image, a new tag and variant, nothing new.
  auto again = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const auto& second = FindStep(again, "Build.scan")["outputs"];
  EXPECT_EQ(second["TOTAL"], outputs["TOTAL"]);
  EXPECT_EQ(second["NEW_TOTAL"], "0") << second.dump();
}

TEST(SecurityScanTest, FailOnSeverityFailsTheStepWithItsOutputs) {
  TestProject p;
  WriteProject(p, {EcrBuild(), EcrScan("critical")});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const nlohmann::json& scan = FindStep(ex, "Build.scan");
  EXPECT_EQ(scan["status"], "Failed") << scan.dump(2);
  EXPECT_NE(scan.dump().find("at or above CRITICAL (fail_on_severity)"), std::string::npos)
      << scan.dump(2);
  EXPECT_GE(std::stoi(scan["outputs"].value("CRITICAL", "0")), 1) << scan.dump(2);
}

TEST(SecurityScanTest, AwsEcrWithoutTheImageSaysWhereItLooked) {
  TestProject p;
  WriteProject(p, {EcrScan()});
  RunResult raw;
  auto ex = p.RunJson({"--branch", "main"}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const nlohmann::json& scan = FindStep(ex, "Build.scan");
  EXPECT_EQ(scan["status"], "Failed");
  EXPECT_NE(scan.dump().find("in the local image store; a BuildAndPushECR step stores it there"),
            std::string::npos)
      << scan.dump(2);
}

TEST(SecurityScanTest, AquaTrivyPullsItsImageFromTheRegistry) {
  auto registry = oci::testing::TestRegistry::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  TestProject p;
  WriteProject(p, {EcrBuild()});
  RunResult raw;
  auto built = p.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const std::string local = FindStep(built, "Build.train_image")["details"]["output"]["image"];
  const std::string remote = (*registry)->host() + "/ml/ccapproval:1";
  ASSERT_EQ(p.Sluice({"image", "push", local, remote}).exit_code, 0);

  TestProject q;  // its own, empty store
  WriteProject(q, {Step("trivy", "AquaTrivy",
                        "mode: orchestration\nconfig: default\n"
                        "target:\n  type: container\n  name: ccapproval\n  variant: main\n"
                        "image:\n  type: docker_v2\n  name: ml/ccapproval\n  tag: '1'\n"
                        "  domain: " +
                            (*registry)->host() + "\n")});
  auto ex = q.RunJson({"--branch", "main"}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const nlohmann::json& trivy = FindStep(ex, "Build.trivy");
  EXPECT_EQ(trivy["status"], "Success") << trivy.dump(2);
  EXPECT_GE(std::stoi(trivy["outputs"].value("CRITICAL", "0")), 1) << trivy.dump(2);
  RunResult logs = q.Sluice({"executions", "logs", ex["id"], "--step", "Build.trivy"});
  EXPECT_NE(logs.out.find("pulled into the local image store"), std::string::npos) << logs.out;
}

}  // namespace
}  // namespace sluice::testing
