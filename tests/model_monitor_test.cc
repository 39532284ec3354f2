// Model monitoring through the real binary: a ModelStaleness step reads the
// project's git history (commits dated in the past), its output gates the
// notification step, and sluice server's /metrics shows the result to a
// viewer's token.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "server/api_test_util.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

using server::testing::Call;
using server::testing::HttpReply;

constexpr char kPipeline[] = R"(
pipeline:
  identifier: monitor
  name: monitor
  stages:
    - stage:
        identifier: Monitor_Model_Stage
        name: Monitor Model Stage
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: Monitor_Model_Step
                  name: Monitor Model Step
                  type: ModelStaleness
                  spec:
                    model: ccapproval
                    branch: main
                    paths: [model/train.py]
                    maxAgeDays: 7
              - step:
                  identifier: Email
                  name: Email
                  type: ShellScript
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo "stale since <+execution.steps.Monitor_Model_Step.output.outputVariables.last_updated>" > MARKER
                  when:
                    stageStatus: Success
                    condition: <+pipeline.stages.Monitor_Model_Stage.spec.execution.steps.Monitor_Model_Step.output.outputVariables.model_stale> == true
)";

// Commits everything in `dir` at `days_ago` days before now.
void CommitAt(const std::filesystem::path& dir, int days_ago, const std::string& message) {
  const long at = static_cast<long>(std::time(nullptr)) - days_ago * 86400L;
  const std::string date = "'@" + std::to_string(at) + " +0000'";
  const std::string cmd = "cd '" + dir.string() +
                          "' && git add -A model && GIT_AUTHOR_DATE=" + date +
                          " GIT_COMMITTER_DATE=" + date +
                          " git -c user.name=Dana -c user.email=d@example.com "
                          "-c commit.gpgsign=false commit --quiet -m '" +
                          message + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(ModelMonitorTest, AStaleModelNotifiesAndShowsInTheServersMetrics) {
  TestProject p;
  std::string yaml = kPipeline;
  const std::string marker = (p.scratch() / "email").string();
  yaml.replace(yaml.find("MARKER"), 6, marker);
  p.WritePipeline(yaml);
  p.Write("model/train.py", "fit()\n");
  ASSERT_EQ(std::system(("git init --quiet -b main '" + p.root().string() + "'").c_str()), 0);
  CommitAt(p.root(), 30, "train the model");

  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  const auto& step = FindStep(ex, "Monitor_Model_Stage.Monitor_Model_Step");
  EXPECT_EQ(step["outputs"]["model_stale"], "true") << step.dump();
  EXPECT_EQ(step["outputs"]["commit_message"], "train the model") << step.dump();
  EXPECT_NE(p.ReadScratch("email").find("stale since 20"), std::string::npos);

  auto add = p.Sluice({"user", "add", "vic", "--role", "viewer", "--password-stdin"},
                      {.stdin_text = "vic-password-1\n"});
  ASSERT_EQ(add.exit_code, 0) << add.err << add.out;
  auto token = p.Sluice({"token", "create", "--user", "vic"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string bearer =
      "Authorization: Bearer " + token.out.substr(0, token.out.find('\n')) + "\r\n";
  auto server = p.Start({"server", "--addr", "127.0.0.1:0", "--no-sandbox"});
  uint16_t port = 0;
  ASSERT_TRUE(WaitFor([&] {
    std::ifstream in(p.state() / "server.json");
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (!doc.is_object() || doc.value("pid", 0) != server->pid()) return false;
    std::string addr = doc.value("addr", "");
    port = static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
    return true;
  })) << server->StderrSoFar();
  EXPECT_EQ(Call(port, "GET", "/metrics", "").status, 401);
  HttpReply metrics = Call(port, "GET", "/metrics", bearer);
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_NE(metrics.body.find("sluice_model_stale{model=\"ccapproval\"} 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("sluice_executions{pipeline=\"monitor\",status=\"Success\"} 1\n"),
            std::string::npos)
      << metrics.body;
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait().exit_code, 0);
}

}  // namespace
}  // namespace sluice::testing
