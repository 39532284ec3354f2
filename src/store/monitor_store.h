// What model monitoring keeps in the state database: the latest result of
// each check (monitor/staleness.h, monitor/drift.h), where each alert rule
// stands (monitor/alerts.h), and aggregates of the
// executions table for sluice server's /metrics (monitor/metrics.h).
// Store::monitor() gives the SQLite implementation.
//
// A check is identified by its kind ("staleness", "drift") and its subject
// (what was checked, e.g. "function ccapproval:live" or "repo /src/app
// src/train.cc"); putting a check replaces the earlier result of the same
// kind and subject, so the table stays as small as the number of things
// monitored.
//
// ExecutionStats answers with SQL aggregates (GROUP BY, and one SUM per
// histogram bucket), never by loading executions, so it costs a scan of the
// executions table and nothing per execution on the C++ side.
//
// Errors: InvalidArgument for an empty kind, subject or alert; IoError for the
// database. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::store {

struct MonitorCheckRecord {
  std::string kind;     // "staleness" | "drift"
  std::string subject;  // what was checked; with kind, the record's key
  nlohmann::json result = nlohmann::json::object();  // the check's result document
  std::string execution_id;                          // the execution whose step checked, or ""
  int64_t checked_ms = 0;
};

// Executions of one pipeline in one status.
struct ExecutionCount {
  std::string pipeline_id;
  std::string status;
  int64_t count = 0;
};

// Finished executions of one pipeline (ended_ms > 0): how many, their
// summed duration, and for each bound of the request how many took at most
// that long (cumulative, as Prometheus histograms count).
struct ExecutionDurations {
  std::string pipeline_id;
  int64_t count = 0;
  int64_t sum_ms = 0;
  std::vector<int64_t> at_most;  // one per bound, in the bounds' order
};

struct ExecutionStats {
  std::vector<ExecutionCount> counts;         // by pipeline, then status
  std::vector<ExecutionDurations> durations;  // by pipeline
};

// Where one alert rule stands (monitor/alerts.h decides; this keeps it).
struct AlertStateRecord {
  std::string alert;  // the rule's identifier; the record's key
  bool firing = false;
  int64_t since_ms = 0;  // when it last started or stopped firing
  int64_t episode = 0;   // how many times it has started firing
  bool notified = true;  // the current state's notification went out (or needs none)
  std::string summary;   // what the last evaluation saw, in words
  nlohmann::json value = nlohmann::json::object();  // and in figures
  std::string error;  // why the last evaluation or notification failed, or ""
  int64_t evaluated_ms = 0;
};

class MonitorStore {
 public:
  virtual ~MonitorStore() = default;

  // Creates or replaces the record of (kind, subject).
  virtual Status PutCheck(const MonitorCheckRecord& record) = 0;
  // Every record, by kind then subject.
  virtual Result<std::vector<MonitorCheckRecord>> ListChecks() const = 0;
  // Creates or replaces the state of record.alert.
  virtual Status PutAlertState(const AlertStateRecord& record) = 0;
  // NotFound when the alert has never been evaluated.
  virtual Result<AlertStateRecord> GetAlertState(const std::string& alert) const = 0;
  // Every state, by alert.
  virtual Result<std::vector<AlertStateRecord>> ListAlertStates() const = 0;
  // Forgets an alert (a rule removed or disabled); no error when absent.
  virtual Status DeleteAlertState(const std::string& alert) = 0;
  // Counts by pipeline and status, and duration histograms by pipeline
  // with the given upper bounds in milliseconds (ascending).
  virtual Result<ExecutionStats> GetExecutionStats(const std::vector<int64_t>& bounds_ms) const = 0;
};

}  // namespace sluice::store
