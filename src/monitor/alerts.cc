#include "monitor/alerts.h"

#include <cstdio>

#include "monitor/drift.h"
#include "monitor/staleness.h"
#include "monitor/time_text.h"

namespace sluice::monitor {

namespace {

using json = nlohmann::json;
using pipeline::AlertCondition;
using pipeline::AlertRule;

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string Percent(double share) { return Fixed(share * 100, 1) + "%"; }

// A window as written: "15m", "1h", "90s".
std::string WindowText(Millis window) {
  const int64_t s = window.count() / 1000;
  if (s > 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s > 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

// The latest check of `kind` about `model`, if any.
Result<std::optional<store::MonitorCheckRecord>> LatestCheck(store::Store& store,
                                                             std::string_view kind,
                                                             const std::string& model) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<store::MonitorCheckRecord> checks,
                          store.monitor().ListChecks());
  for (store::MonitorCheckRecord& c : checks) {
    if (c.kind == kind && c.subject == model) return std::optional(std::move(c));
  }
  return std::optional<store::MonitorCheckRecord>();
}

// Nothing to judge: `model` has no check of `kind` yet; says which step
// records one.
AlertObservation NoCheckYet(std::string_view kind, std::string_view step,
                            const std::string& model) {
  AlertObservation seen;
  seen.summary = "no " + std::string(kind) + " check of model " + model + " yet (a " +
                 std::string(step) + " step with model: " + model + " records one)";
  return seen;
}

double NumberIn(const json& doc, const char* key, double otherwise) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_number() ? it->get<double>() : otherwise;
}

Result<AlertObservation> ObserveStaleness(const AlertRule& rule, store::Store& store,
                                          int64_t now_ms) {
  SLUICE_ASSIGN_OR_RETURN(auto check, LatestCheck(store, kStalenessCheckKind, rule.model));
  if (!check) return NoCheckYet(kStalenessCheckKind, "ModelStaleness", rule.model);
  AlertObservation seen;
  const json& r = check->result;
  const auto last_ms = static_cast<int64_t>(NumberIn(r, "last_updated_ms", 0));
  const double max_age = NumberIn(r, "max_age_days", kDefaultMaxAgeDays);
  const double age = DaysBetween(last_ms, now_ms);
  seen.known = last_ms > 0;
  seen.holds = seen.known && age > max_age;
  seen.summary = "model " + rule.model + ": its source last changed " + FormatIsoUtc(last_ms) +
                 ", " + Fixed(age, 1) + " days ago; " + Fixed(max_age, 1) + " days allowed";
  seen.value = {{"model", rule.model},
                {"age_days", age},
                {"max_age_days", max_age},
                {"last_updated", FormatIsoUtc(last_ms)},
                {"checked", FormatIsoUtc(check->checked_ms)}};
  if (r.contains("commit") && r["commit"].is_object()) seen.value["commit"] = r["commit"];
  return seen;
}

Result<AlertObservation> ObserveDrift(const AlertRule& rule, store::Store& store) {
  SLUICE_ASSIGN_OR_RETURN(auto check, LatestCheck(store, kDriftCheckKind, rule.model));
  if (!check) return NoCheckYet(kDriftCheckKind, "ModelDrift", rule.model);
  AlertObservation seen;
  const json& r = check->result;
  const std::string status = r.value("status", "");
  const double max_psi = NumberIn(r, "max_psi", 0);
  const double shift = r.contains("approval_rate") ? NumberIn(r["approval_rate"], "shift", 0) : 0.0;
  seen.known = status == "ok" || status == "warn" || status == "drift";
  seen.holds = status == "drift" || (rule.drift_on_warn && status == "warn");
  seen.summary = "model " + rule.model + ": drift check " + status + " (highest PSI " +
                 Fixed(max_psi, 3) + ", approval rate moved " + Fixed(shift * 100, 1) +
                 " points) over " + std::to_string(r.value("samples", int64_t{0})) +
                 " calls, checked " + FormatIsoUtc(check->checked_ms);
  seen.value = {{"model", rule.model},
                {"status", status},
                {"max_psi", max_psi},
                {"approval_rate_shift", shift},
                {"samples", r.value("samples", int64_t{0})},
                {"checked", FormatIsoUtc(check->checked_ms)}};
  return seen;
}

// A call failed when the caller did not get the function's answer.
bool Failed(const store::InvocationRecord& r) { return r.status != 200 || !r.error_type.empty(); }

Result<AlertObservation> ObserveErrorRate(const AlertRule& rule, store::Store& store,
                                          int64_t now_ms) {
  constexpr int kPage = 500;
  const int64_t since_ms = now_ms - rule.window.count();
  int64_t calls = 0;
  int64_t failed = 0;
  // Records come newest added first, which is nearly newest started
  // first: a page with nothing inside the window ends the scan.
  int64_t before = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<store::InvocationRecord> page,
                            store.functions().ListInvocations(rule.function, kPage, before));
    bool inside = false;
    for (const store::InvocationRecord& r : page) {
      if (r.started_ms < since_ms) continue;
      inside = true;
      if (!rule.qualifier.empty() && r.qualifier != rule.qualifier) continue;
      ++calls;
      failed += Failed(r) ? 1 : 0;
    }
    if (!inside || static_cast<int>(page.size()) < kPage) break;
    before = page.back().id;
  }
  const std::string target = rule.function + (rule.qualifier.empty() ? "" : ":" + rule.qualifier);
  const double rate = calls > 0 ? static_cast<double>(failed) / calls : 0;
  AlertObservation seen;
  seen.known = calls >= rule.min_invocations;
  seen.holds = seen.known && rate >= rule.threshold;
  seen.summary = "function " + target + ": " + std::to_string(failed) + " of " +
                 std::to_string(calls) + " calls failed in the last " + WindowText(rule.window) +
                 " (" + Percent(rate) + "; alert at " + Percent(rule.threshold) + ")";
  if (!seen.known) {
    seen.summary += "; fewer than " + std::to_string(rule.min_invocations) + " calls say nothing";
  }
  seen.value = {
      {"function", rule.function}, {"qualifier", rule.qualifier}, {"calls", calls},
      {"failed", failed},          {"error_rate", rate},          {"threshold", rule.threshold}};
  return seen;
}

