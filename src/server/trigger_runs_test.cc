// Webhook deliveries through HandleWebhook with real executions: the run
// a trigger starts reads <+trigger.*>, keeps those values for a retry
// without credential headers, and autoAbortPreviousExecutions stops what a
// newer push or pull request event supersedes.
#include "server/trigger_runs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/clock.h"
#include "common/files.h"
#include "engine/step.h"
#include "secrets/secret_store.h"
#include "steps/register.h"
#include "triggers/signature.h"

namespace sluice::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 1500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// One ShellScript step that prints and outputs trigger values, then waits
// until the file `release` exists in the project directory.
constexpr char kPipeline[] = R"(pipeline:
  name: train
  identifier: train
  projectIdentifier: p
  orgIdentifier: o
  stages:
    - stage:
        name: S
        identifier: S
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: say
                  identifier: say
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: |-
                          echo "branch=<+trigger.branch> repo=<+trigger.payload.repository.name> event=<+trigger.header['x-github-event']> signature=<+trigger.header['X-Hub-Signature-256']>"
                          branch=<+trigger.branch>
                          repo=<+eventPayload.repository.name>
                          pr=<+trigger.prNumber>
                          while [ ! -e "RELEASE_FILE" ]; do sleep 0.05; done
                    outputVariables:
                      - {name: branch, type: String, value: branch}
                      - {name: repo, type: String, value: repo}
                      - {name: pr, type: String, value: pr}
)";

// A pipeline that waits for an approval (no process holds it meanwhile).
constexpr char kGatedPipeline[] = R"(pipeline:
  name: gated
  identifier: gated
  projectIdentifier: p
  orgIdentifier: o
  stages:
    - stage:
        identifier: Gate
        name: Gate
        type: Approval
        spec:
          execution:
            steps:
              - step:
                  identifier: ok
                  name: ok
                  type: HarnessApproval
                  timeout: 1h
                  spec:
                    approvalMessage: Deploy <+trigger.branch>?
                    includePipelineExecutionHistory: false
                    approvers: {userGroups: [approvers], minimumCount: 1}
)";

// A trigger of pipeline train on GitHub `event` (Push or PullRequest) that
// fires for deliveries whose payload has "lane": `lane`.
std::string TriggerYaml(const std::string& id, const std::string& event, const std::string& lane,
                        bool auto_abort, const std::string& extra = "") {
  return "trigger:\n  name: " + id + "\n  identifier: " + id + "\n  pipelineIdentifier: train\n" +
         extra +
         "  source:\n    type: Webhook\n    spec:\n      type: Github\n      spec:\n"
         "        type: " +
         event +
         "\n        spec:\n          connectorRef: github\n"
         "          autoAbortPreviousExecutions: " +
         (auto_abort ? "true" : "false") +
         "\n          payloadConditions:\n"
         "            - {key: \"<+trigger.payload.lane>\", operator: Equals, value: " +
         lane + "}\n";
}

class TriggerRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-trigger-runs-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    root_ = dir_->path();
    release_ = root_ / "release";
    std::string pipeline = kPipeline;
    pipeline.replace(pipeline.find("RELEASE_FILE"), 12, release_.string());
    Write(".harness/pipelines/train.yaml", pipeline);
    Write(".harness/triggers/on_push.yaml",
          TriggerYaml("on_push", "Push", "a", true,
                      "  encryptedWebhookSecretIdentifier: github_webhook\n"));
    Write(".harness/triggers/on_push_b.yaml", TriggerYaml("on_push_b", "Push", "b", false));
    Write(".harness/triggers/on_pr.yaml", TriggerYaml("on_pr", "PullRequest", "a", true));
    Write(".harness/pipelines/gated.yaml", kGatedPipeline);
    Write(".harness/usergroups/approvers.yaml",
          "userGroup:\n  identifier: approvers\n  name: approvers\n  users: [bob]\n");
    std::string gate = TriggerYaml("on_gate", "Push", "g", true);
    gate.replace(gate.find("pipelineIdentifier: train"), 25, "pipelineIdentifier: gated");
    Write(".harness/triggers/on_gate.yaml", gate);
    ASSERT_TRUE(secrets_.Set("github_webhook", kSecret).ok());
    auto store = store::Store::Open(root_ / ".sluice", clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    steps::RegisterBuiltinSteps(&steps_);
    UseQueue(6);
  }
  // A new execution queue running at most `max_parallel` executions (the
  // earlier one stopped, as a server restart does).
  void UseQueue(int max_parallel) {
    if (queue_) queue_->Shutdown();
    queue_ = std::make_unique<ExecutionQueue>(
        ExecutionQueueDeps{*store_, secrets_, steps_, processes_, clock_},
        ExecutionQueueOptions{
            .state_dir = root_ / ".sluice", .max_parallel = max_parallel, .sandbox = false});
    fs::path root = root_;
    deps_ = std::make_unique<TriggerDeps>(
        TriggerDeps{*store_, *queue_, clock_, &secrets_,
                    [root](DiagnosticList* d) { return pipeline::LoadProject(root, d); }});
  }
  void TearDown() override {
    if (queue_) queue_->Shutdown();
  }

  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    ASSERT_TRUE(WriteFileAtomic(root_ / relative, text).ok());
  }
  void Release() { ASSERT_TRUE(WriteFileAtomic(release_, "").ok()); }

  // Delivers a signed GitHub event with `body`; the answer.
  WebhookAnswer Deliver(const std::string& event, const Json& body) {
    net::HttpRequest request;
    request.method = "POST";
    request.path = request.target = "/api/webhooks/github";
    request.body = body.dump();
    request.headers = {
        {"X-GitHub-Event", event},
        {"X-GitHub-Delivery", "delivery-" + std::to_string(++deliveries_)},
        {"X-Hub-Signature-256", triggers::GithubSignatureHeader(kSecret, request.body)},
        {"Authorization", "Bearer not-for-the-record"},
        {"Content-Type", "application/json"}};
    request.remote_address = "127.0.0.1";
    return HandleWebhook(*deps_, request, /*github=*/true);
  }
  static Json Push(const std::string& branch, const std::string& lane) {
    return {{"ref", "refs/heads/" + branch},
            {"after", "0123abc"},
            {"before", "fedc987"},
            {"lane", lane},
            {"repository", {{"name", "credit-card"}, {"full_name", "acme/credit-card"}}},
            {"sender", {{"login", "dev"}}},
            {"commits", Json::array()}};
  }
  static Json PullRequest(int number, const std::string& action) {
    return {{"action", action},
            {"number", number},
            {"lane", "a"},
            {"pull_request",
             {{"number", number},
              {"title", "PR " + std::to_string(number)},
              {"head", {{"ref", "feature-" + std::to_string(number)}, {"sha", "h"}}},
              {"base", {{"ref", "main"}, {"sha", "b"}}}}},
            {"repository", {{"name", "credit-card"}, {"full_name", "acme/credit-card"}}}};
  }

  // The execution `trigger` started in `answer` ("" when none), and the
  // ids it aborted.
  static std::string Started(const WebhookAnswer& answer, const std::string& trigger) {
    for (const auto& t : answer.body["triggers"]) {
      if (t["trigger"] == trigger && t.contains("execution")) return t["execution"];
    }
    return "";
  }
  static Json Aborted(const WebhookAnswer& answer, const std::string& trigger) {
    for (const auto& t : answer.body["triggers"]) {
      if (t["trigger"] == trigger) return t.value("aborted", Json::array());
    }
    return Json::array();
  }

  std::string StatusOf(const std::string& id) {
    auto rec = store_->GetExecution(id);
    return rec.ok() ? rec->status : rec.status().ToString();
  }
  std::string StepStatus(const std::string& id) {
    auto nodes = store_->GetNodes(id);
    if (!nodes.ok()) return "";
    for (const auto& n : *nodes) {
      if (n.path == "S.say") return n.status;
    }
    return "";
  }
  Json StepOutputs(const std::string& id) {
    auto nodes = store_->GetNodes(id);
    EXPECT_TRUE(nodes.ok());
    for (const auto& n : *nodes) {
      if (n.path == "S.say") return n.outputs;
    }
    return Json::object();
  }
  // A manual run of train, as the API starts one.
  std::string StartManually() {
    DiagnosticList diags;
    auto project = pipeline::LoadProject(root_, &diags);
    EXPECT_TRUE(project.ok());
    auto launch = PrepareNewExecution(*store_, *project, *project->FindPipeline("train"),
                                      Json::object(), clock_, getpid());
    EXPECT_TRUE(launch.ok()) << launch.status().ToString();
    const std::string id = launch->record.id;
    EXPECT_TRUE(queue_->Submit(std::move(*launch), "alice").ok());
    return id;
  }

  static constexpr char kSecret[] = "hook-secret-value";
  std::unique_ptr<TempDir> dir_;
  fs::path root_;
  fs::path release_;
  FakeClock clock_{1'795'748'400'000};
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry steps_;
  runner::LocalProcessRunner processes_;
  std::unique_ptr<ExecutionQueue> queue_;
  std::unique_ptr<TriggerDeps> deps_;
  int deliveries_ = 0;
};

