// Triggers in the state database: webhook deliveries and what each trigger
// made of them, and the schedule state of cron triggers.
// Store::triggers() gives the SQLite implementation.
//
// A delivery is recorded once: its id (GitHub's X-GitHub-Delivery, or one
// the receiver makes up for deliveries without it) is unique, so a replay
// of the same delivery is refused with AlreadyExists and can be answered
// without firing anything again.
//
// What is kept of a delivery: the headers without their values for
// signature and credential headers (common/text.h's IsCredentialHeader:
// X-Hub-Signature*, Authorization, Cookie, X-Api-Key, ... are stored as
// "<redacted>" — the store redacts them itself, whatever the caller passes), the payload's size and
// its first kPayloadSampleBytes bytes (payload_truncated says when that is
// not all of it), and how its signature stood.
//
// Per trigger and delivery, one TriggerEvaluationRecord: fired or not, the
// deciding reason, the per-condition results as JSON (conditions.h's
// ConditionResult list), the execution it started, or the error that kept
// it from starting one.
//
// Errors: NotFound names the delivery or trigger; IoError for the
// database. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::store {

// How much of a payload a delivery record keeps.
inline constexpr size_t kPayloadSampleBytes = 64 * 1024;

struct DeliveryRecord {
  std::string delivery_id;
  int64_t received_ms = 0;
  std::string source;      // "Github" | "Custom"
  std::string event_type;  // "push", "pull_request", "ping", "custom"
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t payload_size = 0;    // bytes of the whole body
  std::string payload_sample;  // the first kPayloadSampleBytes bytes
  bool payload_truncated = false;
  // "valid", "missing", "malformed", "invalid", "not_required", "error",
  // "not_checked" (signature.h's SignatureStatusName).
  std::string signature_status = "not_checked";
  std::string error;  // why the delivery could not be read at all; "" when it could
};

struct TriggerEvaluationRecord {
  int64_t id = 0;  // set by AddEvaluation; increasing
  std::string delivery_id;
  std::string trigger_id;
  std::string pipeline_id;
  bool fired = false;
  std::string reason;  // the deciding condition, or "all conditions matched"
  nlohmann::json conditions = nlohmann::json::array();
  std::string execution_id;  // the run it started; "" for none
  std::string error;         // why a run could not start (inputs, queue); "" when none
  int64_t evaluated_ms = 0;
};

// A cron trigger's place in time, for a scheduler.
struct ScheduleRecord {
  std::string trigger_id;
  std::string expression;  // as evaluated, so a changed expression is noticed
  std::string time_zone;
  int64_t last_fire_ms = 0;  // 0: never fired
  int64_t next_fire_ms = 0;  // 0: none
  std::string last_execution_id;
  std::string last_error;
  int64_t updated_ms = 0;
};

class TriggerStore {
 public:
  virtual ~TriggerStore() = default;

  // Records a delivery (payload_sample is cut to kPayloadSampleBytes and
  // payload_truncated set when it is longer; secret headers redacted).
  // AlreadyExists when the delivery id was recorded before.
  virtual Status RecordDelivery(const DeliveryRecord& delivery) = 0;
  virtual Result<DeliveryRecord> GetDelivery(const std::string& delivery_id) const = 0;
  // Newest first.
  virtual Result<std::vector<DeliveryRecord>> RecentDeliveries(int limit) const = 0;

  // Adds the evaluation (its delivery must be recorded) and sets its id.
  virtual Status AddEvaluation(TriggerEvaluationRecord* evaluation) = 0;
  // Sets the execution started for (or the error of) an evaluation.
  virtual Status SetEvaluationOutcome(int64_t evaluation_id, const std::string& execution_id,
                                      const std::string& error) = 0;
  // In evaluation order.
  virtual Result<std::vector<TriggerEvaluationRecord>> EvaluationsOf(
      const std::string& delivery_id) const = 0;
  // Newest first.
  virtual Result<std::vector<TriggerEvaluationRecord>> EvaluationsOfTrigger(
      const std::string& trigger_id, int limit) const = 0;

  // Creates or replaces a trigger's schedule state.
  virtual Status PutSchedule(const ScheduleRecord& schedule) = 0;
  virtual Result<ScheduleRecord> GetSchedule(const std::string& trigger_id) const = 0;
  // Ordered by next fire time (0 last).
  virtual Result<std::vector<ScheduleRecord>> ListSchedules() const = 0;
  virtual Status RemoveSchedule(const std::string& trigger_id) = 0;
};

// Whether a header's value is a credential the store does not keep
// (IsCredentialHeader).
bool IsSecretHeader(std::string_view name);

}  // namespace sluice::store
