// sluice server [--addr 127.0.0.1:8080] [--project DIR] [--max-parallel N]
// [--allow-anonymous-read] [--ui DIR] [--static DIR]: runs executions (a
// queue with a concurrency limit, resuming what a stopped server or a
// killed sluice left unfinished), serves the REST API (server/api.h),
// /openapi.json, the function runtime's routes, the web UI and, with
// --static, the user's own pages under /site/, until SIGINT or SIGTERM. Then
// it stops accepting, stops the running executions' steps and records them
// so that the next start resumes them, and exits 0.
//
// While it runs, <state>/server.json ({pid, addr}) says that a server owns
// the state directory; a second server on the same state is refused.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/load.h"
#include "common/duration.h"
#include "common/files.h"
#include "common/periodic.h"
#include "engine/environment.h"
#include "monitor/alerts.h"
#include "monitor/invocation_metrics.h"
#include "net/http_server.h"
#include "net/static_files.h"
#include "notify/notifier.h"
#include "runner/process.h"
#include "serve/function_runtime.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/executions.h"
#include "server/launch.h"
#include "server/openapi.h"
#include "server/scheduler.h"
#include "steps/artifact_location.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

struct ServerFlags {
  std::string addr = "127.0.0.1:8080";
  int max_parallel = 2;
  bool allow_anonymous_read = false;
  std::string ui;
  std::string site;
  bool no_sandbox = false;
  std::string alert_interval = "30s";
};

// The web UI: --ui, else the repository's web/ (a build tree) or an
// installed share/sluice/web beside the binary's bin/.
Result<fs::path> FindUi(const std::string& flag) {
  if (!flag.empty()) return fs::path(flag);
  std::vector<fs::path> candidates;
#ifdef SLUICE_SOURCE_WEB_DIR
  candidates.emplace_back(SLUICE_SOURCE_WEB_DIR);
#endif
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path().parent_path() / "share" / "sluice" / "web");
  std::string looked;
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c / "index.html", ec)) return c;
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  return Status::NotFound("no web UI found (looked in " + looked +
                          "); say where its files are with --ui DIR");
}

