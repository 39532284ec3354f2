// sluice trigger list
// sluice trigger test --payload FILE [--header K=V]... [--event push|pull_request|custom]
//                     [--trigger ID]
//
// `list` prints the project's triggers (.harness/triggers, triggers/trigger.h):
// identifier, pipeline, source, enabled, and for cron triggers the next fire
// time from now in the trigger's time zone.
//
// `test` reads a webhook payload from FILE ("-" for stdin) and explains, for
// each webhook trigger (or only --trigger ID), whether it would fire and
// why, condition by condition, and the runtime inputs its run would take.
// Nothing is run and nothing is recorded; signatures are not checked (the
// payload is not a delivery). The GitHub event is --event, else the
// X-GitHub-Event of --header, else push; --event custom reads the payload
// as a Custom webhook's.
//
// Exit codes: 0 when at least one trigger would fire, 1 when none would,
// 2 for bad input (flags, an unreadable or malformed payload, trigger files
// with errors).
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/app.h"
#include "common/files.h"
#include "common/text.h"
#include "triggers/conditions.h"
#include "triggers/cron.h"
#include "triggers/event.h"
#include "triggers/trigger.h"
#include "triggers/trigger_inputs.h"

namespace sluice::cli {
namespace {

struct TestFlags {
  std::string payload;
  std::vector<std::string> headers;
  std::string event;
  std::string trigger;
};

// The project and its triggers; trigger-file diagnostics are printed. An
// error (printed) when the project or a trigger file has errors.
Result<std::pair<pipeline::Project, std::vector<triggers::Trigger>>> Load(
    const GlobalOptions& global) {
  DiagnosticList diags;
  auto project = pipeline::LoadProject(global.project, &diags);
  if (!project.ok()) return project.status();
  DiagnosticList trigger_diags;
  std::vector<triggers::Trigger> list = triggers::LoadTriggers(&*project, &trigger_diags);
  diags.Append(trigger_diags);
  if (diags.has_errors()) {
    std::cerr << pipeline::FormatDiagnostics(diags, *project);
    return Status::InvalidArgument(
        "the project has errors (listed above); `sluice validate` reports them too");
  }
  std::cerr << pipeline::FormatDiagnostics(trigger_diags, *project);
  return std::make_pair(std::move(*project), std::move(list));
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + "  " : s + std::string(width - s.size() + 2, ' ');
}

int List(const GlobalOptions& global) {
  auto loaded = Load(global);
  if (!loaded.ok()) return Fail(loaded.status(), kExitUsage);
  const auto& list = loaded->second;
  if (list.empty()) {
    std::cout << "no triggers (add .harness/triggers/<name>.yaml)\n";
    return kExitOk;
  }
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  size_t w_id = 10, w_pipeline = 8, w_source = 6;
  for (const triggers::Trigger& t : list) {
    w_id = std::max(w_id, t.identifier.size());
    w_pipeline = std::max(w_pipeline, t.pipeline_identifier.size());
    w_source = std::max(w_source, t.SourceSummary().size());
  }
  std::cout << Pad("IDENTIFIER", w_id) << Pad("PIPELINE", w_pipeline) << Pad("SOURCE", w_source)
            << Pad("ENABLED", 7) << "NEXT FIRE\n";
  for (const triggers::Trigger& t : list) {
    std::string next = "-";
    if (t.source == triggers::SourceType::kScheduled && t.enabled) {
      auto at = triggers::NextFireTime(t.schedule.cron, t.schedule.time_zone, now);
      next = at.ok() ? triggers::FormatLocalTime(*at, t.schedule.time_zone) : "never";
    }
    std::cout << Pad(t.identifier, w_id) << Pad(t.pipeline_identifier, w_pipeline)
              << Pad(t.SourceSummary(), w_source) << Pad(t.enabled ? "yes" : "no", 7) << next
              << "\n";
  }
  return kExitOk;
}

std::string Short(const std::string& sha) { return sha.size() > 12 ? sha.substr(0, 12) : sha; }

void DescribeEvent(const triggers::WebhookEvent& e, std::ostream& out) {
  if (e.kind == triggers::EventKind::kCustom) {
    out << "Event: Custom webhook (" << e.payload.dump().size() << " bytes of JSON)\n";
    return;
  }
  out << "Event: GitHub " << e.TypeName();
  if (e.kind == triggers::EventKind::kPush) {
    out << (e.tag.empty() ? " to branch " + e.branch : " of tag " + e.tag);
  } else if (e.kind == triggers::EventKind::kPullRequest) {
    out << " #" << e.pr_number << " (" << e.action << ") from " << e.source_branch << " into "
        << e.target_branch;
  }
  if (!e.repo_name.empty()) out << " in " << e.repo_name;
  if (!e.sender.empty()) out << " by " << e.sender;
  out << "\n";
  if (!e.commit_sha.empty()) out << "  commit " << Short(e.commit_sha) << "\n";
  if (e.kind == triggers::EventKind::kPush && e.changed_files) {
    out << "  changed files (" << e.changed_files->size() << "):";
    size_t shown = 0;
    for (const std::string& f : *e.changed_files) {
      if (shown++ == 10) {
        out << " ... and " << e.changed_files->size() - 10 << " more";
        break;
      }
      out << " " << f;
    }
    out << "\n";
  } else if (e.kind == triggers::EventKind::kPullRequest) {
    out << "  changed files: unknown (a pull_request payload does not list them)\n";
  }
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

void PrintCondition(const triggers::ConditionResult& c, std::ostream& out) {
  out << (c.matched ? "    [match] " : "    [FAIL]  ");
  if (c.kind == "event") {
    out << "event is " << c.expected << " (got " << c.actual << ")";
  } else if (c.kind == "action") {
    out << "pull request action In " << c.expected << " (got " << c.actual << ")";
  } else if (c.kind == "enabled") {
    out << "enabled (it is false)";
  } else if (c.kind == "source") {
    out << "webhook source (got " << c.actual << ")";
  } else if (c.kind == "jexl") {
    out << "jexlCondition " << c.key << " (" << c.actual << ")";
  } else {
    out << c.kind << " " << c.key << " " << c.op << " " << Quoted(c.expected);
    if (c.key == "changedFiles" && c.matched) {
      out << " (matched " << c.matched_item << ")";
    } else if (c.key == "changedFiles") {
      out << " (files: " << c.actual << ")";
    } else {
      out << " (actual " << Quoted(c.actual) << ")";
    }
  }
  out << "\n";
  if (!c.error.empty()) out << "            " << c.error << "\n";
}

Result<triggers::Headers> ParseHeaders(const std::vector<std::string>& pairs) {
  triggers::Headers headers;
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    size_t colon = pair.find(':');
    size_t at = std::min(eq, colon);
    if (at == std::string::npos || at == 0) {
      return Status::InvalidArgument("--header " + pair +
                                     ": give NAME=VALUE (e.g. X-GitHub-Event=push)");
    }
    std::string value = pair.substr(at + 1);
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    headers.emplace_back(pair.substr(0, at), value);
  }
  return headers;
}

Result<std::string> ReadPayload(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > triggers::kMaxPayloadBytes) {
    return Status::InvalidArgument(
        "--payload " + path + " is " + std::to_string(size) + " bytes, over the limit of " +
        std::to_string(triggers::kMaxPayloadBytes) + " bytes (GitHub's own limit)");
  }
  auto text = ReadFile(path);
  if (!text.ok())
    return Status::InvalidArgument("--payload " + path + ": " + text.status().message());
  return *text;
}

int Test(const GlobalOptions& global, const TestFlags& flags) {
  auto loaded = Load(global);
  if (!loaded.ok()) return Fail(loaded.status(), kExitUsage);
  const pipeline::Project& project = loaded->first;
  std::vector<triggers::Trigger> chosen;
  for (const triggers::Trigger& t : loaded->second) {
    if (!flags.trigger.empty() && t.identifier != flags.trigger) continue;
    if (flags.trigger.empty() && t.source != triggers::SourceType::kWebhook) continue;
    chosen.push_back(t);
  }
  if (!flags.trigger.empty() && chosen.empty()) {
    std::string known;
    for (const auto& t : loaded->second) known += (known.empty() ? "" : ", ") + t.identifier;
    return Fail(Status::NotFound("no trigger \"" + flags.trigger + "\" in .harness/triggers/" +
                                 (known.empty() ? "" : " (triggers: " + known + ")")),
                kExitUsage);
  }
  if (!flags.trigger.empty() && chosen[0].source != triggers::SourceType::kWebhook) {
    return Fail(
        Status::InvalidArgument("trigger \"" + flags.trigger +
                                "\" is a scheduled trigger; it fires on its cron schedule, not on "
                                "webhook events (see `sluice trigger list`)"),
        kExitUsage);
  }
  auto headers = ParseHeaders(flags.headers);
  if (!headers.ok()) return Fail(headers.status(), kExitUsage);
  auto body = ReadPayload(flags.payload);
  if (!body.ok()) return Fail(body.status(), kExitUsage);

  Result<triggers::WebhookEvent> event = Status::Internal("unset");
  if (flags.event == "custom") {
    event = triggers::ParseCustomEvent(*body, *headers);
  } else {
    std::string name = flags.event;
    bool has_header = false;
    for (const auto& [k, v] : *headers) {
      if (AsciiLower(k) == "x-github-event") {
        has_header = true;
        if (name.empty()) name = v;
      }
    }
    if (name.empty()) name = "push";
    if (!has_header) headers->emplace_back("X-GitHub-Event", name);
    event = triggers::ParseGithubEvent(name, *body, *headers);
  }
  if (!event.ok())
    return Fail(Status::InvalidArgument(flags.payload + ": " + event.status().message()),
                kExitUsage);

  std::ostream& out = std::cout;
  DescribeEvent(*event, out);
  if (chosen.empty()) {
    out << "\nNo webhook triggers in .harness/triggers/: nothing would fire.\n";
    return kExitFailed;
  }
  std::vector<triggers::TriggerDecision> decisions =
      triggers::DecideTriggers(project, chosen, *event);
  int fired = 0;
  for (const triggers::TriggerDecision& d : decisions) {
    const bool runs = d.evaluation.fired && d.inputs.has_value();
    fired += runs ? 1 : 0;
    out << "\n"
        << d.evaluation.trigger_id << " -> pipeline " << d.evaluation.pipeline_id << ": "
        << (runs ? "WOULD FIRE" : "would not fire") << "\n";
    for (const triggers::ConditionResult& c : d.evaluation.conditions) PrintCondition(c, out);
    if (!d.evaluation.fired) {
      out << "  because " << d.evaluation.reason << "\n";
    } else if (!d.inputs) {
      out << "  its conditions match, but its inputs cannot be resolved: " << d.input_error << "\n";
    } else if (d.inputs->input_sets.empty()) {
      out << "  inputs: none (no inputYaml or inputSetRefs)\n";
    } else {
      out << "  inputs the run would take:\n";
      std::istringstream yaml(triggers::InputsToYaml(*d.inputs));
      for (std::string line; std::getline(yaml, line);) out << "    " << line << "\n";
    }
  }
  out << "\n"
      << fired << " of " << decisions.size() << " trigger(s) would fire; nothing was run.\n";
  return fired > 0 ? kExitOk : kExitFailed;
}

}  // namespace

void AddTriggerCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("trigger", "List triggers and test them against webhook payloads");
  cmd->require_subcommand(1);

  auto* list =
      cmd->add_subcommand("list", "Show the project's triggers and cron triggers' next fire times");
  list->callback([&options] { std::exit(List(options)); });

  auto flags = std::make_shared<TestFlags>();
  auto* test = cmd->add_subcommand(
      "test",
      "Explain which triggers a webhook payload would fire, and with what inputs (runs nothing)");
  test->add_option("--payload", flags->payload, "Webhook body, a JSON file (- for stdin)")
      ->required();
  test->add_option("--header", flags->headers, "A request header NAME=VALUE (repeatable)");
  test->add_option("--event", flags->event,
                   "GitHub event: push or pull_request; custom for a Custom webhook")
      ->check(CLI::IsMember({"push", "pull_request", "custom"}));
  test->add_option("--trigger", flags->trigger, "Only this trigger");
  test->callback([&options, flags] { std::exit(Test(options, *flags)); });
}

}  // namespace sluice::cli
