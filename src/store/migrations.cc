#include "store/migrations.h"

#include <cassert>
#include <string>

#include "store/statement.h"

namespace sluice::store {

namespace {

// Version 1. Persisted layout: JSON columns are TEXT holding a JSON document;
// times are milliseconds since the Unix epoch; 0 means "not yet".
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE executions (
  -- An explicit INTEGER PRIMARY KEY (a rowid alias) keeps creation order
  -- stable across VACUUM; it breaks ties of started_ms in listings.
  row INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  pipeline_id TEXT NOT NULL,
  pipeline_name TEXT NOT NULL DEFAULT '',
  sequence_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT '',
  started_ms INTEGER NOT NULL DEFAULT 0,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  project_dir TEXT NOT NULL DEFAULT '',
  pipeline_file TEXT NOT NULL DEFAULT '',
  pipeline_yaml TEXT NOT NULL DEFAULT '',
  inputs_json TEXT NOT NULL DEFAULT '{}',
  trigger_type TEXT NOT NULL DEFAULT 'MANUAL',
  failure_message TEXT NOT NULL DEFAULT '',
  retried_from TEXT NOT NULL DEFAULT '',
  retry_from_node TEXT NOT NULL DEFAULT '',
  runner_pid INTEGER NOT NULL DEFAULT 0,
  abort_requested INTEGER NOT NULL DEFAULT 0,
  UNIQUE (pipeline_id, sequence_id)
);
CREATE INDEX executions_by_start ON executions (started_ms);

CREATE TABLE nodes (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  identifier TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  started_ms INTEGER NOT NULL DEFAULT 0,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  attempt INTEGER NOT NULL DEFAULT 0,
  outputs_json TEXT NOT NULL DEFAULT '{}',
  failure_type TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL DEFAULT 0,
  details_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (execution_id, path)
) WITHOUT ROWID;

-- One row per node log file; `file` is relative to the state directory.
CREATE TABLE logs (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_path TEXT NOT NULL,
  file TEXT NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0,
  line_count INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (execution_id, node_path)
) WITHOUT ROWID;
)sql";

// Version 2: a decision for a step waiting on a ManualIntervention failure
// strategy (`sluice intervene`); the running engine takes it (deletes the row).
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE interventions (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_path TEXT NOT NULL,
  action TEXT NOT NULL,
  requested_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (execution_id, node_path)
) WITHOUT ROWID;
)sql";

// Version 3: what Policy steps decided (PolicyEvaluationRecord): one row per
// step attempt with its input, one row per evaluated policy.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE policy_evaluations (
  id INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_path TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  input_json TEXT NOT NULL DEFAULT 'null',
  evaluated_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX policy_evaluations_by_execution ON policy_evaluations (execution_id, id);

CREATE TABLE policy_results (
  id INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES policy_evaluations (id) ON DELETE CASCADE,
  policy_set TEXT NOT NULL,
  policy_set_name TEXT NOT NULL DEFAULT '',
  policy TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  deny_messages_json TEXT NOT NULL DEFAULT '[]',
  error TEXT NOT NULL DEFAULT '',
  duration_us INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX policy_results_by_evaluation ON policy_results (evaluation_id, id);
)sql";

// Version 4: the artifacts an execution published (ArtifactRecord), kept
// with the execution, in the order they were added. size -1 = unknown.
constexpr std::string_view kMigration4 = R"sql(
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_path TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT -1,
  sha256 TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX artifacts_by_execution ON artifacts (execution_id, id);
)sql";

// Version 5: which stored object an artifact is (bucket and key; empty for
// a URL a step only announced), so a later step or the server finds it.
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE artifacts ADD COLUMN bucket TEXT NOT NULL DEFAULT '';
ALTER TABLE artifacts ADD COLUMN object_key TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: the function runtime's functions (function_records.h). A
// function's $LATEST configuration and each published version's are
// FunctionConfigJson text; last_version only grows, so numbers of deleted
// versions are never handed out again. An alias's additional_version is
// NULL when it routes to one version only; the foreign keys to
// function_versions keep a version with an alias on it from being deleted.
// Invocations are a bounded sample, newest = highest id; AUTOINCREMENT
// keeps ids of deleted rows from coming back, so an id is a stable cursor.
constexpr std::string_view kMigration6 = R"sql(
CREATE TABLE functions (
  name TEXT PRIMARY KEY,
  latest_config_json TEXT NOT NULL,
  last_version INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE function_versions (
  function TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  config_sha256 TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (function, version)
) WITHOUT ROWID;

CREATE TABLE function_aliases (
  function TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  additional_version INTEGER,
  additional_weight REAL NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT '',
  updated_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (function, name),
  FOREIGN KEY (function, version) REFERENCES function_versions (function, version),
  FOREIGN KEY (function, additional_version) REFERENCES function_versions (function, version)
) WITHOUT ROWID;
CREATE INDEX function_aliases_by_version ON function_aliases (function, version);
CREATE INDEX function_aliases_by_additional_version
  ON function_aliases (function, additional_version);

CREATE TABLE invocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  qualifier TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  started_ms INTEGER NOT NULL DEFAULT 0,
  latency_us INTEGER NOT NULL DEFAULT 0,
  status INTEGER NOT NULL DEFAULT 0,
  error_type TEXT NOT NULL DEFAULT '',
  input TEXT NOT NULL DEFAULT '',
  output TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invocations_by_function ON invocations (function, id DESC);
)sql";

