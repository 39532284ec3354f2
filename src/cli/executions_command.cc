// sluice executions list | show ID | artifacts ID | logs ID [--step PATH] [--follow]
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <iostream>
#include <thread>

#include "cli/app.h"
#include "cli/render.h"
#include "common/clock.h"
#include "common/duration.h"
#include "engine/status.h"

namespace sluice::cli {
namespace {

bool Running(const std::string& status) {
  auto s = engine::ParseStatus(status);
  return !s || !engine::IsTerminal(*s);
}

int List(App& app, int limit, bool json) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto list = (*store)->ListExecutions(limit);
  if (!list.ok()) return Fail(list.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *list) {
      out.push_back({{"id", r.id}, {"pipeline", r.pipeline_id}, {"sequenceId", r.sequence_id},
                     {"status", r.status}, {"startedAt", FormatTimestamp(r.started_ms)},
                     {"durationMs", r.ended_ms > 0 ? r.ended_ms - r.started_ms : 0}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (list->empty()) {
    std::cout << "no executions yet (start one with `sluice run`)\n";
    return kExitOk;
  }
  std::printf("%-22s  %-30s  %5s  %-16s  %-24s  %s\n", "ID", "PIPELINE", "#", "STATUS", "STARTED", "DURATION");
  for (const auto& r : *list) {
    std::string duration = r.ended_ms > 0 ? FormatDuration(Millis(r.ended_ms - r.started_ms)) : "-";
    std::printf("%-22s  %-30s  %5lld  %-16s  %-24s  %s\n", r.id.c_str(), r.pipeline_id.c_str(),
                static_cast<long long>(r.sequence_id), r.status.c_str(),
                FormatTimestamp(r.started_ms).c_str(), duration.c_str());
  }
  return kExitOk;
}

int Show(App& app, const std::string& id, bool json) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto rec = (*store)->FindExecution(id);
  if (!rec.ok()) return Fail(rec.status(), kExitUsage);
  auto nodes = (*store)->GetNodes(rec->id);
  if (!nodes.ok()) return Fail(nodes.status());
  auto evaluations = (*store)->GetPolicyEvaluations(rec->id);
  if (!evaluations.ok()) return Fail(evaluations.status());
  auto artifacts = (*store)->GetArtifacts(rec->id);
  if (!artifacts.ok()) return Fail(artifacts.status());
  if (json) {
    nlohmann::ordered_json out = ExecutionJson(*rec, *nodes, *evaluations);
    out["artifacts"] = ArtifactsJson(*artifacts);
    std::cout << out.dump(2) << "\n";
  } else {
    PrintExecutionTree(std::cout, *rec, *nodes, isatty(STDOUT_FILENO) != 0, *evaluations);
    PrintArtifactsSection(std::cout, *artifacts);
  }
  return kExitOk;
}

int Artifacts(App& app, const std::string& id, bool json) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto rec = (*store)->FindExecution(id);
  if (!rec.ok()) return Fail(rec.status(), kExitUsage);
  auto artifacts = (*store)->GetArtifacts(rec->id);
  if (!artifacts.ok()) return Fail(artifacts.status());
  if (json) {
    std::cout << ArtifactsJson(*artifacts).dump(2) << "\n";
  } else if (artifacts->empty()) {
    std::cout << "execution " << rec->id
              << " published no artifacts (S3Upload steps publish what they upload)\n";
  } else {
    PrintArtifactsTable(std::cout, *artifacts);
  }
  return kExitOk;
}

int Logs(App& app, const std::string& id, const std::string& step, bool follow) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto rec = (*store)->FindExecution(id);
  if (!rec.ok()) return Fail(rec.status(), kExitUsage);
  std::map<std::string, size_t> shown;  // bytes printed per node
  for (;;) {
    // Read the status before the logs: a run that ends in between gets one more pass.
    bool ended = true;
    if (follow) {
      auto fresh = (*store)->GetExecution(rec->id);
      ended = !fresh.ok() || !Running(fresh->status);
    }
    auto nodes = (*store)->GetNodes(rec->id);
    if (!nodes.ok()) return Fail(nodes.status());
    std::sort(nodes->begin(), nodes->end(), [](auto& a, auto& b) { return a.sort_order < b.sort_order; });
    bool matched = step.empty();
    for (const auto& n : *nodes) {
      bool wanted = step.empty() || n.path == step || n.identifier == step ||
                    n.path.rfind(step + ".", 0) == 0;
      if (!wanted) continue;
      matched = true;
      auto text = (*store)->ReadLog(rec->id, n.path);
      if (!text.ok() || text->size() <= shown[n.path]) continue;
      std::string fresh = text->substr(shown[n.path]);
      if (shown[n.path] == 0 && step != n.path) std::cout << "==> " << n.path << " <==\n";
      std::cout << fresh << std::flush;
      shown[n.path] = text->size();
    }
    if (!matched) {
      return Fail(Status::NotFound("execution " + rec->id + " has no step \"" + step +
                                   "\" (use the path shown by `sluice executions show`)"),
                  kExitUsage);
    }
    if (!follow || ended) return kExitOk;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

void AddExecutionsCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("executions", "List executions and show their results and logs");
  cmd->require_subcommand(1);

  auto limit = std::make_shared<int>(20);
  auto list_json = std::make_shared<bool>(false);
  auto* list = cmd->add_subcommand("list", "Recent executions, newest first");
  list->add_option("-n,--limit", *limit, "How many to show (0 = all)");
  list->add_flag("--json", *list_json, "Print as JSON");
  list->callback([&options, limit, list_json] {
    App app(options);
    std::exit(List(app, *limit, *list_json));
  });

  auto show_id = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  auto* show = cmd->add_subcommand("show", "One execution: stages, steps, outputs, failures");
  show->add_option("id", *show_id, "Execution id (or a unique prefix)")->required();
  show->add_flag("--json", *show_json, "Print as JSON");
  show->callback([&options, show_id, show_json] {
    App app(options);
    std::exit(Show(app, *show_id, *show_json));
  });

  auto artifacts_id = std::make_shared<std::string>();
  auto artifacts_json = std::make_shared<bool>(false);
  auto* artifacts =
      cmd->add_subcommand("artifacts", "What one execution published: step, name, size, type, URL");
  artifacts->add_option("id", *artifacts_id, "Execution id (or a unique prefix)")->required();
  artifacts->add_flag("--json", *artifacts_json, "Print as JSON");
  artifacts->callback([&options, artifacts_id, artifacts_json] {
    App app(options);
    std::exit(Artifacts(app, *artifacts_id, *artifacts_json));
  });

  auto logs_id = std::make_shared<std::string>();
  auto logs_step = std::make_shared<std::string>();
  auto follow = std::make_shared<bool>(false);
  auto* logs = cmd->add_subcommand("logs", "Step logs of one execution");
  logs->add_option("id", *logs_id, "Execution id (or a unique prefix)")->required();
  logs->add_option("--step", *logs_step, "Only this stage or step (path like Stage.step)");
  logs->add_flag("-f,--follow", *follow, "Keep printing until the execution ends");
  logs->callback([&options, logs_id, logs_step, follow] {
    App app(options);
    std::exit(Logs(app, *logs_id, *logs_step, *follow));
  });
}

}  // namespace sluice::cli
