#include "server/scheduler.h"

#include <set>

#include "triggers/cron.h"
#include "triggers/trigger_inputs.h"

namespace sluice::server {
namespace {

using triggers::Seconds;

Seconds ToSeconds(int64_t ms) {
  return Seconds(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(ms)));
}
int64_t ToMillis(Seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.time_since_epoch()).count();
}

}  // namespace

Scheduler::Scheduler(TriggerDeps deps, std::function<void(const std::string&)> log,
                     std::chrono::milliseconds tick)
    : deps_(std::move(deps)),
      log_(std::move(log)),
      tick_(tick),
      task_([this] { RunDue(); }, tick) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() { task_.Start(); }

void Scheduler::Stop() { task_.Stop(); }

std::vector<std::string> Scheduler::RunDue() {
  std::vector<std::string> started;
  DiagnosticList diags;
  auto project = deps_.load_project(&diags);
  if (!project.ok()) {
    log_("scheduler: the project did not load: " + project.status().message());
    return started;
  }
  std::vector<triggers::Trigger> loaded = triggers::LoadTriggers(&*project, &diags);
  const int64_t now_ms = deps_.clock.NowMillis();
  const Seconds now = ToSeconds(now_ms);
  store::TriggerStore& states = deps_.store.triggers();
  std::set<std::string> scheduled;
  for (const triggers::Trigger& t : loaded) {
    if (t.source != triggers::SourceType::kScheduled || !t.enabled) continue;
    scheduled.insert(t.identifier);
    auto known = states.GetSchedule(t.identifier);
    store::ScheduleRecord state;
    const bool same = known.ok() && known->expression == t.schedule.cron.text &&
                      known->time_zone == t.schedule.time_zone;
    if (known.ok()) state = *known;
    state.trigger_id = t.identifier;
    state.expression = t.schedule.cron.text;
    state.time_zone = t.schedule.time_zone;
    const bool due = same && state.next_fire_ms > 0 && state.next_fire_ms <= now_ms;
    if (due) {
      // Fire times missed while the server was down run once.
      if (now_ms - state.next_fire_ms > 5 * tick_.count()) {
        int missed = 1;
        Seconds at = ToSeconds(state.next_fire_ms);
        for (; missed < 10000; ++missed) {
          auto next = triggers::NextFireTime(t.schedule.cron, t.schedule.time_zone, at);
          if (!next.ok() || *next > now) break;
          at = *next;
        }
        log_("scheduler: trigger " + t.identifier + " missed " + std::to_string(missed) +
             " fire time(s) since " +
             triggers::FormatLocalTime(ToSeconds(state.next_fire_ms), t.schedule.time_zone) +
             " while the server was not running; running it once now");
      }
      std::string error;
      auto inputs = triggers::ResolveTriggerInputs(*project, t, nullptr);
      if (!inputs.ok()) {
        error = inputs.status().message();
      } else {
        auto run = StartTriggeredRun(deps_, *project, t, *inputs, "SCHEDULER_CRON", nullptr);
        if (run.ok()) {
          state.last_execution_id = *run;
          started.push_back(*run);
          log_("scheduler: trigger " + t.identifier + " started execution " + *run + " of " +
               t.pipeline_identifier);
        } else {
          error = run.status().message();
        }
      }
      if (!error.empty()) {
        log_("scheduler: trigger " + t.identifier + " could not start a run: " + error);
      }
      state.last_error = error;
      state.last_fire_ms = now_ms;
    }
    if (due || !same || state.next_fire_ms == 0) {
      auto next = triggers::NextFireTime(t.schedule.cron, t.schedule.time_zone, now);
      if (next.ok()) {
        state.next_fire_ms = ToMillis(*next);
      } else {
        state.next_fire_ms = 0;
        state.last_error = next.status().message();
        log_("scheduler: trigger " + t.identifier +
             " has no next fire time: " + next.status().message());
      }
      state.updated_ms = now_ms;
      if (Status s = states.PutSchedule(state); !s.ok()) {
        log_("scheduler: cannot record trigger " + t.identifier + "'s schedule: " + s.message());
      }
    }
  }
  // Triggers removed or disabled: their state goes.
  if (auto all = states.ListSchedules(); all.ok()) {
    for (const store::ScheduleRecord& s : *all) {
      if (!scheduled.count(s.trigger_id)) (void)states.RemoveSchedule(s.trigger_id);
    }
  }
  return started;
}

}  // namespace sluice::server
