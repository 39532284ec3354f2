#include "server/api.h"

#include <cstdio>

#include "serve/invoke_routes.h"
#include "server/api_call.h"
#include "server/api_json.h"
#include "server/audit.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(at, end - at));
    at = end;
  }
  return out;
}

// Whether `path` fits `pattern` ("/api/executions/{id}"); fills `params`.
bool Match(std::string_view pattern, std::string_view path,
           std::map<std::string, std::string>* params) {
  std::vector<std::string_view> want = Segments(pattern);
  std::vector<std::string_view> got = Segments(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kTimeout:
      return 504;
    case StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

// The user's pages: /site/app.js is the site directory's app.js. /site
// itself moves to /site/, so that the page's relative links resolve.
net::HttpResponse SiteAnswer(const net::StaticFiles& site, const net::HttpRequest& request) {
  net::HttpRequest below = request;
  below.path = request.path.substr(kSitePath.size());
  if (!below.path.empty()) return site.Answer(below);
  net::HttpResponse moved = net::HttpResponse::Text(301, "moved\n");
  moved.set("Location",
            std::string(kSitePath) + "/" + (request.query.empty() ? "" : "?" + request.query));
  return moved;
}

}  // namespace

net::HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message) {
  Json body{{"code", code}, {"message", message}};
  return net::HttpResponse::Json(http_status, body.dump());
}

net::HttpResponse ErrorResponse(const Status& status) {
  return ErrorResponse(HttpStatusOf(status.code()), StatusCodeName(status.code()),
                       status.message());
}

const std::vector<ApiRoute>& ApiServer::Routes() {
  static const std::vector<ApiRoute> routes = {
      {"GET", "/api/me", Action::kRead},
      {"POST", "/api/session", Action::kRead, true},
      {"DELETE", "/api/session", Action::kRead},
      {"GET", "/api/pipelines", Action::kRead},
      {"POST", "/api/pipelines/{id}/executions", Action::kRun},
      {"GET", "/api/executions", Action::kRead},
      {"GET", "/api/executions/{id}", Action::kRead},
      {"POST", "/api/executions/{id}/abort", Action::kAbort},
      {"POST", "/api/executions/{id}/retry", Action::kRetry},
      {"POST", "/api/executions/{id}/resume", Action::kResume},
      {"POST", "/api/executions/{id}/approve", Action::kApprove},
      {"POST", "/api/executions/{id}/reject", Action::kReject},
      {"GET", "/api/executions/{id}/logs", Action::kRead},
      {"GET", "/api/executions/{id}/events", Action::kRead},
      {"GET", "/api/executions/{id}/artifacts/{n}", Action::kRead},
      {"GET", "/api/functions", Action::kRead},
      {"GET", "/api/functions/{name}", Action::kRead},
      {"POST", "/api/functions/{name}/invoke", Action::kRun},
      {"GET", "/api/audit", Action::kReadAudit},
      {"GET", "/api/triggers", Action::kRead},
      {"GET", "/api/webhooks/deliveries", Action::kRead},
      {"POST", "/api/webhooks/github", Action::kRead, true},
      {"POST", "/api/webhooks/custom", Action::kRead, true},
      {"GET", "/metrics", Action::kRead},
  };
  return routes;
}

ApiServer::ApiServer(ApiDeps deps, ApiOptions options) : deps_(std::move(deps)), options_(options) {
  for (int i = 0; i < std::max(options_.worker_threads, 1); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  // Streams notice `stopping_` within one poll interval.
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return open_streams_ == 0; });
}

int ApiServer::open_streams() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_streams_;
}

bool ApiServer::stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void ApiServer::Work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to answer
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      // A bug in a handler: its request gets a 500 (the responder, dropped
      // unanswered with the task, sends it) and the server goes on.
      std::fprintf(stderr, "sluice server: internal error: %s\n", e.what());
    }
  }
}

void ApiServer::Handle(net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
  if (request.path.rfind("/api/", 0) == 0 || request.path == "/api" || request.path == "/metrics") {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      responder->Send(ErrorResponse(503, "Unavailable", "the server is stopping"));
      return;
    }
    tasks_.push_back([this, request = std::move(request), responder = std::move(responder)] {
      Serve(request, responder);
    });
    cv_.notify_one();
    return;
  }
  if (request.path == "/openapi.json") {
    responder->Send(net::HttpResponse::Json(200, deps_.openapi));
    return;
  }
  if (deps_.functions != nullptr &&
      serve::HandleInvokeRoute(*deps_.functions, deps_.store, request, responder)) {
    return;
  }
  if (deps_.site && request.path.starts_with(kSitePath) &&
      (request.path.size() == kSitePath.size() || request.path[kSitePath.size()] == '/')) {
    responder->Send(SiteAnswer(*deps_.site, request));
    return;
  }
  if (deps_.ui) {
    responder->Send(deps_.ui->Answer(request));
    return;
  }
  responder->Send(
      ErrorResponse(404, "NotFound", "no such route: the API is under /api/ (see /openapi.json)"));
}

