// The cron triggers of sluice server. A thread wakes every `tick` (and
// when told to stop), reads the project's scheduled triggers afresh, and
// for each enabled one keeps its place in time in the store
// (store/trigger_store.h ScheduleRecord):
//   - a trigger seen for the first time (or whose expression or time zone
//     changed) is scheduled for its next fire time after now;
//   - a trigger whose next fire time has come starts a run (trigger type
//     SCHEDULER_CRON, started by "trigger:<id>", inputs from inputSetRefs
//     and inputYaml) and is scheduled for the next time after now. Fire
//     times missed while the server was down run once, on start, and the
//     log says how many were missed;
//   - a run that cannot start (inputs that do not fit, a pipeline gone)
//     is recorded as the schedule's last error and logged, and the
//     schedule goes on: schedules never stop silently.
// Disabled and removed triggers lose their schedule state.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/periodic.h"
#include "server/trigger_runs.h"

namespace sluice::server {

class Scheduler {
 public:
  // `log` gets one line per event worth telling (fires, misses, errors).
  Scheduler(TriggerDeps deps, std::function<void(const std::string&)> log,
            std::chrono::milliseconds tick = std::chrono::seconds(1));
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();
  void Stop();

  // One pass at the clock's now (what the thread does each tick; tests
  // call it directly). Returns the executions it started.
  std::vector<std::string> RunDue();

 private:
  TriggerDeps deps_;
  std::function<void(const std::string&)> log_;
  const std::chrono::milliseconds tick_;
  PeriodicTask task_;
};

}  // namespace sluice::server
