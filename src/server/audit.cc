#include "server/audit.h"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace sluice::server {

Actor LocalActor() {
  const uid_t uid = ::geteuid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  std::string name;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    name = found->pw_name;
  } else {
    name = std::to_string(uid);
  }
  return Actor{"local:" + name, ""};
}

Status WriteAudit(store::AuditLog& log, const Clock& clock, const Actor& actor,
                  std::string_view action, std::string_view target, std::string_view outcome,
                  nlohmann::json detail) {
  store::AuditRecord record;
  record.time_ms = clock.NowMillis();
  record.actor = actor.name;
  record.action = std::string(action);
  record.target = std::string(target);
  record.outcome = std::string(outcome);
  record.remote_address = actor.remote_address;
  record.detail = std::move(detail);
  return log.Append(&record);
}

}  // namespace sluice::server
