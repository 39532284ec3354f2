// `sluice server` as a user runs it: started on a random loopback port, a
// run started over the API, SIGTERM while a step runs, and the next start
// resuming that execution where it stopped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "server/api_test_util.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

using server::testing::Call;
using server::testing::HttpReply;
using ::testing::HasSubstr;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    marker_ = p_.scratch() / "go";
    p_.WritePipeline(Pipeline(
        "waits",
        {CustomStage("S", {ShellStep("before", "echo before"),
                           ShellStep("wait", "echo first\nwhile [ ! -e " + marker_.string() +
                                                 " ]; do sleep 0.05; done\necho second")})}));
    p_.Write("ui/index.html", "<!doctype html><title>sluice</title>\n");
    auto add = p_.Sluice({"user", "add", "eve", "--role", "executor", "--password-stdin"},
                         {.stdin_text = "eve-password-1\n"});
    ASSERT_EQ(add.exit_code, 0) << add.err << add.out;
    auto token = p_.Sluice({"token", "create", "--user", "eve"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
  }

  // Starts the server and returns its port (from <state>/server.json).
  uint16_t StartServer() {
    server_ = p_.Start(
        {"server", "--addr", "127.0.0.1:0", "--ui", (p_.root() / "ui").string(), "--no-sandbox"});
    uint16_t port = 0;
    EXPECT_TRUE(WaitFor([&] {
      std::ifstream in(p_.state() / "server.json");
      nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
      if (!doc.is_object() || doc.value("pid", 0) != server_->pid()) return false;
      std::string addr = doc.value("addr", "");
      port = static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
      return true;
    })) << server_->StderrSoFar();
    return port;
  }

  HttpReply Api(uint16_t port, const std::string& method, const std::string& path,
                const std::string& body = "") {
    return Call(port, method, path, "Authorization: Bearer " + token_ + "\r\n", body);
  }
  std::string NodeStatus(uint16_t port, const std::string& id, const std::string& path) {
    auto doc = Api(port, "GET", "/api/executions/" + id).json();
    for (const auto& n : doc["nodes"]) {
      if (n.value("path", "") == path) return n.value("status", "");
    }
    return "";
  }

  // A pipeline "gated" whose first stage waits for a member of "approvers"
  // (bob, an approver).
  void WriteGatedPipeline() {
    p_.Write(".harness/usergroups/approvers.yaml",
             "userGroup:\n  identifier: approvers\n  name: approvers\n  users: [bob]\n");
    p_.WritePipeline(
        Pipeline(
            "gated",
            {"- stage:\n    identifier: Gate\n    name: Gate\n    type: Approval\n    spec:\n"
             "      execution:\n        steps:\n          - step:\n              identifier: ok\n"
             "              name: ok\n              type: HarnessApproval\n              timeout: "
             "1h\n"
             "              spec:\n                approvalMessage: Go?\n"
             "                includePipelineExecutionHistory: false\n"
             "                approvers: {userGroups: [approvers], minimumCount: 1}\n",
             CustomStage("After", {ShellStep("done", "echo approved-and-done")})}),
        "gated.yaml");
    auto add = p_.Sluice({"user", "add", "bob", "--role", "approver", "--password-stdin"},
                         {.stdin_text = "bob-password-12\n"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }
  // Runs "gated" over the API; its execution id once it waits.
  std::string StartGated(uint16_t port) {
    HttpReply run = Api(port, "POST", "/api/pipelines/gated/executions", "{}");
    EXPECT_EQ(run.status, 201) << run.body;
    const std::string id = run.json().value("id", "");
    EXPECT_TRUE(WaitFor(
        [&] {
          return Api(port, "GET", "/api/executions/" + id).json().value("status", "") ==
                 "ApprovalWaiting";
        },
        std::chrono::seconds(30)));
    return id;
  }
  std::string StatusOfExecution(uint16_t port, const std::string& id) {
    return Api(port, "GET", "/api/executions/" + id).json().value("status", "");
  }

  TestProject p_;
  std::filesystem::path marker_;
  std::string token_;
  std::unique_ptr<SluiceProcess> server_;
};

TEST_F(ServerTest, ServesTheUiAndTheOpenApiDocument) {
  uint16_t port = StartServer();
  HttpReply page = Call(port, "GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<title>sluice</title>"));
  EXPECT_EQ(Call(port, "GET", "/openapi.json").json().value("openapi", ""), "3.0.3");
  EXPECT_EQ(Call(port, "GET", "/api/me").status, 401);
  server_->Signal(SIGTERM);
  RunResult done = server_->Wait();
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_FALSE(std::filesystem::exists(p_.state() / "server.json"));
}

TEST_F(ServerTest, ARestartResumesTheExecutionTheServerWasRunning) {
  uint16_t port = StartServer();
  HttpReply run = Api(port, "POST", "/api/pipelines/waits/executions", "{}");
  ASSERT_EQ(run.status, 201) << run.body;
  const std::string id = run.json().value("id", "");
  ASSERT_TRUE(WaitFor([&] { return NodeStatus(port, id, "S.wait") == "Running"; },
                      std::chrono::seconds(30)));

  server_->Signal(SIGTERM);
  RunResult stopped = server_->Wait();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  // Recorded as interrupted: still Running, its step to run again.
  auto shown = p_.Sluice({"executions", "show", id, "--json"}).Json();
  EXPECT_EQ(shown.value("status", ""), "Running") << shown.dump();
  EXPECT_EQ(StatusOf(shown, "S.before"), "Success");

  std::ofstream(marker_) << "go\n";
  port = StartServer();
  EXPECT_THAT(server_->StdoutSoFar(), HasSubstr("resuming execution " + id));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Api(port, "GET", "/api/executions/" + id).json().value("status", "") == "Success";
      },
      std::chrono::seconds(30)));
  HttpReply log = Api(port, "GET", "/api/executions/" + id + "/logs?node=S.wait");
  EXPECT_THAT(log.body, HasSubstr("second"));
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait().exit_code, 0);
}