TEST_F(TriggerRunsTest, ThePipelineOfAPushReadsTheTriggerValues) {
  Release();
  WebhookAnswer answer = Deliver("push", Push("main", "a"));
  ASSERT_EQ(answer.status, 202) << answer.body.dump();
  const std::string id = Started(answer, "on_push");
  ASSERT_NE(id, "") << answer.body.dump();
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "Success"; })) << StatusOf(id);

  auto log = store_->ReadLog(id, "S.say");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("branch=main repo=credit-card event=push signature=null"), std::string::npos)
      << *log;
  Json outputs = StepOutputs(id);
  EXPECT_EQ(outputs["branch"], "main");
  EXPECT_EQ(outputs["repo"], "credit-card");
  EXPECT_EQ(outputs["pr"], "null");
}

TEST_F(TriggerRunsTest, TheRecordKeepsTheValuesWithoutCredentialsAndARetryReadsThem) {
  Release();
  WebhookAnswer answer = Deliver("pull_request", PullRequest(7, "opened"));
  const std::string id = Started(answer, "on_pr");
  ASSERT_NE(id, "") << answer.body.dump();
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "Success"; })) << StatusOf(id);

  auto rec = store_->GetExecution(id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->trigger["event"], "PR");
  EXPECT_EQ(rec->trigger["prNumber"], 7);
  EXPECT_EQ(rec->trigger["identifier"], "on_pr");
  EXPECT_EQ(rec->trigger["header"]["X-GitHub-Event"], "pull_request");
  const std::string stored = rec->trigger.dump();
  for (const char* secret : {"X-Hub-Signature", "Authorization", "not-for-the-record", "sha256="}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret << " in " << stored;
  }

  // A retry runs from the stored record: the same values, no event at hand.
  auto retry = PrepareRetry(*store_, root_ / ".sluice", id, "S", clock_, getpid());
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  const std::string again = retry->record.id;
  ASSERT_TRUE(queue_->Submit(std::move(*retry), "alice").ok());
  ASSERT_TRUE(WaitFor([&] { return StatusOf(again) == "Success"; })) << StatusOf(again);
  Json outputs = StepOutputs(again);
  EXPECT_EQ(outputs["branch"], "feature-7");
  EXPECT_EQ(outputs["pr"], "7");
  EXPECT_EQ(store_->GetExecution(again)->trigger, rec->trigger);
}

TEST_F(TriggerRunsTest, ARunInterruptedByAServerStopReadsTheSameValuesWhenResumed) {
  const std::string id = Started(Deliver("push", Push("release/2", "a")), "on_push");
  ASSERT_NE(id, "");
  ASSERT_TRUE(WaitFor([&] { return StepStatus(id) == "Running"; })) << StepStatus(id);
  // The server stops: the run is left resumable; the next server resumes it
  // from its record alone.
  UseQueue(2);
  Release();
  auto resumed = queue_->ResumeInterrupted("sluice server");
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(*resumed, std::vector<std::string>{id});
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == "Success"; })) << StatusOf(id);
  EXPECT_EQ(StepOutputs(id)["branch"], "release/2");
  EXPECT_EQ(StepOutputs(id)["repo"], "credit-card");
}

TEST_F(TriggerRunsTest, ANewerPushAbortsOnlyTheSameTriggersRunsOfThatBranch) {
  const std::string first = Started(Deliver("push", Push("main", "a")), "on_push");
  ASSERT_NE(first, "");
  const std::string manual = StartManually();
  const std::string dev = Started(Deliver("push", Push("dev", "a")), "on_push");
  const std::string other = Started(Deliver("push", Push("main", "b")), "on_push_b");
  ASSERT_NE(dev, "");
  ASSERT_NE(other, "");
  ASSERT_TRUE(WaitFor([&] { return StepStatus(first) == "Running"; })) << StepStatus(first);

  WebhookAnswer newer = Deliver("push", Push("main", "a"));
  const std::string second = Started(newer, "on_push");
  ASSERT_NE(second, "") << newer.body.dump();
  EXPECT_EQ(Aborted(newer, "on_push"), Json::array({first})) << newer.body.dump();

  ASSERT_TRUE(WaitFor([&] { return StatusOf(first) == "Aborted"; })) << StatusOf(first);
  EXPECT_EQ(store_->GetExecution(first)->failure_message,
            "aborted by trigger on_push: a newer push to main");
  auto audit = store_->audit().Query({.action = "trigger.abort"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].actor, "trigger:on_push");
  EXPECT_EQ((*audit)[0].target, first);
  EXPECT_EQ((*audit)[0].detail["execution"], second);

  for (const std::string& id : {manual, dev, other, second}) {
    EXPECT_EQ(StatusOf(id), "Running") << id << " must be left alone";
  }
  Release();
  for (const std::string& id : {manual, dev, other, second}) {
    EXPECT_TRUE(WaitFor([&] { return StatusOf(id) == "Success"; })) << id << ": " << StatusOf(id);
  }
}