void ApiServer::Serve(const net::HttpRequest& request,
                      const std::shared_ptr<net::Responder>& responder) {
  const ApiRoute* route = nullptr;
  Params params;
  bool path_known = false;
  for (const ApiRoute& r : Routes()) {
    Params p;
    if (!Match(r.path, request.path, &p)) continue;
    path_known = true;
    if (r.method == request.method) {
      route = &r;
      params = std::move(p);
      break;
    }
  }
  if (route == nullptr) {
    responder->Send(path_known
                        ? ErrorResponse(405, "MethodNotAllowed",
                                        request.method + " is not allowed on " + request.path)
                        : ErrorResponse(404, "NotFound",
                                        "no API route " + request.path + " (see /openapi.json)"));
    return;
  }
  Call call{request, {}, route, std::move(params)};
  if (route->path == "/api/session" && route->method == "POST") {
    // Signing in: the credentials are in the body; only cross-origin use
    // is refused first.
    if (Status s = deps_.auth.CheckUnsafeRequest(request, Principal{}); !s.ok()) {
      responder->Send(ErrorResponse(s));
      return;
    }
    responder->Send(Login(call));
    return;
  }
  if (route->open) {  // webhook deliveries: signed, not signed in
    responder->Send(Webhook(call));
    return;
  }
  auto principal = deps_.auth.Authenticate(request, request.remote_address);
  if (!principal.ok()) {
    responder->Send(ErrorResponse(401, "Unauthenticated", principal.status().message()));
    return;
  }
  call.principal = std::move(*principal);
  if (Status s = deps_.auth.CheckUnsafeRequest(request, call.principal); !s.ok()) {
    if (route->action != Action::kRead)
      Audit(call, request.path, kOutcomeDenied, {{"reason", s.message()}});
    responder->Send(ErrorResponse(s));
    return;
  }
  if (Status s = deps_.auth.Authorize(call.principal, route->action); !s.ok()) {
    if (route->action != Action::kRead)
      Audit(call, request.path, kOutcomeDenied, {{"reason", s.message()}});
    responder->Send(ErrorResponse(s));
    return;
  }
  if (route->path == "/api/executions/{id}/events") {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      responder->Send(ErrorResponse(503, "Unavailable", "the server is stopping"));
      return;
    }
    if (open_streams_ >= options_.max_event_streams) {
      responder->Send(
          ErrorResponse(503, "Unavailable",
                        std::to_string(open_streams_) +
                            " live event streams are open, the most this server keeps; close some "
                            "pages, or read the whole log with GET /api/executions/{id}/logs"));
      return;
    }
    std::string last_event_id(request.header("Last-Event-ID"));
    if (last_event_id.empty()) last_event_id = request.query_param("lastEventId");
    ++open_streams_;
    std::thread([this, id = call.params["id"], last_event_id, responder] {
      StreamEvents(id, last_event_id, responder);
      std::lock_guard<std::mutex> done(mu_);
      --open_streams_;
      cv_.notify_all();
    }).detach();
    return;
  }
  responder->Send(Dispatch(call));
}

net::HttpResponse ApiServer::Dispatch(Call& call) {
  using Handler = net::HttpResponse (ApiServer::*)(Call&);
  static const std::map<std::pair<std::string, std::string>, Handler> handlers = {
      {{"GET", "/api/me"}, &ApiServer::Me},
      {{"DELETE", "/api/session"}, &ApiServer::Logout},
      {{"GET", "/api/pipelines"}, &ApiServer::ListPipelines},
      {{"POST", "/api/pipelines/{id}/executions"}, &ApiServer::RunPipeline},
      {{"GET", "/api/executions"}, &ApiServer::ListExecutions},
      {{"GET", "/api/executions/{id}"}, &ApiServer::GetExecution},
      {{"POST", "/api/executions/{id}/abort"}, &ApiServer::AbortExecution},
      {{"POST", "/api/executions/{id}/retry"}, &ApiServer::RetryExecution},
      {{"POST", "/api/executions/{id}/resume"}, &ApiServer::ResumeExecution},
      {{"POST", "/api/executions/{id}/approve"}, &ApiServer::DecideApproval},
      {{"POST", "/api/executions/{id}/reject"}, &ApiServer::DecideApproval},
      {{"GET", "/api/executions/{id}/logs"}, &ApiServer::GetLog},
      {{"GET", "/api/executions/{id}/artifacts/{n}"}, &ApiServer::GetArtifact},
      {{"GET", "/api/functions"}, &ApiServer::ListFunctions},
      {{"GET", "/api/functions/{name}"}, &ApiServer::GetFunction},
      {{"POST", "/api/functions/{name}/invoke"}, &ApiServer::InvokeFunction},
      {{"GET", "/api/audit"}, &ApiServer::ListAudit},
      {{"GET", "/api/triggers"}, &ApiServer::ListTriggers},
      {{"GET", "/api/webhooks/deliveries"}, &ApiServer::ListDeliveries},
      {{"GET", "/metrics"}, &ApiServer::Metrics},
  };
  auto it = handlers.find({call.route->method, call.route->path});
  if (it == handlers.end()) {
    return ErrorResponse(Status::Internal("no handler for " + call.route->path));
  }
  return (this->*(it->second))(call);
}