TEST_F(ServerTest, SluiceAbortAsksTheServerInsteadOfSignallingIt) {
  uint16_t port = StartServer();
  HttpReply run = Api(port, "POST", "/api/pipelines/waits/executions", "{}");
  ASSERT_EQ(run.status, 201) << run.body;
  const std::string id = run.json().value("id", "");
  ASSERT_TRUE(WaitFor([&] { return NodeStatus(port, id, "S.wait") == "Running"; },
                      std::chrono::seconds(30)));
  auto abort = p_.Sluice({"abort", id});
  EXPECT_EQ(abort.exit_code, 0) << abort.err;
  EXPECT_THAT(abort.out, HasSubstr("run by sluice server"));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Api(port, "GET", "/api/executions/" + id).json().value("status", "") == "Aborted";
      },
      std::chrono::seconds(30)));
  // The server still serves.
  EXPECT_EQ(Api(port, "GET", "/api/me").status, 200);
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait().exit_code, 0);
}

TEST_F(ServerTest, AnApprovalDecidedWithTheCliIsContinuedByTheServer) {
  WriteGatedPipeline();
  uint16_t port = StartServer();
  const std::string id = StartGated(port);

  auto approve = p_.Sluice({"approve", id, "--as", "bob"});
  ASSERT_EQ(approve.exit_code, 0) << approve.err << approve.out;
  EXPECT_THAT(approve.out, HasSubstr("continues the execution"));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Api(port, "GET", "/api/executions/" + id).json().value("status", "") == "Success";
      },
      std::chrono::seconds(30)));
  EXPECT_THAT(Api(port, "GET", "/api/executions/" + id + "/logs?node=After.done").body,
              HasSubstr("approved-and-done"));
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait().exit_code, 0);
}

TEST_F(ServerTest, AnApproverDecidesOverTheApiAndOthersAreRefused) {
  WriteGatedPipeline();
  auto token = p_.Sluice({"token", "create", "--user", "bob"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string bob = "Authorization: Bearer " + token.out.substr(0, token.out.find('\n')) +
                          "\r\n";
  uint16_t port = StartServer();
  const std::string id = StartGated(port);

  // eve may run pipelines but not approve them.
  HttpReply refused = Api(port, "POST", "/api/executions/" + id + "/approve", "{}");
  EXPECT_EQ(refused.status, 403) << refused.body;
  HttpReply malformed =
      Call(port, "POST", "/api/executions/" + id + "/approve", bob, R"({"step": 5})");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  HttpReply approved = Call(port, "POST", "/api/executions/" + id + "/approve", bob,
                            R"({"comments": "fairness checked"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().value("status", ""), "Approved");
  ASSERT_TRUE(WaitFor([&] { return StatusOfExecution(port, id) == "Success"; },
                      std::chrono::seconds(30)));
  nlohmann::json detail = Api(port, "GET", "/api/executions/" + id).json();
  ASSERT_EQ(detail["approvals"].size(), 1u) << detail.dump();
  EXPECT_EQ(detail["approvals"][0].value("status", ""), "Approved");
  EXPECT_EQ(detail["approvals"][0]["activities"][0]["user"]["name"], "bob");
  HttpReply again = Call(port, "POST", "/api/executions/" + id + "/reject", bob, "{}");
  EXPECT_EQ(again.status, 409) << again.body;
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait().exit_code, 0);
}

TEST_F(ServerTest, AnExecutionWaitingForApprovalOutlivesARestart) {
  WriteGatedPipeline();
  auto token = p_.Sluice({"token", "create", "--user", "bob"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string bob =
      "Authorization: Bearer " + token.out.substr(0, token.out.find('\n')) + "\r\n";
  uint16_t port = StartServer();
  const std::string id = StartGated(port);
  server_->Signal(SIGTERM);
  ASSERT_EQ(server_->Wait().exit_code, 0);

  // Stopped, it still waits: nothing was interrupted, nothing holds it.
  auto shown = p_.Sluice({"executions", "show", id, "--json"}).Json();
  EXPECT_EQ(shown.value("status", ""), "ApprovalWaiting") << shown.dump();

  port = StartServer();
  EXPECT_EQ(StatusOfExecution(port, id), "ApprovalWaiting");
  HttpReply approved = Call(port, "POST", "/api/executions/" + id + "/approve", bob, "{}");
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_TRUE(
      WaitFor([&] { return StatusOfExecution(port, id) == "Success"; }, std::chrono::seconds(30)));
  EXPECT_THAT(Api(port, "GET", "/api/executions/" + id + "/logs?node=After.done").body,
              HasSubstr("approved-and-done"));
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait().exit_code, 0);
}

}  // namespace
}  // namespace sluice::testing