TEST_F(TriggerRunsTest, ANewerEventOfAPullRequestAbortsItsEarlierRunOnly) {
  const std::string seven = Started(Deliver("pull_request", PullRequest(7, "opened")), "on_pr");
  const std::string eight = Started(Deliver("pull_request", PullRequest(8, "opened")), "on_pr");
  ASSERT_NE(seven, "");
  ASSERT_NE(eight, "");

  WebhookAnswer newer = Deliver("pull_request", PullRequest(7, "synchronize"));
  const std::string again = Started(newer, "on_pr");
  ASSERT_NE(again, "") << newer.body.dump();
  EXPECT_EQ(Aborted(newer, "on_pr"), Json::array({seven})) << newer.body.dump();
  ASSERT_TRUE(WaitFor([&] { return StatusOf(seven) == "Aborted"; })) << StatusOf(seven);
  EXPECT_EQ(store_->GetExecution(seven)->failure_message,
            "aborted by trigger on_pr: a newer event of pull request #7");
  EXPECT_EQ(StatusOf(eight), "Running");
  EXPECT_EQ(StatusOf(again), "Running");
  Release();
  EXPECT_TRUE(WaitFor([&] { return StatusOf(eight) == "Success"; })) << StatusOf(eight);
  EXPECT_TRUE(WaitFor([&] { return StatusOf(again) == "Success"; })) << StatusOf(again);
}

TEST_F(TriggerRunsTest, AQueuedRunIsAbortedBeforeItStarts) {
  UseQueue(1);
  const std::string manual = StartManually();  // holds the only worker
  ASSERT_TRUE(WaitFor([&] { return StepStatus(manual) == "Running"; })) << StepStatus(manual);
  const std::string first = Started(Deliver("push", Push("main", "a")), "on_push");
  ASSERT_NE(first, "");
  EXPECT_TRUE(queue_->queued(first));

  WebhookAnswer newer = Deliver("push", Push("main", "a"));
  const std::string second = Started(newer, "on_push");
  EXPECT_EQ(Aborted(newer, "on_push"), Json::array({first})) << newer.body.dump();
  EXPECT_EQ(StatusOf(first), "Aborted");
  EXPECT_EQ(store_->GetExecution(first)->failure_message,
            "aborted by trigger on_push: a newer push to main");
  EXPECT_TRUE(store_->GetNodes(first)->empty()) << "it never ran";
  Release();
  EXPECT_TRUE(WaitFor([&] { return StatusOf(second) == "Success"; })) << StatusOf(second);
  EXPECT_EQ(StatusOf(manual), "Success");
}

TEST_F(TriggerRunsTest, ARunWaitingForAnApprovalIsAbortedByANewerPush) {
  const std::string first = Started(Deliver("push", Push("main", "g")), "on_gate");
  ASSERT_NE(first, "");
  ASSERT_TRUE(WaitFor([&] { return StatusOf(first) == "ApprovalWaiting"; })) << StatusOf(first);

  WebhookAnswer newer = Deliver("push", Push("main", "g"));
  const std::string second = Started(newer, "on_gate");
  ASSERT_NE(second, "") << newer.body.dump();
  EXPECT_EQ(Aborted(newer, "on_gate"), Json::array({first})) << newer.body.dump();
  EXPECT_EQ(StatusOf(first), "Aborted");
  EXPECT_EQ(store_->GetExecution(first)->failure_message,
            "aborted by trigger on_gate: a newer push to main");
  EXPECT_TRUE(WaitFor([&] { return StatusOf(second) == "ApprovalWaiting"; })) << StatusOf(second);
}

TEST_F(TriggerRunsTest, WithoutAutoAbortEarlierRunsGoOn) {
  const std::string first = Started(Deliver("push", Push("main", "b")), "on_push_b");
  WebhookAnswer newer = Deliver("push", Push("main", "b"));
  const std::string second = Started(newer, "on_push_b");
  ASSERT_NE(first, "");
  ASSERT_NE(second, "");
  EXPECT_EQ(Aborted(newer, "on_push_b"), Json::array()) << newer.body.dump();
  EXPECT_EQ(StatusOf(first), "Running");
  Release();
  EXPECT_TRUE(WaitFor([&] { return StatusOf(first) == "Success"; })) << StatusOf(first);
}

}  // namespace
}  // namespace sluice::server
