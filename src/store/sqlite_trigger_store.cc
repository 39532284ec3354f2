#include "store/sqlite_trigger_store.h"

#include <utility>

#include "common/text.h"

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;
using Json = nlohmann::json;

constexpr char kDeliveryColumns[] =
    "delivery_id, received_ms, source, event_type, headers_json, payload_size, payload_sample, "
    "payload_truncated, signature_status, error";
constexpr char kEvaluationColumns[] =
    "id, delivery_id, trigger_id, pipeline_id, fired, reason, conditions_json, execution_id, "
    "error, "
    "evaluated_ms";
constexpr char kScheduleColumns[] =
    "trigger_id, expression, time_zone, last_fire_ms, next_fire_ms, last_execution_id, last_error, "
    "updated_ms";

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Json> ParseColumn(const std::string& text, std::string_view column) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::IoError("column " + std::string(column) +
                           " holds invalid JSON; the database was changed outside sluice");
  }
  return j;
}

Result<DeliveryRecord> ReadDelivery(const Query& q) {
  DeliveryRecord d;
  d.delivery_id = q.Text(0);
  d.received_ms = q.Int(1);
  d.source = q.Text(2);
  d.event_type = q.Text(3);
  SLUICE_ASSIGN_OR_RETURN(Json headers, ParseColumn(q.Text(4), "headers_json"));
  if (headers.is_array()) {
    for (const Json& h : headers) {
      if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string()) {
        d.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
      }
    }
  }
  d.payload_size = q.Int(5);
  d.payload_sample = q.Text(6);
  d.payload_truncated = q.Int(7) != 0;
  d.signature_status = q.Text(8);
  d.error = q.Text(9);
  return d;
}

Result<TriggerEvaluationRecord> ReadEvaluation(const Query& q) {
  TriggerEvaluationRecord e;
  e.id = q.Int(0);
  e.delivery_id = q.Text(1);
  e.trigger_id = q.Text(2);
  e.pipeline_id = q.Text(3);
  e.fired = q.Int(4) != 0;
  e.reason = q.Text(5);
  SLUICE_ASSIGN_OR_RETURN(e.conditions, ParseColumn(q.Text(6), "conditions_json"));
  e.execution_id = q.Text(7);
  e.error = q.Text(8);
  e.evaluated_ms = q.Int(9);
  return e;
}

ScheduleRecord ReadSchedule(const Query& q) {
  ScheduleRecord s;
  s.trigger_id = q.Text(0);
  s.expression = q.Text(1);
  s.time_zone = q.Text(2);
  s.last_fire_ms = q.Int(3);
  s.next_fire_ms = q.Int(4);
  s.last_execution_id = q.Text(5);
  s.last_error = q.Text(6);
  s.updated_ms = q.Int(7);
  return s;
}

template <typename T, typename Read>
Result<std::vector<T>> ReadAll(Query& q, Read read) {
  std::vector<T> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(T item, read(q));
    out.push_back(std::move(item));
  }
  return out;
}

// Cuts at most kPayloadSampleBytes without splitting a UTF-8 sequence.
std::string Sample(const std::string& payload) {
  if (payload.size() <= kPayloadSampleBytes) return payload;
  size_t end = kPayloadSampleBytes;
  while (end > 0 && (static_cast<unsigned char>(payload[end]) & 0xC0) == 0x80) --end;
  return payload.substr(0, end);
}

}  // namespace

bool IsSecretHeader(std::string_view name) { return IsCredentialHeader(name); }

