// sluice server's HTTP face: one handler for net::HttpServer that serves
// the REST API under /api/, the OpenAPI document at /openapi.json, the
// function runtime's routes (serve/invoke_routes.h) and the web UI's files.
//
// Every /api/ request runs on the API's worker threads (signing in hashes a
// password; the store is SQLite), never on the HTTP I/O threads: the
// handler only queues it. Each request is authenticated (auth.h: token,
// password or session cookie; anonymous only when enabled, and only for
// reads), unsafe methods are checked for CSRF and cross-origin use, and the
// route's action is authorized by role (roles.h). Every action (run, abort,
// retry, resume, invoke) and every refusal of one is written to the audit
// log with who, what, when and the remote address.
//
// Errors are JSON: {"code": "NotFound", "message": "..."} with the HTTP
// status of the code (InvalidArgument 400, unauthenticated 401,
// PermissionDenied 403, NotFound 404, FailedPrecondition/AlreadyExists 409,
// others 500).
//
// Routes (openapi.json documents each; Routes() lists them for the test
// that keeps the two in step):
//   GET    /api/me                               who is asking
//   POST   /api/session                          sign in {user, password}
//   DELETE /api/session                          sign out
//   GET    /api/pipelines                        pipelines and runtime inputs
//   POST   /api/pipelines/{id}/executions        run {inputs: {...}} -> 201 {id}
//   GET    /api/executions                       ?pipeline=&status=&limit=&cursor=
//   GET    /api/executions/{id}                  record, nodes, artifacts, policy
//   POST   /api/executions/{id}/abort
//   POST   /api/executions/{id}/retry            {from}
//   POST   /api/executions/{id}/resume
//   GET    /api/executions/{id}/logs             ?node=PATH: the whole log
//   GET    /api/executions/{id}/events           server-sent events (events.h)
//   GET    /api/executions/{id}/artifacts/{n}    a stored artifact (local, or read back
//                                                from its S3 server)
//   GET    /api/functions
//   GET    /api/functions/{name}
//   POST   /api/functions/{name}/invoke          body: the event
//   GET    /api/audit                            ?actor=&action=&limit=&before= (admin)
//   GET    /metrics                              Prometheus text (monitor/metrics.h); a
//                                                viewer's token is enough, as for every read
//
// Thread-safe. Stop() ends the event streams and joins the workers; the
// destructor calls it. Dependencies must outlive the ApiServer.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/diagnostic.h"
#include "common/status.h"
#include "monitor/invocation_metrics.h"
#include "net/http_server.h"
#include "net/static_files.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "serve/function_runtime.h"
#include "server/auth.h"
#include "server/executions.h"
#include "store/store.h"

namespace sluice::server {

// Where ApiDeps::site is served.
inline constexpr std::string_view kSitePath = "/site";

struct ApiDeps {
  store::Store& store;
  Authenticator& auth;
  ExecutionQueue& executions;
  serve::FunctionRuntime* functions = nullptr;  // optional: no function routes without it
  // What the runtime ran, for /metrics; optional (no invocation samples).
  const monitor::InvocationMetrics* invocation_metrics = nullptr;
  const Clock& clock;
  // The project as it is on disk now, validated; errors in *diags. Runs
  // read it afresh so an edited pipeline runs as edited.
  std::function<Result<pipeline::Project>(DiagnosticList* diags)> load_project;
  std::filesystem::path state_dir;
  std::string openapi;                         // the document served at /openapi.json
  std::shared_ptr<const net::StaticFiles> ui;  // optional: the web UI at /
  // Optional: the user's own pages under /site/ (kSitePath), on the same
  // origin as the function URLs they call.
  std::shared_ptr<const net::StaticFiles> site;
  // Optional: reads back an artifact a step stored on an S3 server
  // (ArtifactRecord::s3); without it such artifacts are only listed.
  std::function<Result<std::string>(const store::ArtifactRecord&)> read_s3_artifact;
  // Optional: the secrets webhook signatures are checked with (without it,
  // triggers that need a signature never fire).
  const secrets::SecretStore* secrets = nullptr;
};

struct ApiOptions {
  int worker_threads = 4;
  // Server-sent events: a comment this often keeps proxies from closing
  // an idle stream; executions run elsewhere are polled this often.
  std::chrono::milliseconds keep_alive{15'000};
  std::chrono::milliseconds poll{250};
  // Each open event stream holds a thread; beyond this many, a new one is
  // refused with 503 (the whole log is still at GET .../logs).
  int max_event_streams = 256;
};

// One route: its method, its path with {parameters}, and the action it
// needs. An open route authenticates the request itself (sign-in checks
// the password, a webhook delivery its signature), not the caller.
struct ApiRoute {
  std::string method;
  std::string path;
  Action action;
  bool open = false;
};

class ApiServer {
 public:
  ApiServer(ApiDeps deps, ApiOptions options = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // The net::HttpHandler. Does not block.
  void Handle(net::HttpRequest request, std::shared_ptr<net::Responder> responder);

  void Stop();

  // Event streams open now (each ends when its client leaves).
  int open_streams();

  // Every route of the API (without /openapi.json and the function routes).
  static const std::vector<ApiRoute>& Routes();

 private:
  struct Call;
  using Params = std::map<std::string, std::string>;

  void Work();
  void Serve(const net::HttpRequest& request, const std::shared_ptr<net::Responder>& responder);
  net::HttpResponse Dispatch(Call& call);

  // Handlers (api.cc, api_executions.cc, api_functions.cc).
  net::HttpResponse Me(Call& call);
  net::HttpResponse Login(Call& call);
  net::HttpResponse Logout(Call& call);
  net::HttpResponse ListPipelines(Call& call);
  net::HttpResponse RunPipeline(Call& call);
  net::HttpResponse ListExecutions(Call& call);
  net::HttpResponse GetExecution(Call& call);
  net::HttpResponse AbortExecution(Call& call);
  net::HttpResponse RetryExecution(Call& call);
  net::HttpResponse ResumeExecution(Call& call);
  // approve and reject (api_approvals.cc).
  net::HttpResponse DecideApproval(Call& call);
  net::HttpResponse GetLog(Call& call);
  net::HttpResponse GetArtifact(Call& call);
  net::HttpResponse ListFunctions(Call& call);
  net::HttpResponse GetFunction(Call& call);
  net::HttpResponse InvokeFunction(Call& call);
  net::HttpResponse ListAudit(Call& call);
  net::HttpResponse Webhook(Call& call);  // api_triggers.cc
  net::HttpResponse ListTriggers(Call& call);
  net::HttpResponse ListDeliveries(Call& call);
  // GET /metrics (api_metrics.cc).
  net::HttpResponse Metrics(Call& call);
  // Streams; runs on its own thread (events.cc).
  void StreamEvents(std::string execution_id, std::string last_event_id,
                    std::shared_ptr<net::Responder> responder);

  bool stopping();

  // Writes an audit record of `call`'s action on `target`.
  void Audit(const Call& call, std::string_view target, std::string_view outcome,
             nlohmann::json detail = nlohmann::json::object());

  ApiDeps deps_;
  const ApiOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
  int open_streams_ = 0;  // guarded by mu_; each on a detached thread Stop waits for
};

// The error document and HTTP status for `status`.
net::HttpResponse ErrorResponse(const Status& status);
net::HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message);

}  // namespace sluice::server