void ApiServer::Audit(const Call& call, std::string_view target, std::string_view outcome,
                      nlohmann::json detail) {
  Actor actor{call.principal.user, call.request.remote_address};
  std::string action = "api." + std::string(ActionName(call.route->action));
  Status ignored = WriteAudit(deps_.store.audit(), deps_.clock, actor, action, target, outcome,
                              std::move(detail));
  (void)ignored;  // the action itself is answered either way
}

net::HttpResponse ApiServer::Me(Call& call) {
  const Principal& p = call.principal;
  Json body{{"user", p.user},
            {"email", p.email},
            {"role", RoleName(p.role)},
            {"groups", p.groups},
            {"method", AuthMethodName(p.method)},
            {"anonymous", p.anonymous()}};
  if (p.method == AuthMethod::kSession) body["csrfToken"] = p.csrf_token;
  return net::HttpResponse::Json(200, body.dump());
}

net::HttpResponse ApiServer::Login(Call& call) {
  auto body = ParseBody(call.request);
  if (!body.ok()) return ErrorResponse(body.status());
  if (!body->contains("user") || !(*body)["user"].is_string() || !body->contains("password") ||
      !(*body)["password"].is_string()) {
    return ErrorResponse(Status::InvalidArgument(
        "sign in with a JSON body {\"user\": NAME, \"password\": PASSWORD}"));
  }
  auto login =
      deps_.auth.Login((*body)["user"].get<std::string>(), (*body)["password"].get<std::string>(),
                       call.request.remote_address);
  if (!login.ok()) {
    return ErrorResponse(401, "Unauthenticated", login.status().message());
  }
  Json out{{"user", login->principal.user},
           {"role", RoleName(login->principal.role)},
           {"csrfToken", login->csrf_token},
           {"expiresMs", login->expires_ms}};
  net::HttpResponse r = net::HttpResponse::Json(200, out.dump());
  r.set("Set-Cookie", login->set_cookie);
  r.set("Cache-Control", "no-store");
  return r;
}

net::HttpResponse ApiServer::Logout(Call& call) {
  auto cleared = deps_.auth.Logout(call.principal, call.request.remote_address);
  if (!cleared.ok()) return ErrorResponse(cleared.status());
  net::HttpResponse r;
  r.status = 204;
  r.set("Set-Cookie", *cleared);
  return r;
}

net::HttpResponse ApiServer::ListPipelines(Call&) {
  DiagnosticList diags;
  auto project = deps_.load_project(&diags);
  if (!project.ok()) return ErrorResponse(project.status());
  Json list = Json::array();
  for (const pipeline::Pipeline& p : project->pipelines) {
    Json one = PipelineJson(*project, p);
    size_t errors = 0;
    for (const Diagnostic& d : diags.items()) {
      if (d.severity == Severity::kError && d.location.file == p.file) ++errors;
    }
    one["errors"] = errors;
    list.push_back(std::move(one));
  }
  return net::HttpResponse::Json(200, Json{{"pipelines", list}}.dump());
}

net::HttpResponse ApiServer::ListAudit(Call& call) {
  store::AuditQuery query;
  query.actor = call.request.query_param("actor");
  query.action = call.request.query_param("action");
  auto limit = IntParam(call.request, "limit", 100);
  if (!limit.ok()) return ErrorResponse(limit.status());
  auto before = IntParam(call.request, "before", 0);
  if (!before.ok()) return ErrorResponse(before.status());
  query.limit = static_cast<int>(*limit);
  query.before_id = *before;
  auto records = deps_.store.audit().Query(query);
  if (!records.ok()) return ErrorResponse(records.status());
  Json list = Json::array();
  for (const auto& r : *records) list.push_back(AuditRecordJson(r));
  return net::HttpResponse::Json(200, Json{{"records", list}}.dump());
}

}  // namespace sluice::server
