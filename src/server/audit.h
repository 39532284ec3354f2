// Writing the audit log from the server module: who acts (a user, or
// "local:<os user>" for the CLI) and from where, stamped with the clock.
// Every action sluice takes for someone goes through here (store's
// audit_log.h keeps the records).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "store/audit_log.h"

namespace sluice::server {

// Who is acting and from where.
struct Actor {
  std::string name;            // user name, "local:<os user>", or "" when unknown
  std::string remote_address;  // "" for local actions
};

// "local:<name>" for the OS user running this process (the effective uid's
// name, or its number when it has none).
Actor LocalActor();

inline constexpr std::string_view kOutcomeSuccess = "success";
inline constexpr std::string_view kOutcomeDenied = "denied";
inline constexpr std::string_view kOutcomeError = "error";

// Appends one record. `detail` must be a JSON object without secrets.
Status WriteAudit(store::AuditLog& log, const Clock& clock, const Actor& actor,
                  std::string_view action, std::string_view target, std::string_view outcome,
                  nlohmann::json detail = nlohmann::json::object());

}  // namespace sluice::server
