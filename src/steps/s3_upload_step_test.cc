#include "steps/s3_upload_step.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>

#include "common/files.h"
#include "common/hash.h"
#include "steps/artifact_location.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAws = R"(
connector:
  identifier: aws
  name: aws
  type: Aws
  spec:
    credential: {type: InheritFromDelegate}
)";

std::vector<std::string> Validate(std::string_view spec,
                                  pipeline::StageType stage_type = pipeline::StageType::kCI) {
  TestStepContext t("S3Upload", spec);
  pipeline::Stage stage = t.stage();
  stage.type = stage_type;
  DiagnosticList diags;
  S3UploadStep().ValidateSpec(t.node(), stage, &diags);
  std::vector<std::string> out;
  for (const Diagnostic& d : diags.items()) {
    out.push_back(std::string(d.severity == Severity::kError ? "error " : "warning ") +
                  d.location.ToString() + ": " + d.message);
  }
  return out;
}

TEST(S3UploadStepTest, RequiresHarnessFieldsAtTheirMarks) {
  auto diags = Validate("connectorRef: aws\ntarget: reports\n");
  ASSERT_EQ(diags.size(), 3u) << ::testing::PrintToString(diags);
  EXPECT_EQ(diags[0],
            "error pipeline.yaml:1:1: S3Upload step spec is missing required field \"region\"");
  EXPECT_NE(diags[1].find("\"bucket\""), std::string::npos);
  EXPECT_NE(diags[2].find("\"sourcePath\""), std::string::npos);
}

TEST(S3UploadStepTest, AcceptsExpressionsAndWarnsAboutUnknownFields) {
  auto ok = Validate(
      "connectorRef: <+input>\nregion: us-east-1\nbucket: <+pipeline.variables.bucket>\n"
      "sourcePath: /harness/output/*.html\nstripPrefix: /harness\nendpoint: http://127.0.0.1:9\n");
  EXPECT_TRUE(ok.empty()) << ::testing::PrintToString(ok);
  auto diags =
      Validate("connectorRef: a\nregion: r\nbucket: b\nsourcePath: x\ntarget: [a]\nsurprise: 1\n");
  ASSERT_EQ(diags.size(), 2u) << ::testing::PrintToString(diags);
  EXPECT_EQ(
      diags[0],
      "warning pipeline.yaml:6:1: S3Upload step spec has unknown field \"surprise\" (ignored)");
  EXPECT_EQ(diags[1].rfind("error pipeline.yaml:5:9: ", 0), 0u) << diags[1];
}

TEST(S3UploadStepTest, OnlyInCiStages) {
  auto diags = Validate("connectorRef: a\nregion: r\nbucket: b\nsourcePath: x\n",
                        pipeline::StageType::kCustom);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].find("run in CI stages"), std::string::npos);
}

TEST(S3UploadKeyTest, KeysAreBuiltAsHarnessPluginBuildsThem) {
  EXPECT_EQ(S3UploadKey("", "/harness/output/model_metrics.html", ""),
            "harness/output/model_metrics.html");
  EXPECT_EQ(S3UploadKey("reports/7", "/harness/output/m.html", "/harness/output"),
            "reports/7/m.html");
  EXPECT_EQ(S3UploadKey("/reports/", "/harness/output/m.html", "/harness/output/"),
            "reports/m.html");
  EXPECT_EQ(S3UploadKey("", "output/./a//b.txt", ""), "output/a/b.txt");
  // A prefix that does not match is left alone, as strings.TrimPrefix does.
  EXPECT_EQ(S3UploadKey("t", "/harness/x.txt", "/other"), "t/harness/x.txt");
  // '..' cannot climb above the bucket: the key is cleaned below a root.
  EXPECT_EQ(S3UploadKey("../../up", "output/a.txt", ""), "up/output/a.txt");
}

