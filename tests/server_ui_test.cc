// sluice server's web UI in a real browser: the built-in web/ served by
// `sluice server` on a free loopback port, and tests/browser/server_ui.mjs
// driving Debian's headless Chromium through playwright-core (installed by
// `npm ci --prefix tests/browser`, which `scripts/install-deps --test`
// runs) as an executor, a viewer and an approver. The script's screenshots
// stay in the build directory (SERVER_UI_OUTPUT_DIR) for people to look at.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <iostream>

#include "oci/test_tools.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using oci::testing::RunRequiredTool;

const fs::path kOutputDir = SERVER_UI_OUTPUT_DIR;

constexpr char kApprovalStage[] = R"(- stage:
    identifier: Approve
    name: Approve
    type: Approval
    spec:
      execution:
        steps:
          - step:
              identifier: approve
              name: Approve the model
              type: HarnessApproval
              timeout: 1h
              spec:
                approvalMessage: Ship <+pipeline.variables.model_name>?
                includePipelineExecutionHistory: false
                approvers:
                  userGroups: [approvers]
                  minimumCount: 1
                  disallowPipelineExecutor: true
                approverInputs:
                  - name: region
                    defaultValue: eu-west-1
)";

class ServerUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    release_ = p_.scratch() / "release";
    p_.Write(".harness/usergroups/approvers.yaml",
             "userGroup:\n  identifier: approvers\n  name: Approvers\n  users: [amy]\n");
    p_.Write(".harness/connectors/aws.yaml",
             "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
             "    credential:\n      type: InheritFromDelegate\n");
    const std::string train =
        "for i in 1 2 3; do echo \"epoch $i of 3 for <+pipeline.variables.model_name>\"; done\n"
        "while [ ! -e " +
        release_.string() +
        " ]; do sleep 0.05; done\n"
        "echo training done\n"
        "mkdir -p /harness/output\n"
        "echo '<html><body><h1>Model report</h1><p>accuracy 0.93</p></body></html>' "
        "> /harness/output/model_metrics.html";
    const std::string upload =
        "- step:\n    type: S3Upload\n    name: Upload the report\n    identifier: upload\n"
        "    spec:\n      connectorRef: aws\n      region: us-east-1\n      bucket: reports\n"
        "      sourcePath: /harness/output/model_metrics.html\n";
    p_.WritePipeline(
        Pipeline("release",
                 {CiStage("Train", {RunStep("train", train), upload},
                          {.spec = "sharedPaths:\n  - /harness/output"}),
                  kApprovalStage,
                  CustomStage("Deploy", {ShellStep("deploy",
                                                   "echo deploying to <+pipeline.stages.Approve"
                                                   ".spec.execution.steps.approve.output"
                                                   ".approverInputs.region>")})},
                 "variables:\n  - name: model_name\n    type: String\n"
                 "    value: <+input>.default(credit-card)\n"),
        "release.yaml");
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"eve", "executor"}, {"amy", "approver"}, {"vic", "viewer"}}) {
      auto added = p_.Sluice({"user", "add", name, "--role", role, "--password-stdin"},
                             {.stdin_text = Password(name) + "\n"});
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
  }

  static std::string Password(const std::string& user) { return user + "-password-1"; }
  static std::string Account(const std::string& user) { return user + ":" + Password(user); }

  // Starts `sluice server` with its built-in UI; returns its base URL.
  std::string StartServer() {
    server_ = p_.Start({"server", "--addr", "127.0.0.1:0", "--no-sandbox"},
                       {.timeout = std::chrono::minutes(5)});
    std::string addr;
    bool up = WaitFor([&] {
      std::ifstream in(p_.state() / "server.json");
      nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
      if (!doc.is_object() || doc.value("pid", 0) != server_->pid()) return false;
      addr = doc.value("addr", "");
      return true;
    });
    EXPECT_TRUE(up) << server_->StderrSoFar();
    return up ? "http://" + addr : "";
  }

  void TearDown() override {
    fs::create_directories(release_.parent_path());
    std::ofstream(release_) << "";  // a step still waiting goes on and ends
    if (server_) {
      server_->Signal(SIGTERM);
      RunResult stopped = server_->Wait();
      EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    }
  }

  TestProject p_;
  fs::path release_;
  std::unique_ptr<SluiceProcess> server_;
};

TEST_F(ServerUiTest, RunWatchReadTheReportAndApproveInChromium) {
  const fs::path browser_dir = SourceDir() / "tests/browser";
  if (!fs::exists(browser_dir / "node_modules/playwright-core/package.json")) {
    GTEST_SKIP() << "playwright-core is not installed: run `npm ci --prefix tests/browser` "
                    "(or `scripts/install-deps --test`, which make test runs)";
  }
  ASSERT_TRUE(fs::exists("/usr/lib/chromium/chromium"))
      << "Chromium is missing: install Debian's chromium package (scripts/install-deps --test)";
  std::string base = StartServer();
  ASSERT_FALSE(base.empty());

  fs::remove_all(kOutputDir);
  auto browsed =
      RunRequiredTool({"node", (browser_dir / "server_ui.mjs").string(), "--url", base, "--out",
                       kOutputDir.string(), "--release", release_.string(), "--executor",
                       Account("eve"), "--approver", Account("amy"), "--viewer", Account("vic")},
                      "nodejs");
  ASSERT_TRUE(browsed.ok()) << browsed.status().ToString();
  std::cout << browsed->output;
  EXPECT_EQ(browsed->exit_code, 0) << browsed->output;
  EXPECT_TRUE(fs::exists(kOutputDir / "server-ui-report.png"));

  // What the pages did is what the store and the audit log say.
  const std::string marker = "execution: ";
  size_t at = browsed->output.find(marker);
  ASSERT_NE(at, std::string::npos) << browsed->output;
  std::string id = browsed->output.substr(at + marker.size());
  id = id.substr(0, id.find('\n'));
  auto shown = p_.Sluice({"executions", "show", id, "--json"}).Json();
  EXPECT_EQ(shown.value("status", ""), "Success") << shown.dump();
  EXPECT_EQ(shown["inputs"].value("variables.model_name", ""), "credit-card-v2") << shown.dump();
}

}  // namespace
}  // namespace sluice::testing