Result<std::unique_ptr<SqliteTriggerStore>> SqliteTriggerStore::Open(sqlite3* db, std::mutex& mu) {
  const std::string d = kDeliveryColumns;
  const std::string e = kEvaluationColumns;
  const std::string s = kScheduleColumns;
  Statements st;
  const std::pair<Statement*, std::string> items[] = {
      {&st.insert_delivery, "INSERT INTO webhook_deliveries (" + d +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                                "ON CONFLICT (delivery_id) DO NOTHING"},
      {&st.select_delivery, "SELECT " + d + " FROM webhook_deliveries WHERE delivery_id = ?1"},
      {&st.recent_deliveries,
       "SELECT " + d + " FROM webhook_deliveries ORDER BY received_ms DESC, row DESC LIMIT ?1"},
      {&st.insert_evaluation,
       "INSERT INTO trigger_evaluations (delivery_id, trigger_id, pipeline_id, fired, reason, "
       "conditions_json, execution_id, error, evaluated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
       "?8, ?9) "
       "RETURNING id"},
      {&st.set_outcome,
       "UPDATE trigger_evaluations SET execution_id = ?2, error = ?3 WHERE id = ?1"},
      {&st.evaluations_of,
       "SELECT " + e + " FROM trigger_evaluations WHERE delivery_id = ?1 ORDER BY id"},
      {&st.evaluations_of_trigger,
       "SELECT " + e + " FROM trigger_evaluations WHERE trigger_id = ?1 ORDER BY id DESC LIMIT ?2"},
      {&st.put_schedule, "INSERT OR REPLACE INTO trigger_schedules (" + s +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&st.select_schedule, "SELECT " + s + " FROM trigger_schedules WHERE trigger_id = ?1"},
      {&st.list_schedules,
       "SELECT " + s +
           " FROM trigger_schedules ORDER BY next_fire_ms = 0, next_fire_ms, trigger_id"},
      {&st.remove_schedule, "DELETE FROM trigger_schedules WHERE trigger_id = ?1"},
  };
  for (const auto& [statement, sql] : items) {
    SLUICE_ASSIGN_OR_RETURN(*statement, Statement::Prepare(db, sql));
  }
  return std::unique_ptr<SqliteTriggerStore>(new SqliteTriggerStore(mu, std::move(st)));
}

SqliteTriggerStore::SqliteTriggerStore(std::mutex& mu, Statements statements)
    : mu_(mu), statements_(std::move(statements)) {}

Status SqliteTriggerStore::RecordDelivery(const DeliveryRecord& delivery) {
  if (delivery.delivery_id.empty())
    return Status::InvalidArgument("a webhook delivery needs an id");
  Json headers = Json::array();
  for (const auto& [k, v] : delivery.headers) {
    headers.push_back(
        Json::array({k, IsSecretHeader(k) ? std::string("<redacted>") : ToValidUtf8(v)}));
  }
  std::string sample = Sample(delivery.payload_sample);
  bool truncated = delivery.payload_truncated || sample.size() < delivery.payload_sample.size();
  Lock lock(mu_);
  Query q(statements_.insert_delivery, "recording a webhook delivery");
  q.Bind(1, delivery.delivery_id);
  q.Bind(2, delivery.received_ms);
  q.Bind(3, delivery.source);
  q.Bind(4, delivery.event_type);
  q.Bind(5, DumpJson(headers));
  q.Bind(6, delivery.payload_size);
  q.Bind(7, ToValidUtf8(sample));
  q.Bind(8, static_cast<int64_t>(truncated ? 1 : 0));
  q.Bind(9, delivery.signature_status);
  q.Bind(10, delivery.error);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) {
    return Status::AlreadyExists("webhook delivery " + delivery.delivery_id +
                                 " was received before (a redelivery); it is not evaluated again");
  }
  return Status::Ok();
}

Result<DeliveryRecord> SqliteTriggerStore::GetDelivery(const std::string& delivery_id) const {
  Lock lock(mu_);
  Query q(statements_.select_delivery, "reading a webhook delivery");
  q.Bind(1, delivery_id);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("no webhook delivery " + delivery_id);
  return ReadDelivery(q);
}

Result<std::vector<DeliveryRecord>> SqliteTriggerStore::RecentDeliveries(int limit) const {
  Lock lock(mu_);
  Query q(statements_.recent_deliveries, "listing webhook deliveries");
  q.Bind(1, static_cast<int64_t>(limit));
  return ReadAll<DeliveryRecord>(q, ReadDelivery);
}

