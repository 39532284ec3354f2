// Model staleness: how long ago the model's source last changed (from a git
// repository, git_history.h, or a Git hosting API, commits_api.h), whether
// that is longer than allowed, and how old the version serving it is (the
// function store's record of a function's version, alias or $LATEST).
//
// CheckStaleness is the whole check, callable from a step (ModelStaleness)
// or from anything that runs checks on a schedule: hand it the check and
// its dependencies, then keep the result with RecordStaleness for /metrics. The clock and the HTTP
// transport are handed in.
//
// RESULT DOCUMENT (StalenessJson; persisted in monitor_checks.result_json
// and shown as the step's details; field names are kept stable):
//   {"model", "last_updated": "2024-03-01T12:00:00Z", "last_updated_ms",
//    "age_days", "max_age_days", "model_stale": bool,
//    "commit": {"sha", "author", "message"},
//    "serving": {"function", "qualifier", "version", "created", "age_days",
//                "behind": bool}  -- only with a function}
// "behind" is true when the serving version was made before the source's
// last change (the change is not deployed yet).
//
// Errors are those of the source (git_history.h, commits_api.h) and of the
// function store (NotFound for an unknown function, version or alias).
// Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.h"
#include "common/status.h"
#include "monitor/commits_api.h"
#include "monitor/git_history.h"
#include "monitor/time_text.h"
#include "oci/registry_http.h"
#include "store/function_store.h"
#include "store/monitor_store.h"

namespace sluice::monitor {

inline constexpr double kDefaultMaxAgeDays = 7;

struct ServingVersion {
  std::string function;
  std::string qualifier;   // as asked: "$LATEST", "3", "live"
  std::string version;     // what it resolves to: "$LATEST" or "3" (an alias's main version)
  int64_t created_ms = 0;  // the version's publication ($LATEST: its last write)
};

// The version `qualifier` ("" = $LATEST) of `function` serves, and when it
// was made.
Result<ServingVersion> ServingVersionOf(const store::FunctionStore& functions,
                                        const std::string& function, const std::string& qualifier);

struct StalenessCheck {
  std::string model;  // names the result (the "model" label of /metrics)
  std::variant<GitHistoryQuery, CommitsApiQuery> source;
  double max_age_days = kDefaultMaxAgeDays;
  std::string function;   // "" = no serving version to report
  std::string qualifier;  // with function; "" = $LATEST
};

struct StalenessDeps {
  const Clock& clock;
  store::FunctionStore* functions = nullptr;  // needed with StalenessCheck::function
  oci::HttpTransport* http = nullptr;         // needed with a CommitsApiQuery source
};

struct StalenessReport {
  std::string model;
  CommitInfo commit;
  int64_t checked_ms = 0;
  double age_days = 0;
  double max_age_days = kDefaultMaxAgeDays;
  bool stale = false;  // age_days > max_age_days
  std::optional<ServingVersion> serving;
  double serving_age_days = 0;
  bool serving_behind = false;
};

// The report for a last change `commit` seen at `now_ms`.
StalenessReport AssessStaleness(std::string model, const CommitInfo& commit, double max_age_days,
                                int64_t now_ms, std::optional<ServingVersion> serving);

Result<StalenessReport> CheckStaleness(const StalenessCheck& check, const StalenessDeps& deps);

nlohmann::json StalenessJson(const StalenessReport& report);

inline constexpr std::string_view kStalenessCheckKind = "staleness";
// Keeps `report` as the latest staleness check of its model (kind
// "staleness", subject the model) for /metrics.
Status RecordStaleness(store::MonitorStore& monitor, const StalenessReport& report,
                       const std::string& execution_id);

}  // namespace sluice::monitor
