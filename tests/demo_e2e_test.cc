// The tutorial end to end with real parts: the demo (examples/credit-card/
// run-demo) with its connectors pointed at Debian's docker-registry and at
// Swift's S3 API, and its mail at aiosmtpd; then its execution's page and
// report in headless Chromium. Each of the ten outcomes is checked where it
// landed: the images in the registry (skopeo), the report in the bucket
// (boto3), the reminder in the SMTP server's Maildir, the function's
// answer, the push that fired and the one that did not, the approval that
// held production.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>

#include "common/files.h"
#include "notify/smtp_test_server.h"
#include "oci/registry_test_util.h"
#include "oci/test_tools.h"
#include "store/s3_test_util.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using notify::testing::TestSmtpServer;
using notify::testing::WaitForMail;
using oci::testing::RunRequiredTool;
using oci::testing::RunTool;
using oci::testing::TestRegistry;
using store::testing::TestS3Server;
using ::testing::HasSubstr;

// The line of the demo's output that starts with `prefix`.
std::string Line(const std::string& out, const std::string& prefix) {
  size_t at = out.find("\n" + prefix);
  if (at == std::string::npos) return "";
  size_t end = out.find('\n', at + 1);
  return out.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

class DemoEndToEndTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // The demo leaves its server running; stop it.
    std::ifstream in(dir_.path() / "demo/credit-card/.sluice/server.json");
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_object() && doc["pid"].is_number_integer()) {
      const pid_t pid = doc["pid"].get<int>();
      ::kill(pid, SIGTERM);
      WaitFor([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(10));
    }
  }

  TempDir dir_ = std::move(TempDir::Create("sluice-demo-e2e-").value());
};