// Users, API tokens, browser sessions and the audit log (auth_records.h).
// Secrets are never stored: passwords as Argon2id hash strings, tokens and
// session ids as hex SHA-256. The audit log refuses UPDATE and DELETE.
constexpr std::string_view kMigration7 = R"sql(
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  email TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('viewer', 'executor', 'approver', 'admin')),
  password_hash TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  label TEXT NOT NULL DEFAULT '',
  token_sha256 TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL DEFAULT 0,
  expires_ms INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name);
CREATE TABLE sessions (
  id_sha256 TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  remote_address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_name);
CREATE INDEX sessions_by_expiry ON sessions (expires_ms);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  remote_address TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (time_ms);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Version 8: approvals. One row per HarnessApproval step that asked (its
// settings as resolved when it first ran, and where it stands), and every
// approve or reject in order. JSON columns as in version 1.
constexpr std::string_view kMigration8 = R"sql(
CREATE TABLE approvals (
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_path TEXT NOT NULL,
  pipeline_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  user_groups_json TEXT NOT NULL DEFAULT '[]',
  minimum_count INTEGER NOT NULL DEFAULT 1,
  disallow_executor INTEGER NOT NULL DEFAULT 0,
  executor TEXT NOT NULL DEFAULT '',
  approver_inputs_json TEXT NOT NULL DEFAULT '[]',
  include_history INTEGER NOT NULL DEFAULT 0,
  requested_ms INTEGER NOT NULL DEFAULT 0,
  deadline_ms INTEGER NOT NULL DEFAULT 0,
  decided_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (execution_id, node_path)
);
CREATE INDEX approvals_by_status ON approvals (status, requested_ms);

CREATE TABLE approval_activities (
  id INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL,
  node_path TEXT NOT NULL,
  user TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  comments TEXT NOT NULL DEFAULT '',
  inputs_json TEXT NOT NULL DEFAULT '{}',
  at_ms INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (execution_id, node_path) REFERENCES approvals (execution_id, node_path)
    ON DELETE CASCADE
);
CREATE INDEX approval_activities_by_step ON approval_activities (execution_id, node_path, id);
)sql";

// Version 9: listing executions newest first by pipeline or by status
// (sluice server's executions list, which pages through thousands).
constexpr std::string_view kMigration9 = R"sql(
CREATE INDEX executions_by_pipeline_start ON executions (pipeline_id, started_ms, row);
CREATE INDEX executions_by_status_start ON executions (status, started_ms, row);
)sql";

// Version 10: triggers. Webhook deliveries (one row per delivery id, so a
// redelivery is recognised; headers without credentials, a payload sample),
// what each trigger made of a delivery, and cron triggers' schedule state.
// JSON columns as in version 1.
constexpr std::string_view kMigration10 = R"sql(
CREATE TABLE webhook_deliveries (
  row INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL UNIQUE,
  received_ms INTEGER NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  event_type TEXT NOT NULL DEFAULT '',
  headers_json TEXT NOT NULL DEFAULT '[]',
  payload_size INTEGER NOT NULL DEFAULT 0,
  payload_sample TEXT NOT NULL DEFAULT '',
  payload_truncated INTEGER NOT NULL DEFAULT 0,
  signature_status TEXT NOT NULL DEFAULT 'not_checked',
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (received_ms, row);

CREATE TABLE trigger_evaluations (
  id INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
  trigger_id TEXT NOT NULL,
  pipeline_id TEXT NOT NULL DEFAULT '',
  fired INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  conditions_json TEXT NOT NULL DEFAULT '[]',
  execution_id TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  evaluated_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trigger_evaluations_by_delivery ON trigger_evaluations (delivery_id, id);
CREATE INDEX trigger_evaluations_by_trigger ON trigger_evaluations (trigger_id, id);

CREATE TABLE trigger_schedules (
  trigger_id TEXT PRIMARY KEY,
  expression TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  last_fire_ms INTEGER NOT NULL DEFAULT 0,
  next_fire_ms INTEGER NOT NULL DEFAULT 0,
  last_execution_id TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  updated_ms INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 11: the latest result of each model check (staleness, drift),
// one row per kind and subject, for the gauges of sluice server's /metrics.
// result_json is the check's result document (monitor/staleness.h,
// monitor/drift.h say what it holds).
constexpr std::string_view kMigration11 = R"sql(
CREATE TABLE monitor_checks (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  result_json TEXT NOT NULL DEFAULT '{}',
  execution_id TEXT NOT NULL DEFAULT '',
  checked_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, subject)
);
)sql";

// Version 12: the trigger values of an execution a trigger started
// (ExecutionRecord::trigger, JSON as in version 1; 'null' for a manual run),
// so a resumed or retried run reads the same <+trigger.*>.
constexpr std::string_view kMigration12 = R"sql(
ALTER TABLE executions ADD COLUMN trigger_json TEXT NOT NULL DEFAULT 'null';
)sql";

// Version 13: where each alert rule (pipeline/alerts.h) stands: firing or
// not since when, which episode (how many times it started firing), and
// whether the current state's notification went out. One row per rule
// identifier; monitor/alerts.h keeps it.
constexpr std::string_view kMigration13 = R"sql(
CREATE TABLE alert_states (
  alert TEXT PRIMARY KEY,
  firing INTEGER NOT NULL DEFAULT 0,
  since_ms INTEGER NOT NULL DEFAULT 0,
  episode INTEGER NOT NULL DEFAULT 0,
  notified INTEGER NOT NULL DEFAULT 1,
  summary TEXT NOT NULL DEFAULT '',
  value_json TEXT NOT NULL DEFAULT '{}',
  error TEXT NOT NULL DEFAULT '',
  evaluated_ms INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 14: for an artifact stored on an S3 server, the Aws connector,
// endpoint and region that stored it (ArtifactRecord::s3), so the server
// can read it back.
constexpr std::string_view kMigration14 = R"sql(
ALTER TABLE artifacts ADD COLUMN s3_connector TEXT NOT NULL DEFAULT '';
ALTER TABLE artifacts ADD COLUMN s3_endpoint TEXT NOT NULL DEFAULT '';
ALTER TABLE artifacts ADD COLUMN s3_region TEXT NOT NULL DEFAULT '';
)sql";

// One migration a line.
// clang-format off
constexpr Migration kMigrations[] = {
    {1, kMigration1},
    {2, kMigration2},
    {3, kMigration3},
    {4, kMigration4},
    {5, kMigration5},
    {6, kMigration6},
    {7, kMigration7},
    {8, kMigration8},
    {9, kMigration9},
    {10, kMigration10},
    {11, kMigration11},
    {12, kMigration12},
    {13, kMigration13},
    {14, kMigration14},
};
// clang-format on

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

Result<int> SchemaVersion(sqlite3* db) {
  SLUICE_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "PRAGMA user_version"));
  Query q(stmt, "reading the schema version");
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? static_cast<int>(q.Int(0)) : 0;
}

Result<int> Migrate(sqlite3* db, std::span<const Migration> migrations) {
  assert(!migrations.empty());
  const int latest = migrations.back().version;
  auto check_not_newer = [&](int version) -> Status {
    if (version <= latest) return Status::Ok();
    return Status::FailedPrecondition(
        std::string(sqlite3_db_filename(db, "main")) + " has schema version " + std::to_string(version) +
        " but this sluice understands versions up to " + std::to_string(latest) +
        ": it was written by a newer sluice. Upgrade sluice, or use another state directory (--state-dir)");
  };

  // Fast path without a write lock: the usual open of an up-to-date database.
  SLUICE_ASSIGN_OR_RETURN(int version, SchemaVersion(db));
  SLUICE_RETURN_IF_ERROR(check_not_newer(version));
  if (version == latest) return version;

  SLUICE_RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE", "starting the schema migration"));
  auto fail = [&](const Status& s) {
    // Some errors roll back by themselves; a failing ROLLBACK then is harmless.
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  // Re-read under the write lock: another process may have migrated meanwhile.
  auto current = SchemaVersion(db);
  if (!current.ok()) return fail(current.status());
  version = *current;
  if (Status s = check_not_newer(version); !s.ok()) return fail(s);

  for (const Migration& m : migrations) {
    assert(m.version >= 1);
    if (m.version <= version) continue;
    assert(m.version == version + 1 && "migrations must be consecutive");
    std::string what = "migrating the schema from version " + std::to_string(version) + " to " +
                       std::to_string(m.version);
    if (Status s = ExecSql(db, std::string(m.sql), what); !s.ok()) return fail(s);
    version = m.version;
  }
  // PRAGMA takes no bound parameters; the value is our own integer.
  if (Status s = ExecSql(db, "PRAGMA user_version = " + std::to_string(version), "recording the schema version");
      !s.ok()) {
    return fail(s);
  }
  if (Status s = ExecSql(db, "COMMIT", "committing the schema migration"); !s.ok()) return fail(s);
  return version;
}

}  // namespace sluice::store
