// sluice alerts [list]
// sluice alerts check
//
// `list` prints the project's alert rules (.harness/alerts, pipeline/
// alerts.h): each rule's condition, who it notifies, and where it stands
// (firing or not since when, the episode, what the last evaluation saw,
// an undelivered notification's error).
//
// `check` evaluates every rule now, as sluice server does every
// --alert-interval and `sluice run` does after a run, sending the
// notifications that are due (monitor/alerts.h), and prints what changed.
//
// Exit codes: 0; 2 when the project or an alert file has errors.
#include <functional>
#include <iostream>

#include "cli/app.h"
#include "common/clock.h"
#include "monitor/alerts.h"
#include "monitor/time_text.h"
#include "server/launch.h"

namespace sluice::cli {
namespace {

// The project; its diagnostics are printed, and errors end the command.
Result<pipeline::Project> Load(const GlobalOptions& global) {
  DiagnosticList diags;
  auto project = pipeline::LoadProject(global.project, &diags);
  if (!project.ok()) return project.status();
  std::cerr << pipeline::FormatDiagnostics(diags, *project);
  if (diags.has_errors()) {
    return Status::InvalidArgument(
        "the project has errors (listed above); `sluice validate` reports them too");
  }
  return project;
}

std::string Targets(const pipeline::NotificationMethod& m) {
  std::string out = m.type;
  std::string to;
  for (const std::string& r : m.recipients) to += (to.empty() ? "" : ", ") + r;
  for (const std::string& g : m.user_groups) to += (to.empty() ? "group " : ", group ") + g;
  if (!to.empty()) out += " to " + to;
  if (!m.webhook_url.empty()) {
    out += m.webhook_url.rfind("<+", 0) == 0 ? " to a URL kept as a secret" : " to a webhook";
  }
  return out;
}

void Describe(const pipeline::AlertRule& rule, const store::AlertStateRecord* state) {
  std::cout << rule.identifier << (rule.name != rule.identifier ? "  " + rule.name : "")
            << (rule.enabled ? "" : "  (disabled)") << "\n"
            << "  condition: " << monitor::DescribeCondition(rule) << "\n"
            << "  notifies:  " << Targets(rule.method)
            << (rule.send_resolved ? ", also when resolved" : "") << "\n";
  if (state == nullptr) {
    std::cout << "  state:     not evaluated yet\n";
    return;
  }
  std::cout << "  state:     " << (state->firing ? "FIRING" : "ok");
  if (state->since_ms > 0) std::cout << " since " << monitor::FormatIsoUtc(state->since_ms);
  if (state->episode > 0) std::cout << " (episode " << state->episode << ")";
  std::cout << (state->notified ? "" : ", notification not delivered yet") << "\n";
  if (!state->summary.empty()) std::cout << "  seen:      " << state->summary << "\n";
  std::cout << "  evaluated: " << monitor::FormatIsoUtc(state->evaluated_ms) << "\n";
  if (!state->error.empty()) std::cout << "  error:     " << state->error << "\n";
}

// Loads the project and opens the store for `body`; a project without
// alert rules only gets a hint.
int WithRules(const GlobalOptions& global,
              const std::function<int(App&, const pipeline::Project&, store::Store&)>& body) {
  App app(global);
  auto project = Load(global);
  if (!project.ok()) return Fail(project.status(), kExitUsage);
  if (project->alert_rules.empty()) {
    std::cout << "no alert rules (add .harness/alerts/<name>.yaml)\n";
    return kExitOk;
  }
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  return body(app, *project, **store);
}

int List(App&, const pipeline::Project& project, store::Store& store) {
  auto states = store.monitor().ListAlertStates();
  if (!states.ok()) return Fail(states.status());
  bool first = true;
  for (const pipeline::AlertRule& rule : project.alert_rules) {
    const store::AlertStateRecord* state = nullptr;
    for (const store::AlertStateRecord& s : *states) {
      if (s.alert == rule.identifier) state = &s;
    }
    if (!first) std::cout << "\n";
    first = false;
    Describe(rule, state);
  }
  return kExitOk;
}

int Check(App& app, const pipeline::Project& project, store::Store& store) {
  auto secrets = app.Secrets();
  if (!secrets.ok()) return Fail(secrets.status());
  std::vector<monitor::AlertChange> changes =
      monitor::EvaluateProjectAlerts(project, store, **secrets, DefaultClock(), app.StateDir(),
                                     server::OwningServerUrl(app.StateDir()),
                                     [](std::string_view line) { std::cout << line << "\n"; });
  auto states = store.monitor().ListAlertStates();
  int firing = 0;
  if (states.ok()) {
    for (const store::AlertStateRecord& s : *states) firing += s.firing ? 1 : 0;
  }
  std::cout << project.alert_rules.size() << " alert rule(s) evaluated: " << changes.size()
            << " changed, " << firing << " firing\n";
  return kExitOk;
}

}  // namespace

void AddAlertsCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd =
      cli.add_subcommand("alerts", "Show the alert rules and where they stand, or check them now");
  auto* list = cmd->add_subcommand("list", "Each alert rule, who it notifies, and its state");
  list->callback([&options] { std::exit(WithRules(options, List)); });
  auto* check = cmd->add_subcommand(
      "check", "Evaluate every alert rule now and send the notifications that are due");
  check->callback([&options] { std::exit(WithRules(options, Check)); });
  cmd->callback([&options, cmd] {
    if (cmd->get_subcommands().empty()) std::exit(WithRules(options, List));
  });
}

}  // namespace sluice::cli