class S3UploadExecuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("s3upload-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    fs::create_directories(workspace() / "output" / "plots");
  }

  fs::path workspace() const { return dir_->path() / "ws"; }
  fs::path state() const { return dir_->path() / "state"; }

  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(workspace() / rel, std::ios::binary) << content;
  }

  // Runs the step with `spec`; the workspace is mounted at /harness.
  engine::StepOutcome Run(const std::string& spec, std::string* log = nullptr) {
    TestStepContext t("S3Upload", spec, nlohmann::json::object(), workspace(), state());
    t.AddConnector(kAws);
    t.ctx().workspace.working_dir = "/harness";
    t.ctx().workspace.mounts = {runner::Mount{workspace().string(), "/harness", false}};
    engine::StepOutcome out = S3UploadStep().Execute(t.ctx());
    if (log != nullptr) *log = t.log.All();
    return out;
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(S3UploadExecuteTest, UploadsTheSampleReportToTheLocalStoreAndPublishesIt) {
  const std::string html = "<html><body>accuracy 0.93</body></html>\n";
  Write("output/model_metrics.html", html);
  std::string log;
  engine::StepOutcome out =
      Run("connectorRef: account.aws\nregion: us-east-1\nbucket: mlops-reports\n"
          "sourcePath: /harness/output/model_metrics.html\n",
          &log);
  ASSERT_EQ(out.status, engine::NodeStatus::kSuccess) << out.failure_message;
  fs::path stored = state() / "artifacts/mlops-reports/harness/output/model_metrics.html";
  EXPECT_EQ(*ReadFile(stored), html);
  EXPECT_TRUE(out.outputs.empty());
  ASSERT_EQ(out.artifacts.size(), 1u);
  const store::ArtifactRecord& a = out.artifacts[0];
  EXPECT_EQ(a.name, "model_metrics.html");
  EXPECT_EQ(a.url, "file://" + stored.string());
  EXPECT_EQ(a.size, static_cast<int64_t>(html.size()));
  EXPECT_EQ(a.sha256, Sha256Hex(html));
  EXPECT_EQ(a.content_type, "text/html; charset=utf-8");
  EXPECT_NE(log.find("Uploading 1 file to " + (state() / "artifacts/mlops-reports").string()),
            std::string::npos)
      << log;
  EXPECT_NE(
      log.find("-> harness/output/model_metrics.html (" + std::to_string(html.size()) + " bytes"),
      std::string::npos)
      << log;
}

TEST_F(S3UploadExecuteTest, GlobsSkipDirectoriesAndKeysTakeTargetAndStripPrefix) {
  Write("output/a.json", "{}");
  Write("output/plots/roc.png", "png");
  Write("output/notes.txt", "n");
  engine::StepOutcome out = Run(
      "connectorRef: aws\nregion: us-east-1\nbucket: reports\nsourcePath: output/**/*.[jp][sn]*\n"
      "target: run-7\nstripPrefix: output/\n");
  ASSERT_EQ(out.status, engine::NodeStatus::kSuccess) << out.failure_message;
  ASSERT_EQ(out.artifacts.size(), 2u);
  EXPECT_EQ(out.artifacts[0].name, "a.json");
  EXPECT_EQ(out.artifacts[0].content_type, "application/json");
  EXPECT_EQ(out.artifacts[1].name, "roc.png");
  EXPECT_TRUE(fs::is_regular_file(state() / "artifacts/reports/run-7/a.json"));
  EXPECT_TRUE(fs::is_regular_file(state() / "artifacts/reports/run-7/plots/roc.png"));
  EXPECT_FALSE(fs::exists(state() / "artifacts/reports/run-7/notes.txt"));
}

TEST_F(S3UploadExecuteTest, NoMatchFailsNamingThePattern) {
  engine::StepOutcome out =
      Run("connectorRef: aws\nregion: us-east-1\nbucket: reports\nsourcePath: "
          "/harness/output/*.html\n");
  EXPECT_EQ(out.status, engine::NodeStatus::kFailed);
  EXPECT_EQ(out.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_NE(out.failure_message.find("spec.sourcePath \"/harness/output/*.html\" matches no file"),
            std::string::npos)
      << out.failure_message;
  EXPECT_TRUE(out.artifacts.empty());
}

TEST_F(S3UploadExecuteTest, DirectoryIsSkippedWithAHint) {
  Write("output/a.txt", "a");
  engine::StepOutcome out =
      Run("connectorRef: aws\nregion: us-east-1\nbucket: reports\nsourcePath: /harness/output\n");
  EXPECT_EQ(out.status, engine::NodeStatus::kFailed);
  EXPECT_NE(out.failure_message.find("write \"/harness/output/**\""), std::string::npos)
      << out.failure_message;
}

TEST_F(S3UploadExecuteTest, UnknownConnectorAndBadBucketAreConfigurationFailures) {
  Write("output/a.txt", "a");
  engine::StepOutcome missing =
      Run("connectorRef: nope\nregion: us-east-1\nbucket: reports\nsourcePath: output/a.txt\n");
  EXPECT_EQ(missing.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_NE(missing.failure_message.find("connector \"nope\" is not defined"), std::string::npos);
  engine::StepOutcome bucket =
      Run("connectorRef: aws\nregion: us-east-1\nbucket: Bad_Bucket\nsourcePath: output/a.txt\n");
  EXPECT_EQ(bucket.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_NE(bucket.failure_message.find("\"Bad_Bucket\" is not a bucket name"), std::string::npos)
      << bucket.failure_message;
}

TEST_F(S3UploadExecuteTest, DotDotInTargetStaysInsideTheBucket) {
  Write("output/a.txt", "a");
  engine::StepOutcome out =
      Run("connectorRef: aws\nregion: us-east-1\nbucket: reports\nsourcePath: "
          "output/a.txt\ntarget: ../../up\n");
  ASSERT_EQ(out.status, engine::NodeStatus::kSuccess) << out.failure_message;
  EXPECT_TRUE(fs::is_regular_file(state() / "artifacts/reports/up/output/a.txt"));
  EXPECT_FALSE(fs::exists(state() / "up"));
}

TEST_F(S3UploadExecuteTest, EndpointWithoutDelegateKeysSaysWhichVariablesToSet) {
  Write("output/a.txt", "a");
  TestStepContext t(
      "S3Upload",
      "connectorRef: minio\nregion: us-east-1\nbucket: reports\nsourcePath: output/a.txt\n",
      nlohmann::json::object(), workspace(), state());
  t.AddConnector(R"(
connector:
  identifier: minio
  name: minio
  type: Aws
  spec:
    s3Endpoint: http://127.0.0.1:9
    credential:
      type: ManualConfig
      spec: {accessKey: AKIDEXAMPLE}
)");
  engine::StepOutcome out = S3UploadStep().Execute(t.ctx());
  EXPECT_EQ(out.failure_type, pipeline::ErrorType::kConfigurationFailure);
  EXPECT_NE(out.failure_message.find(
                "needs spec.credential.spec.accessKey (or accessKeyRef) and secretKeyRef"),
            std::string::npos)
      << out.failure_message;
  EXPECT_FALSE(fs::exists(state() / "artifacts"));
}

// An S3 server that refuses every request as S3 does when the signature
// is wrong -- its <Error> echoes the StringToSign, the canonical request
// and the access key id -- and, hostile or broken, also echoes `echo`.
class RefusingS3 : public oci::HttpTransport {
 public:
  explicit RefusingS3(std::string echo) : echo_(std::move(echo)) {}
  Result<oci::HttpResponse> Send(const oci::HttpRequest& request) override {
    ++requests_;
    std::string body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code>"
        "<Message>The request signature we calculated does not match the signature you "
        "provided. Check your key and signing method. (" +
        echo_ +
        ")</Message><AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId><StringToSign>"
        "AWS4-HMAC-SHA256\n" +
        request.headers.at("x-amz-date") + "\n" + echo_ + "</StringToSign><CanonicalRequest>" +
        request.method + "\n" + echo_ + "</CanonicalRequest><SignatureProvided>" +
        request.headers.at("authorization") + "</SignatureProvided></Error>";
    return oci::HttpResponse{403, {{"content-type", "application/xml"}}, std::move(body)};
  }
  int requests() const { return requests_; }

 private:
  std::string echo_;
  std::atomic<int> requests_{0};
};

TEST_F(S3UploadExecuteTest, AServerEchoingTheSecretKeyNeverGetsItShown) {
  Write("output/a.txt", "a");
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  TestStepContext t(
      "S3Upload",
      "connectorRef: aws\nregion: us-east-1\nbucket: reports\nsourcePath: output/a.txt\n"
      "endpoint: http://127.0.0.1:9000\n",
      nlohmann::json{{"s3_secret", secret}}, workspace(), state());
  t.AddConnector(R"(
connector:
  identifier: aws
  name: aws
  type: Aws
  spec:
    credential:
      type: ManualConfig
      spec: {accessKey: AKIDEXAMPLE, secretKeyRef: s3_secret}
)");
  auto server = std::make_shared<RefusingS3>("the secret key is " + secret);
  engine::StepOutcome out = S3UploadStep(server).Execute(t.ctx());
  ASSERT_GT(server->requests(), 0);
  EXPECT_EQ(out.status, engine::NodeStatus::kFailed);
  EXPECT_NE(out.failure_message.find("SignatureDoesNotMatch"), std::string::npos)
      << out.failure_message;
  EXPECT_NE(out.failure_message.find("check the secret key"), std::string::npos)
      << out.failure_message;
  const std::string log = t.log.All();
  EXPECT_NE(log.find("upload failed: "), std::string::npos) << log;
  for (const std::string& text : {out.failure_message, log}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
  }
}

// An S3 server in memory: PUT keeps the object's body (given whole or
// streamed), GET gives it back; every request must be signed by `key_id`.
class MemoryS3 : public oci::HttpTransport {
 public:
  explicit MemoryS3(std::string key_id) : key_id_(std::move(key_id)) {}
  Result<oci::HttpResponse> Send(const oci::HttpRequest& request) override {
    std::lock_guard lock(mu_);
    auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() ||
        auth->second.find("Credential=" + key_id_ + "/") == std::string::npos) {
      return oci::HttpResponse{403, {}, "<Error><Code>AccessDenied</Code></Error>"};
    }
    const std::string object = request.url.substr(0, request.url.find('?'));
    if (request.method == "PUT") {
      std::string body = request.body;
      if (request.body_source) {
        char buf[4096];
        for (size_t n; (n = request.body_source(buf, sizeof buf)) > 0;) body.append(buf, n);
      }
      objects_[object] = std::move(body);
      return oci::HttpResponse{200, {{"etag", "\"e\""}}, ""};
    }
    auto it = objects_.find(object);
    if (request.method == "GET" && it != objects_.end())
      return oci::HttpResponse{200, {}, it->second};
    if (request.method == "GET") {
      return oci::HttpResponse{404, {}, "<Error><Code>NoSuchKey</Code></Error>"};
    }
    return oci::HttpResponse{200, {}, ""};
  }

 private:
  std::mutex mu_;
  std::string key_id_;
  std::map<std::string, std::string> objects_;
};

// What a step stored on an S3 server is recorded with the connector,
// endpoint and region that stored it, and read back through them.
TEST_F(S3UploadExecuteTest, AnObjectOnAnS3ServerIsReadBackThroughItsConnector) {
  const std::string html = "<html><body>accuracy 0.93</body></html>\n";
  Write("output/model_metrics.html", html);
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  TestStepContext t("S3Upload",
                    "connectorRef: account.aws\nregion: eu-west-2\nbucket: reports\n"
                    "sourcePath: output/model_metrics.html\n",
                    nlohmann::json{{"s3_secret", secret}}, workspace(), state());
  t.AddConnector(R"(
connector:
  identifier: aws
  name: aws
  type: Aws
  spec:
    s3Endpoint: http://127.0.0.1:9000
    credential:
      type: ManualConfig
      spec: {accessKey: AKIDEXAMPLE, secretKeyRef: s3_secret}
)");
  auto s3 = std::make_shared<MemoryS3>("AKIDEXAMPLE");
  engine::StepOutcome out = S3UploadStep(s3).Execute(t.ctx());
  ASSERT_EQ(out.status, engine::NodeStatus::kSuccess) << out.failure_message;
  ASSERT_EQ(out.artifacts.size(), 1u);
  const store::ArtifactRecord& a = out.artifacts[0];
  EXPECT_EQ(a.s3.connector, "aws");
  EXPECT_EQ(a.s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(a.s3.region, "eu-west-2");

  auto lookup = [&](const std::string& id) -> Result<std::string> {
    if (id == "s3_secret") return secret;
    return Status::NotFound("no secret " + id);
  };
  Result<std::string> back = ReadS3Artifact(t.project(), a, lookup, {}, s3);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, html);

  // A missing object is the S3 server's NotFound.
  store::ArtifactRecord gone = a;
  gone.key = "harness/output/gone.html";
  EXPECT_EQ(ReadS3Artifact(t.project(), gone, lookup, {}, s3).status().code(),
            StatusCode::kNotFound);
  // The connector must still be there; a secret it cannot have is said so.
  pipeline::Project without;
  Result<std::string> no_connector = ReadS3Artifact(without, a, lookup, {}, s3);
  EXPECT_EQ(no_connector.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(no_connector.status().message().find("\"aws\""), std::string::npos);
  Result<std::string> no_secret = ReadS3Artifact(
      t.project(), a,
      [](const std::string&) { return Result<std::string>(Status::NotFound("gone")); }, {}, s3);
  EXPECT_NE(no_secret.status().message().find("secretKeyRef names secret \"s3_secret\""),
            std::string::npos)
      << no_secret.status().ToString();
  // A local object has no S3 origin to read from.
  store::ArtifactRecord local = a;
  local.s3 = {};
  EXPECT_EQ(ReadS3Artifact(t.project(), local, lookup, {}, s3).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::steps