int Serve(const GlobalOptions& options, const ServerFlags& flags) {
  auto listen = ParseListenAddress("--addr", flags.addr);
  if (!listen.ok()) return Fail(listen.status(), kExitUsage);
  auto alert_interval = ParseDuration(flags.alert_interval);
  if (!alert_interval.ok() || alert_interval->count() <= 0) {
    return Fail(Status::InvalidArgument("--alert-interval must be a duration such as 30s or 5m, "
                                        "not \"" +
                                        flags.alert_interval + "\""),
                kExitUsage);
  }
  const auto& [host, port] = *listen;
  if (flags.max_parallel < 1) {
    return Fail(Status::InvalidArgument("--max-parallel must be at least 1"), kExitUsage);
  }
  // Signals are taken by sigwait below, in this thread only: block them
  // before any thread starts.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto ui_dir = FindUi(flags.ui);
  if (!ui_dir.ok()) return Fail(ui_dir.status(), kExitUsage);
  auto ui = net::StaticFiles::Open(*ui_dir);
  if (!ui.ok()) return Fail(ui.status().Annotate("--ui"), kExitUsage);
  auto files = std::make_shared<const net::StaticFiles>(std::move(*ui));
  std::shared_ptr<const net::StaticFiles> site;
  if (!flags.site.empty()) {
    auto opened = net::StaticFiles::Open(flags.site);
    if (!opened.ok()) return Fail(opened.status().Annotate("--static"), kExitUsage);
    site = std::make_shared<const net::StaticFiles>(std::move(*opened));
  }

  App app(options);
  DiagnosticList diags;
  auto project = LoadAndValidate(app, app.ProjectDir(), &diags, true);
  if (!project.ok()) return Fail(project.status(), kExitUsage);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto secrets = app.Secrets();
  if (!secrets.ok()) return Fail(secrets.status());
  const engine::StepRegistry& steps = app.Steps();

  const fs::path server_file = app.StateDir() / "server.json";
  if (int64_t other = server::OwningServer(app.StateDir()); other != 0) {
    return Fail(Status::FailedPrecondition("another sluice server (process " +
                                           std::to_string(other) + ") owns " +
                                           app.StateDir().string() + "; stop it first"),
                kExitUsage);
  }

  net::HttpServerOptions server_options;
  server_options.io_threads = 2;
  server_options.max_body_bytes = serve::kRuntimeApiMaxBody;
  auto http = net::HttpServer::Create(server_options);
  serve::RuntimeOptions runtime_options;
  runtime_options.state_dir = app.StateDir();
  runtime_options.runtime_api_server = http.get();
  monitor::InvocationMetrics invocation_metrics;
  runtime_options.observe = [&invocation_metrics](const serve::InvocationEvent& e) {
    invocation_metrics.Observe(e.function, e.version, static_cast<double>(e.latency.count()) / 1e6,
                               e.status != 200 || !e.error_type.empty());
  };
  auto runtime = serve::FunctionRuntime::Start(**store, runtime_options);
  if (!runtime.ok()) return Fail(runtime.status());

  server::AuthOptions auth_options;
  auth_options.allow_anonymous = flags.allow_anonymous_read;
  auth_options.secure_cookies = server::SecureCookiesFor(host);
  server::Authenticator auth((*store)->auth(), (*store)->audit(), project->user_groups,
                             DefaultClock(), auth_options);

  runner::LocalProcessRunner processes;
  store::Store* store_ptr = *store;
  const secrets::SecretStore* secrets_ptr = *secrets;
  const fs::path state_dir = app.StateDir();
  auto notifications =
      [store_ptr, secrets_ptr,
       state_dir](const pipeline::Project& p) -> std::unique_ptr<engine::ExecutionEventListener> {
    return std::make_unique<notify::ProjectNotifier>(
        p, *store_ptr, *secrets_ptr, DefaultClock(),
        notify::NotifierOptions{.state_dir = state_dir});
  };
  server::ExecutionQueue queue(
      {**store, **secrets, steps, processes, DefaultClock(), notifications},
      {.state_dir = app.StateDir(),
       .max_parallel = flags.max_parallel,
       .sandbox = !flags.no_sandbox});
  std::vector<std::string> problems;
  auto resumed = queue.ResumeInterrupted("sluice server", &problems);
  if (!resumed.ok()) return Fail(resumed.status());
  for (const std::string& id : *resumed) std::cout << "resuming execution " << id << "\n";
  for (const std::string& p : problems) std::cerr << "sluice: not resuming " << p << "\n";

  App* app_ptr = &app;
  server::ApiServer api(
      {.store = **store,
       .auth = auth,
       .executions = queue,
       .functions = runtime->get(),
       .invocation_metrics = &invocation_metrics,
       .clock = DefaultClock(),
       .load_project =
           [app_ptr](DiagnosticList* d) {
             return LoadAndValidate(*app_ptr, app_ptr->ProjectDir(), d, true);
           },
       .state_dir = app.StateDir(),
       .openapi = std::string(server::OpenApiDocument()),
       .ui = files,
       .site = site,
       // Reports a step stored on an S3 server, read back with the
       // credentials of the connector that stored them.
       .read_s3_artifact = [app_ptr,
                            secrets_ptr](const store::ArtifactRecord& a) -> Result<std::string> {
         DiagnosticList d;
         auto p = pipeline::LoadProject(app_ptr->ProjectDir(), &d);
         if (!p.ok()) return p.status();
         return steps::ReadS3Artifact(
             *p, a, [secrets_ptr](const std::string& id) { return secrets_ptr->Get(id); },
             engine::HostEnvironment());
       },
       .secrets = *secrets});
  uint16_t bound = 0;
  auto listener = http->Listen(
      host, static_cast<uint16_t>(port),
      [&api](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
        api.Handle(std::move(request), std::move(responder));
      },
      &bound);
  if (!listener.ok()) return Fail(listener.status());
  const std::string addr = host + ":" + std::to_string(bound);
  std::cout << "sluice server on http://" << addr
            << " (API under /api/, /openapi.json, the UI from " << files->root().string()
            << (site ? "; the pages of " + site->root().string() + " under " +
                           std::string(server::kSitePath) + "/"
                     : std::string())
            << "); Ctrl-C stops" << std::endl;
  Status wrote =
      WriteFileAtomic(server_file, nlohmann::json{{"pid", getpid()}, {"addr", addr}}.dump() + "\n");
  if (!wrote.ok()) return Fail(wrote);
  // Cron triggers (.harness/triggers) run from here on.
  server::Scheduler scheduler(
      {**store, queue, DefaultClock(), *secrets,
       // Read afresh each tick, without validating every script each second.
       [app_ptr](DiagnosticList* d) { return pipeline::LoadProject(app_ptr->ProjectDir(), d); }},
      [](const std::string& line) { std::cout << line << std::endl; });
  scheduler.Start();
  // Alert rules (.harness/alerts) are evaluated from here on.
  const std::string ui_url = "http://" + addr;
  PeriodicTask alerts(
      [app_ptr, store_ptr, secrets_ptr, state_dir, ui_url] {
        DiagnosticList d;
        auto p = pipeline::LoadProject(app_ptr->ProjectDir(), &d);
        if (!p.ok()) return;
        monitor::EvaluateProjectAlerts(
            *p, *store_ptr, *secrets_ptr, DefaultClock(), state_dir, ui_url,
            [](std::string_view line) { std::cout << line << std::endl; });
      },
      *alert_interval);
  alerts.Start();

  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::cout << "stopping: running executions will resume at the next start" << std::endl;
  http->Close(*listener);
  scheduler.Stop();
  alerts.Stop();
  queue.Shutdown();
  api.Stop();
  (*runtime)->Shutdown();
  http->Stop();
  std::error_code ec;
  fs::remove(server_file, ec);
  return kExitOk;
}

}  // namespace

void AddServerCommand(CLI::App& cli, GlobalOptions& options) {
  auto flags = std::make_shared<ServerFlags>();
  auto* cmd = cli.add_subcommand(
      "server", "Run executions and serve the API, live logs, the web UI and the functions");
  cmd->add_option("--addr", flags->addr, "HOST:PORT to listen on")->capture_default_str();
  cmd->add_option("--max-parallel", flags->max_parallel, "Executions running at once")
      ->capture_default_str();
  cmd->add_flag("--allow-anonymous-read", flags->allow_anonymous_read,
                "Let requests without credentials read (never act)");
  cmd->add_option("--ui", flags->ui,
                  "Directory of the web UI's files (default: the built-in web/)");
  cmd->add_option("--static", flags->site,
                  "Directory of your own web pages, served under /site/ beside the function "
                  "URLs they call");
  cmd->add_flag("--no-sandbox", flags->no_sandbox,
                "Run CI steps in the host workspace folder, not at /harness");
  cmd->add_option("--alert-interval", flags->alert_interval,
                  "How often the alert rules of .harness/alerts are evaluated")
      ->capture_default_str();
  cmd->callback([&options, flags] { std::exit(Serve(options, *flags)); });
}

}  // namespace sluice::cli