Status SqliteTriggerStore::AddEvaluation(TriggerEvaluationRecord* e) {
  Lock lock(mu_);
  Query q(statements_.insert_evaluation, "recording a trigger evaluation");
  q.Bind(1, e->delivery_id);
  q.Bind(2, e->trigger_id);
  q.Bind(3, e->pipeline_id);
  q.Bind(4, static_cast<int64_t>(e->fired ? 1 : 0));
  q.Bind(5, e->reason);
  q.Bind(6, DumpJson(e->conditions));
  q.Bind(7, e->execution_id);
  q.Bind(8, e->error);
  q.Bind(9, e->evaluated_ms);
  Result<bool> row = q.Step();
  if (!row.ok()) {
    // The foreign key is the likely cause: say which delivery.
    return Status(row.status().code(), row.status().message() + " (delivery " + e->delivery_id +
                                           " must be recorded first)");
  }
  if (*row) e->id = q.Int(0);
  return Status::Ok();
}

Status SqliteTriggerStore::SetEvaluationOutcome(int64_t id, const std::string& execution_id,
                                                const std::string& error) {
  Lock lock(mu_);
  Query q(statements_.set_outcome, "recording a trigger's execution");
  q.Bind(1, id);
  q.Bind(2, execution_id);
  q.Bind(3, error);
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return Status::NotFound("no trigger evaluation " + std::to_string(id));
  return Status::Ok();
}

Result<std::vector<TriggerEvaluationRecord>> SqliteTriggerStore::EvaluationsOf(
    const std::string& delivery_id) const {
  Lock lock(mu_);
  Query q(statements_.evaluations_of, "reading trigger evaluations");
  q.Bind(1, delivery_id);
  return ReadAll<TriggerEvaluationRecord>(q, ReadEvaluation);
}

Result<std::vector<TriggerEvaluationRecord>> SqliteTriggerStore::EvaluationsOfTrigger(
    const std::string& trigger_id, int limit) const {
  Lock lock(mu_);
  Query q(statements_.evaluations_of_trigger, "reading trigger evaluations");
  q.Bind(1, trigger_id);
  q.Bind(2, static_cast<int64_t>(limit));
  return ReadAll<TriggerEvaluationRecord>(q, ReadEvaluation);
}

Status SqliteTriggerStore::PutSchedule(const ScheduleRecord& s) {
  Lock lock(mu_);
  Query q(statements_.put_schedule, "storing a trigger schedule");
  q.Bind(1, s.trigger_id);
  q.Bind(2, s.expression);
  q.Bind(3, s.time_zone);
  q.Bind(4, s.last_fire_ms);
  q.Bind(5, s.next_fire_ms);
  q.Bind(6, s.last_execution_id);
  q.Bind(7, s.last_error);
  q.Bind(8, s.updated_ms);
  return q.Run();
}

Result<ScheduleRecord> SqliteTriggerStore::GetSchedule(const std::string& trigger_id) const {
  Lock lock(mu_);
  Query q(statements_.select_schedule, "reading a trigger schedule");
  q.Bind(1, trigger_id);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("trigger " + trigger_id + " has no schedule state yet");
  return ReadSchedule(q);
}

Result<std::vector<ScheduleRecord>> SqliteTriggerStore::ListSchedules() const {
  Lock lock(mu_);
  Query q(statements_.list_schedules, "listing trigger schedules");
  return ReadAll<ScheduleRecord>(
      q, [](const Query& query) -> Result<ScheduleRecord> { return ReadSchedule(query); });
}

Status SqliteTriggerStore::RemoveSchedule(const std::string& trigger_id) {
  Lock lock(mu_);
  Query q(statements_.remove_schedule, "removing a trigger schedule");
  q.Bind(1, trigger_id);
  return q.Run();
}

}  // namespace sluice::store
