#include "monitor/staleness.h"

#include <charconv>
#include <utility>

#include "monitor/time_text.h"

namespace sluice::monitor {

namespace {

bool AllDigits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<ServingVersion> ServingVersionOf(const store::FunctionStore& functions,
                                        const std::string& function, const std::string& qualifier) {
  ServingVersion out;
  out.function = function;
  out.qualifier = qualifier.empty() ? "$LATEST" : qualifier;
  if (out.qualifier == "$LATEST") {
    SLUICE_ASSIGN_OR_RETURN(store::FunctionRecord fn, functions.GetFunction(function));
    out.version = "$LATEST";
    out.created_ms = fn.updated_ms;
    return out;
  }
  int64_t number = 0;
  if (AllDigits(out.qualifier)) {
    const char* end = out.qualifier.data() + out.qualifier.size();
    if (std::from_chars(out.qualifier.data(), end, number).ptr != end) {
      return Status::InvalidArgument("version \"" + out.qualifier + "\" is out of range");
    }
  } else {
    SLUICE_ASSIGN_OR_RETURN(store::FunctionAliasRecord alias,
                            functions.GetAlias(function, out.qualifier));
    number = alias.version;
  }
  SLUICE_ASSIGN_OR_RETURN(store::FunctionVersionRecord version,
                          functions.GetVersion(function, number));
  out.version = std::to_string(version.version);
  out.created_ms = version.created_ms;
  return out;
}

StalenessReport AssessStaleness(std::string model, const CommitInfo& commit, double max_age_days,
                                int64_t now_ms, std::optional<ServingVersion> serving) {
  StalenessReport r;
  r.model = std::move(model);
  r.commit = commit;
  r.checked_ms = now_ms;
  r.max_age_days = max_age_days;
  r.age_days = DaysBetween(commit.committed_ms, now_ms);
  r.stale = r.age_days > max_age_days;
  if (serving) {
    r.serving_age_days = DaysBetween(serving->created_ms, now_ms);
    r.serving_behind = serving->created_ms < commit.committed_ms;
    r.serving = std::move(serving);
  }
  return r;
}

Result<StalenessReport> CheckStaleness(const StalenessCheck& check, const StalenessDeps& deps) {
  if (!(check.max_age_days >= 0)) {
    return Status::InvalidArgument("maxAgeDays must be a number of days >= 0");
  }
  CommitInfo commit;
  if (const auto* git = std::get_if<GitHistoryQuery>(&check.source)) {
    SLUICE_ASSIGN_OR_RETURN(commit, LastCommitTouching(*git));
  } else {
    if (deps.http == nullptr) return Status::Internal("CheckStaleness: no HTTP transport");
    SLUICE_ASSIGN_OR_RETURN(commit,
                            LastCommitFromApi(*deps.http, std::get<CommitsApiQuery>(check.source)));
  }
  std::optional<ServingVersion> serving;
  if (!check.function.empty()) {
    if (deps.functions == nullptr) {
      return Status::FailedPrecondition("the serving version of " + check.function +
                                        " cannot be read: no function store here");
    }
    SLUICE_ASSIGN_OR_RETURN(serving,
                            ServingVersionOf(*deps.functions, check.function, check.qualifier));
  }
  return AssessStaleness(check.model, commit, check.max_age_days, deps.clock.NowMillis(),
                         std::move(serving));
}

nlohmann::json StalenessJson(const StalenessReport& r) {
  nlohmann::json j = {
      {"model", r.model},
      {"last_updated", FormatIsoUtc(r.commit.committed_ms)},
      {"last_updated_ms", r.commit.committed_ms},
      {"age_days", r.age_days},
      {"max_age_days", r.max_age_days},
      {"model_stale", r.stale},
      {"commit",
       {{"sha", r.commit.sha}, {"author", r.commit.author}, {"message", r.commit.summary}}},
  };
  if (r.serving) {
    j["serving"] = {
        {"function", r.serving->function}, {"qualifier", r.serving->qualifier},
        {"version", r.serving->version},   {"created", FormatIsoUtc(r.serving->created_ms)},
        {"age_days", r.serving_age_days},  {"behind", r.serving_behind}};
  }
  return j;
}

Status RecordStaleness(store::MonitorStore& monitor, const StalenessReport& report,
                       const std::string& execution_id) {
  return monitor.PutCheck({std::string(kStalenessCheckKind), report.model, StalenessJson(report),
                           execution_id, report.checked_ms});
}

}  // namespace sluice::monitor