std::string Link(const AlertRule& rule, const std::string& ui_url) {
  if (ui_url.empty()) return "";
  std::string base = ui_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (rule.condition == AlertCondition::kErrorRate) return base + "/#/functions/" + rule.function;
  return base + "/#/executions";
}

notify::Notification Describe(const AlertRule& rule, const store::AlertStateRecord& state,
                              const std::string& ui_url) {
  const std::string status = state.firing ? "firing" : "resolved";
  const std::string link = Link(rule, ui_url);
  notify::Notification n;
  n.what = "alert \"" + rule.name + "\" (" + status + ")";
  n.subject = std::string("[sluice] ") + (state.firing ? "FIRING: " : "RESOLVED: ") + rule.name;
  n.body = "Alert: " + rule.name + " (" + rule.identifier + ")\n" + "Status: " + status +
           " since " + FormatIsoUtc(state.since_ms) + "\n" +
           "Condition: " + DescribeCondition(rule) + "\n" + "Seen: " + state.summary + "\n";
  if (!rule.description.empty()) n.body += "\n" + rule.description + "\n";
  if (!link.empty()) n.body += "\nOpen: " + link + "\n";
  n.webhook_payload = {
      {"alert", rule.identifier}, {"name", rule.name},
      {"status", status},         {"condition", pipeline::AlertConditionName(rule.condition)},
      {"summary", state.summary}, {"since", FormatIsoUtc(state.since_ms)},
      {"episode", state.episode}, {"value", state.value}};
  if (!link.empty()) n.webhook_payload["url"] = link;
  return n;
}