TEST_F(DemoEndToEndTest, TheTutorialsTenOutcomesWithARegistryS3AndAnSmtpServer) {
  auto registry = TestRegistry::Start();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  auto s3 = TestS3Server::Start();
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  ASSERT_TRUE((*s3)->CreateBucket("mlopswebapp").ok());
  const fs::path maildir = dir_.path() / "smtp-mail";
  auto smtp = TestSmtpServer::StartPlain(maildir);
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();

  // The demo's connector and mail settings, pointed at those servers; the
  // keys come from the environment, as a delegate's would.
  const fs::path overlay = dir_.path() / "overlay";
  fs::create_directories(overlay / ".harness/connectors");
  std::ofstream(overlay / ".harness/connectors/mlopsawsconnector.yaml")
      << "connector:\n  name: mlopsawsconnector\n  identifier: mlopsawsconnector\n  type: Aws\n"
         "  spec:\n    credential:\n      type: InheritFromDelegate\n      region: us-east-1\n"
         "    executeOnDelegate: true\n    scanOnPush: true\n"
         "    ecrEndpoint: "
      << (*registry)->host() << "\n    s3Endpoint: " << (*s3)->endpoint() << "\n";
  std::ofstream(overlay / ".harness/smtp.yaml")
      << "smtp:\n  host: 127.0.0.1\n  port: " << (*smtp)->port()
      << "\n  fromAddress: sluice@bank.example\n  startTLS: false\n";

  const fs::path work = dir_.path() / "demo";
  auto demo = RunTool(
      {"env", "DEMO_DIR=" + work.string(), "DEMO_PORT=0", "DEMO_OVERLAY=" + overlay.string(),
       std::string("AWS_ACCESS_KEY_ID=") + TestS3Server::kAccessKey,
       std::string("AWS_SECRET_ACCESS_KEY=") + TestS3Server::kSecretKey,
       (SourceDir() / "examples/credit-card/run-demo").string(), SluiceBinary().string()});
  auto server_log = ReadFile(work / "server.log");
  ASSERT_EQ(demo.exit_code, 0) << demo.output << "\nserver log:\n"
                               << (server_log.ok() ? *server_log : "");
  const std::string& out = demo.output;

  // 1. Both images are in the registry, with the digests the demo printed.
  std::smatch m;
  const std::string images = out.substr(out.find(" 1. "), 600);
  for (const std::string name : {"ccapproval", "ccapproval-deploy"}) {
    std::regex pattern("dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/" + name +
                       ":([A-Za-z0-9_-]+) @ (sha256:[0-9a-f]{64})");
    ASSERT_TRUE(std::regex_search(images, m, pattern)) << images;
    auto raw =
        RunRequiredTool({"skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                         "docker://" + (*registry)->host() + "/" + name + ":" + m[1].str()},
                        "skopeo");
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    EXPECT_EQ(raw->exit_code, 0) << raw->output;
    EXPECT_THAT(raw->output, HasSubstr(m[2].str())) << name;
  }
  // 2. The scan counted by severity.
  const std::string scan = Line(out, " 2. ");
  EXPECT_TRUE(
      std::regex_search(scan, std::regex("\\d+ critical, \\d+ high, \\d+ medium, \\d+ low")))
      << scan;
  // 3. The report is in the bucket, read back by another S3 client.
  EXPECT_THAT(Line(out, " 3. "),
              HasSubstr((*s3)->endpoint() + "/mlopswebapp/harness/output/model_metrics.html"));
  auto read = RunRequiredTool(
      {"/usr/bin/python3", "-c",
       "import boto3,sys\n"
       "s3=boto3.client('s3',endpoint_url=sys.argv[1],aws_access_key_id=sys.argv[2],"
       "aws_secret_access_key=sys.argv[3],region_name='us-east-1')\n"
       "o=s3.get_object(Bucket='mlopswebapp',Key='harness/output/model_metrics.html')\n"
       "sys.stdout.write(o['Body'].read().decode())\n",
       (*s3)->endpoint(), TestS3Server::kAccessKey, TestS3Server::kSecretKey},
      "python3-boto3");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_THAT(read->output, HasSubstr("Credit card approval model"));
  // 4. Published with the execution.
  EXPECT_THAT(Line(out, " 4. "), HasSubstr("model_metrics.html"));
  // 5. and 6. The model's figures and the policy's decision.
  EXPECT_THAT(Line(out, " 5. "), HasSubstr("accuracy 0.92669, equal-opportunity gap 7.35"));
  EXPECT_EQ(Line(out, " 6. "), " 6. Policy: pass (check_fairness_and_accuracy)");
  // 7. The function answers at the server's URL.
  EXPECT_THAT(Line(out, " 7. "), HasSubstr("answers {\"prediction\": 1}"));
  // 8. Stale, and the reminder went through the SMTP server.
  EXPECT_THAT(Line(out, " 8. "), HasSubstr("model_stale=true; the reminder Success, sent through "
                                           "the SMTP server of .harness/smtp.yaml"));
  auto mail = WaitForMail(maildir, 1);
  ASSERT_GE(mail.size(), 1u);
  EXPECT_EQ(mail[0].headers["Subject"],
            "Credit card approval ML model has not been updated in a week.");
  EXPECT_EQ(mail[0].headers["To"], "ml-team@example.com");
  // 9. The push fired the trigger; the README-only push before it did not.
  EXPECT_THAT(Line(out, " 9. "), HasSubstr("fired train_on_push"));
  EXPECT_THAT(Line(out, " 9. "), HasSubstr("ran nothing (0 executions)"));
  // 10. Production waited for its approver.
  EXPECT_THAT(Line(out, "10. "), HasSubstr("production waited (ApprovalWaiting) until admin"));

  // The execution and its report in Chromium, on the server the demo left.
  const fs::path browser_dir = SourceDir() / "tests/browser";
  if (!fs::exists(browser_dir / "node_modules/playwright-core/package.json")) {
    GTEST_SKIP() << "playwright-core is not installed: run `npm ci --prefix tests/browser` "
                    "(or `scripts/install-deps --test`, which make test runs)";
  }
  std::ifstream record(work / "credit-card/.sluice/server.json");
  const nlohmann::json server = nlohmann::json::parse(record, nullptr, false);
  ASSERT_TRUE(server.is_object()) << "the demo's server is not running";
  ASSERT_TRUE(std::regex_search(out, m, std::regex("#/executions/([A-Za-z0-9_-]+)"))) << out;
  const fs::path shots = dir_.path() / "shots";
  auto browsed = RunRequiredTool(
      {"node", (browser_dir / "demo_screenshots.mjs").string(), "--url",
       "http://" + server.value("addr", ""), "--execution", m[1].str(), "--password-file",
       (work / "credit-card/.sluice/admin-password").string(), "--out", shots.string()},
      "nodejs");
  ASSERT_TRUE(browsed.ok()) << browsed.status().ToString();
  EXPECT_EQ(browsed->exit_code, 0) << browsed->output;
  // The report is in the S3 bucket; the server reads it back from Swift
  // with the connector's credentials and shows it inline.
  EXPECT_THAT(browsed->output, HasSubstr("report: inline"));
  EXPECT_THAT(browsed->output, HasSubstr("web page: Approved"));
  EXPECT_TRUE(fs::exists(shots / "demo-execution.png"));
  EXPECT_TRUE(fs::exists(shots / "demo-report.png"));
}

}  // namespace
}  // namespace sluice::testing
