#include "server/scheduler.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/files.h"
#include "engine/step.h"
#include "secrets/secret_store.h"
#include "steps/register.h"

namespace sluice::server {
namespace {

namespace fs = std::filesystem;

// 2026-11-27T03:00:00Z and a pipeline with a daily 03:00 UTC trigger.
constexpr int64_t kThreeAm = 1795748400000;
constexpr int64_t kDay = 24 * 3600 * 1000;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-scheduler-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    root_ = dir_->path();
    Write(".harness/pipelines/nightly.yaml", R"(pipeline:
  name: nightly
  identifier: nightly
  projectIdentifier: p
  orgIdentifier: o
  variables:
    - name: mode
      type: String
      value: <+input>
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
                        script: echo mode <+pipeline.variables.mode>
)");
    WriteTrigger("full");
    auto store = store::Store::Open(root_ / ".sluice", clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    steps::RegisterBuiltinSteps(&steps_);
    queue_ = std::make_unique<ExecutionQueue>(
        ExecutionQueueDeps{*store_, secrets_, steps_, processes_, clock_},
        ExecutionQueueOptions{.state_dir = root_ / ".sluice", .max_parallel = 1, .sandbox = false});
  }
  void TearDown() override {
    if (queue_) queue_->Shutdown();
  }

  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    ASSERT_TRUE(WriteFileAtomic(root_ / relative, text).ok());
  }
  void WriteTrigger(const std::string& mode, const std::string& extra = "") {
    Write(".harness/triggers/nightly.yaml",
          "trigger:\n  name: nightly\n  identifier: nightly\n  pipelineIdentifier: nightly\n" +
              extra +
              "  source:\n    type: Scheduled\n    spec:\n      type: Cron\n      spec:\n"
              "        type: UNIX\n        expression: \"0 3 * * *\"\n        timezone: UTC\n"
              "  inputYaml: |\n    pipeline:\n      identifier: nightly\n      variables:\n"
              "        - name: mode\n          type: String\n          value: " +
              mode + "\n");
  }

  void SetNow(int64_t ms) { clock_.Advance(ms - clock_.NowMillis()); }

  Scheduler MakeScheduler() {
    fs::path root = root_;
    return Scheduler({*store_, *queue_, clock_, nullptr,
                      [root](DiagnosticList* d) { return pipeline::LoadProject(root, d); }},
                     [this](const std::string& line) { log_.push_back(line); });
  }

  std::unique_ptr<TempDir> dir_;
  fs::path root_;
  FakeClock clock_{kThreeAm - 3600 * 1000};  // 02:00
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry steps_;
  runner::LocalProcessRunner processes_;
  std::unique_ptr<ExecutionQueue> queue_;
  std::vector<std::string> log_;
};

TEST_F(SchedulerTest, FiresAtItsTimeAndSchedulesTheNext) {
  Scheduler scheduler = MakeScheduler();
  EXPECT_TRUE(scheduler.RunDue().empty());  // first sight: scheduled, not fired
  auto state = store_->triggers().GetSchedule("nightly");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->next_fire_ms, kThreeAm);

  SetNow(kThreeAm + 500);
  std::vector<std::string> started = scheduler.RunDue();
  ASSERT_EQ(started.size(), 1u);
  auto rec = store_->GetExecution(started[0]);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->trigger_type, "SCHEDULER_CRON");
  EXPECT_EQ(rec->trigger["type"], "Scheduled") << "<+trigger.type> of a cron run";
  EXPECT_EQ(rec->trigger["identifier"], "nightly");
  EXPECT_TRUE(rec->trigger["payload"].is_null());
  EXPECT_TRUE(rec->trigger["branch"].is_null());
  state = store_->triggers().GetSchedule("nightly");
  EXPECT_EQ(state->next_fire_ms, kThreeAm + kDay);
  EXPECT_EQ(state->last_execution_id, started[0]);
  EXPECT_TRUE(scheduler.RunDue().empty()) << "fires once";
}

TEST_F(SchedulerTest, MissedFireTimesRunOnceAndAreLogged) {
  {
    Scheduler before = MakeScheduler();
    before.RunDue();
  }
  // The server was down for three days and a bit.
  SetNow(kThreeAm + 3 * kDay + 60'000);
  Scheduler after = MakeScheduler();
  std::vector<std::string> started = after.RunDue();
  EXPECT_EQ(started.size(), 1u);
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_[0].find("missed 4 fire time(s)"), std::string::npos) << log_[0];
  EXPECT_EQ(store_->triggers().GetSchedule("nightly")->next_fire_ms, kThreeAm + 4 * kDay);
}

TEST_F(SchedulerTest, ARunThatCannotStartIsRecordedAndTheScheduleGoesOn) {
  Scheduler scheduler = MakeScheduler();
  scheduler.RunDue();
  WriteTrigger("full", "  inputSetRefs: [missing]\n");  // an input set the project lacks
  SetNow(kThreeAm + 1000);
  EXPECT_TRUE(scheduler.RunDue().empty());
  auto state = store_->triggers().GetSchedule("nightly");
  ASSERT_TRUE(state.ok());
  EXPECT_NE(state->last_error, "");
  EXPECT_EQ(state->next_fire_ms, kThreeAm + kDay) << "still scheduled";
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("could not start a run"), std::string::npos) << log_.back();
}

TEST_F(SchedulerTest, ADisabledTriggerLosesItsSchedule) {
  Scheduler scheduler = MakeScheduler();
  scheduler.RunDue();
  ASSERT_TRUE(store_->triggers().GetSchedule("nightly").ok());
  WriteTrigger("full", "  enabled: false\n");
  SetNow(kThreeAm + 1000);
  EXPECT_TRUE(scheduler.RunDue().empty());
  EXPECT_FALSE(store_->triggers().GetSchedule("nightly").ok());
}

}  // namespace
}  // namespace sluice::server