// One rule: observe, move the state, send what is due. The change, if any.
std::optional<AlertChange> Evaluate(const AlertRule& rule, const AlertDeps& deps,
                                    const notify::LogLine& log) {
  const int64_t now_ms = deps.delivery.clock.NowMillis();
  store::AlertStateRecord state;
  state.alert = rule.identifier;
  if (auto got = deps.store.monitor().GetAlertState(rule.identifier); got.ok()) {
    state = *std::move(got);
  } else if (got.status().code() != StatusCode::kNotFound) {
    log("[sluice] warning: alert \"" + rule.name + "\": " + got.status().message());
    return std::nullopt;
  }
  state.evaluated_ms = now_ms;
  Result<AlertObservation> seen = ObserveAlert(rule, deps.store, now_ms);
  if (!seen.ok()) {
    state.error = seen.status().message();
    log("[sluice] warning: alert \"" + rule.name + "\" not evaluated: " + state.error);
    (void)deps.store.monitor().PutAlertState(state);
    return std::nullopt;
  }
  state.error.clear();
  std::optional<AlertChange> change;
  state.summary = seen->summary;
  state.value = seen->value;
  if (seen->known) {
    if (seen->holds != state.firing) {
      const bool announced = state.notified;
      state.firing = seen->holds;
      state.since_ms = now_ms;
      if (state.firing) {
        ++state.episode;
        state.notified = false;
      } else {
        // Nothing to resolve when the firing was never told.
        state.notified = !rule.send_resolved || !announced;
      }
      change = AlertChange{rule.identifier, state.firing, state.summary, Status::Ok()};
      log("[sluice] alert \"" + rule.name + "\" " + (state.firing ? "is firing: " : "resolved: ") +
          state.summary);
    }
  }
  if (!state.notified) {
    Status sent =
        notify::Deliver(rule.method, Describe(rule, state, deps.ui_url), deps.delivery, log);
    state.notified = sent.ok();
    if (!sent.ok()) state.error = sent.message() + " (tried again at the next evaluation)";
    if (change) change->delivered = sent;
  }
  if (Status s = deps.store.monitor().PutAlertState(state); !s.ok()) {
    log("[sluice] warning: alert \"" + rule.name + "\": " + s.message());
  }
  return change;
}

}  // namespace

std::string DescribeCondition(const AlertRule& rule) {
  std::string text(pipeline::AlertConditionName(rule.condition));
  if (rule.condition == AlertCondition::kErrorRate) {
    return text + " of function " + rule.function +
           (rule.qualifier.empty() ? "" : ":" + rule.qualifier) + " at or above " +
           Percent(rule.threshold) + " over " + WindowText(rule.window);
  }
  return text + " of model " + rule.model +
         (rule.condition == AlertCondition::kModelDrift && rule.drift_on_warn ? " (warn or drift)"
                                                                              : "");
}

Result<AlertObservation> ObserveAlert(const AlertRule& rule, store::Store& store, int64_t now_ms) {
  switch (rule.condition) {
    case AlertCondition::kModelStale:
      return ObserveStaleness(rule, store, now_ms);
    case AlertCondition::kModelDrift:
      return ObserveDrift(rule, store);
    case AlertCondition::kErrorRate:
      return ObserveErrorRate(rule, store, now_ms);
  }
  return Status::Internal("unknown alert condition");
}

std::vector<AlertChange> EvaluateAlerts(const AlertDeps& deps, const notify::LogLine& log) {
  std::vector<AlertChange> changes;
  const pipeline::Project& project = deps.delivery.project;
  for (const AlertRule& rule : project.alert_rules) {
    if (!rule.enabled) continue;
    if (auto change = Evaluate(rule, deps, log)) changes.push_back(std::move(*change));
  }
  // Disabled and removed rules lose their state.
  auto states = deps.store.monitor().ListAlertStates();
  if (states.ok()) {
    for (const store::AlertStateRecord& s : *states) {
      bool active = false;
      for (const AlertRule& rule : project.alert_rules) {
        active = active || (rule.enabled && rule.identifier == s.alert);
      }
      if (!active) (void)deps.store.monitor().DeleteAlertState(s.alert);
    }
  }
  return changes;
}

std::vector<AlertChange> EvaluateProjectAlerts(
    const pipeline::Project& project, store::Store& store, const secrets::SecretStore& secrets,
    const Clock& clock, const std::filesystem::path& state_dir, const std::string& ui_url,
    const notify::LogLine& log) {
  if (project.alert_rules.empty()) return {};
  notify::SecretLookup lookup = [&secrets](const std::string& id) { return secrets.Get(id); };
  notify::Mailer mailer(project.smtp, project.root, state_dir, lookup);
  const notify::DeliveryContext delivery{project, &store.auth(), mailer, clock, lookup, {}};
  return EvaluateAlerts({store, delivery, ui_url}, log);
}

}  // namespace sluice::monitor
