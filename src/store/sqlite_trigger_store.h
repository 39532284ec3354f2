// SqliteTriggerStore: the TriggerStore of trigger_store.h on SqliteStore's
// connection, internal to the store module (others reach it through
// Store::triggers()). Like SqliteApprovalStore it owns its prepared
// statements but neither the connection nor the mutex, which belong to the
// SqliteStore; every call holds that mutex.
#pragma once

#include <memory>
#include <mutex>

#include "store/statement.h"
#include "store/trigger_store.h"

namespace sluice::store {

class SqliteTriggerStore final : public TriggerStore {
 public:
  // Prepares the statements on `db`, whose schema must include migration 10.
  static Result<std::unique_ptr<SqliteTriggerStore>> Open(sqlite3* db, std::mutex& mu);
  SqliteTriggerStore(const SqliteTriggerStore&) = delete;
  SqliteTriggerStore& operator=(const SqliteTriggerStore&) = delete;

  Status RecordDelivery(const DeliveryRecord& delivery) override;
  Result<DeliveryRecord> GetDelivery(const std::string& delivery_id) const override;
  Result<std::vector<DeliveryRecord>> RecentDeliveries(int limit) const override;
  Status AddEvaluation(TriggerEvaluationRecord* evaluation) override;
  Status SetEvaluationOutcome(int64_t evaluation_id, const std::string& execution_id,
                              const std::string& error) override;
  Result<std::vector<TriggerEvaluationRecord>> EvaluationsOf(
      const std::string& delivery_id) const override;
  Result<std::vector<TriggerEvaluationRecord>> EvaluationsOfTrigger(const std::string& trigger_id,
                                                                    int limit) const override;
  Status PutSchedule(const ScheduleRecord& schedule) override;
  Result<ScheduleRecord> GetSchedule(const std::string& trigger_id) const override;
  Result<std::vector<ScheduleRecord>> ListSchedules() const override;
  Status RemoveSchedule(const std::string& trigger_id) override;

 private:
  struct Statements {
    Statement insert_delivery, select_delivery, recent_deliveries, insert_evaluation, set_outcome,
        evaluations_of, evaluations_of_trigger, put_schedule, select_schedule, list_schedules,
        remove_schedule;
  };
  SqliteTriggerStore(std::mutex& mu, Statements statements);

  std::mutex& mu_;
  mutable Statements statements_;  // protected by mu_
};

}  // namespace sluice::store
