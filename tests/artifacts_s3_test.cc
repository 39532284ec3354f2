// S3Upload to a real S3 server: Debian's Swift with s3api, through an Aws
// connector whose `s3Endpoint` names it and whose secret key is a sluice
// secret. The object is read back with Debian's boto3 (an independent
// client); a wrong secret fails the step with S3's own words and never
// shows the secret.
#include <gtest/gtest.h>

#include <string>

#include "common/hash.h"
#include "oci/test_tools.h"
#include "store/s3_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using store::testing::TestS3Server;

const std::string kReport = "<html><body>accuracy 0.93</body></html>\n";

class ArtifactsS3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = TestS3Server::Start();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server).release();
    ASSERT_TRUE(server_->CreateBucket("mlopswebapp").ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A project whose CI stage writes the report and uploads it through a
  // ManualConfig Aws connector with the secret key `secret`.
  void WriteProject(const TestProject& p, const std::string& secret) {
    ASSERT_EQ(p.Sluice({"secret", "set", "s3_secret"}, WithMasterKey(secret + "\n")).exit_code, 0);
    p.Write("report.html", kReport);
    p.Write(".harness/connectors/aws.yaml",
            "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
            "    s3Endpoint: " +
                server_->endpoint() +
                "\n    credential:\n      type: ManualConfig\n      spec:\n"
                "        accessKey: " +
                TestS3Server::kAccessKey + "\n        secretKeyRef: s3_secret\n");
    const std::string upload =
        "- step:\n    type: S3Upload\n    name: Upload\n    identifier: upload\n"
        "    spec:\n      connectorRef: aws\n      region: us-east-1\n      bucket: mlopswebapp\n"
        "      sourcePath: /harness/output/model_metrics.html\n";
    p.WritePipeline(Pipeline(
        "report", {CiStage("Train",
                           {RunStep("write_report", "mkdir -p /harness/output\ncp " +
                                                        (p.root() / "report.html").string() +
                                                        " /harness/output/model_metrics.html"),
                            upload},
                           {.spec = "sharedPaths:\n  - /harness/output"})}));
  }

  static TestS3Server* server_;
};

TestS3Server* ArtifactsS3Test::server_ = nullptr;

TEST_F(ArtifactsS3Test, S3UploadPutsTheReportInTheBucketWhereBoto3ReadsIt) {
  TestProject p;
  WriteProject(p, TestS3Server::kSecretKey);
  RunResult raw;
  auto ex = p.RunJson({}, WithMasterKey(), &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  ASSERT_EQ(ex["artifacts"].size(), 1u) << ex.dump(2);
  const nlohmann::json& artifact = ex["artifacts"][0];
  EXPECT_EQ(artifact["url"],
            server_->endpoint() + "/mlopswebapp/harness/output/model_metrics.html");
  EXPECT_EQ(artifact["sha256"], Sha256Hex(kReport));

  auto read = oci::testing::RunRequiredTool(
      {"/usr/bin/python3", "-c",
       "import boto3,sys\n"
       "s3=boto3.client('s3',endpoint_url=sys.argv[1],aws_access_key_id=sys.argv[2],"
       "aws_secret_access_key=sys.argv[3],region_name='us-east-1')\n"
       "o=s3.get_object(Bucket='mlopswebapp',Key='harness/output/model_metrics.html')\n"
       "sys.stdout.write(o['ContentType']+'\\n'+o['Body'].read().decode())\n",
       server_->endpoint(), TestS3Server::kAccessKey, TestS3Server::kSecretKey},
      "python3-boto3");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->exit_code, 0) << read->output;
  EXPECT_EQ(read->output, "text/html; charset=utf-8\n" + kReport);
}

TEST_F(ArtifactsS3Test, AWrongSecretFailsTheStepWithS3sWordsAndNeverShowsIt) {
  TestProject p;
  const std::string wrong = "not-the-Secret-7731";
  WriteProject(p, wrong);
  RunResult raw;
  auto ex = p.RunJson({}, WithMasterKey(), &raw);
  EXPECT_NE(raw.exit_code, 0);
  const nlohmann::json& step = FindStep(ex, "Train.upload");
  EXPECT_EQ(step["status"], "Failed");
  const std::string message = step.dump();
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_EQ(raw.out.find(wrong), std::string::npos);
  EXPECT_EQ(raw.err.find(wrong), std::string::npos);
  EXPECT_EQ(p.StateBytes().find(wrong), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing
