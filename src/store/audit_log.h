// The audit log: every action taken through sluice's users and tokens —
// sign-ins (failed ones too), user and token changes, and later runs and
// approvals — with who, what, when, from where and how it ended. Records
// are in auth_records.h; Store::audit() gives the SQLite implementation.
//
// Append-only by contract and by the database: the table refuses UPDATE and
// DELETE (triggers), so a record once written stays as written. Callers
// never put a secret in a record (no password, token or session id; a
// token's public id is fine).
//
// Errors: InvalidArgument for a record without time, action or outcome, or
// detail that is not a JSON object; IoError for the database.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/auth_records.h"

namespace sluice::store {

// Which records Query returns. Empty strings and zero times match all.
struct AuditQuery {
  int64_t from_ms = 0;    // time_ms >= from_ms
  int64_t to_ms = 0;      // time_ms < to_ms when > 0
  std::string actor;      // exact
  std::string action;     // exact
  int limit = 100;        // at most this many (<= 0: 100; capped at 1000)
  int64_t before_id = 0;  // paging: only ids below this when > 0 (the last id seen)
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends `record` and sets record->id.
  virtual Status Append(AuditRecord* record) = 0;
  // Newest first (by id, which follows the order of appending).
  virtual Result<std::vector<AuditRecord>> Query(const AuditQuery& query) const = 0;
};

}  // namespace sluice::store
