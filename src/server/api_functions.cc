// The functions half of the API: the function runtime's functions, their
// versions, alias weights and recent invocations, and invoking one.
#include "server/api.h"
#include "server/api_call.h"
#include "server/api_json.h"
#include "server/audit.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

// Recent invocations summarised per function: the newest samples kept.
constexpr int kRecentSamples = 200;

}  // namespace

net::HttpResponse ApiServer::ListFunctions(Call&) {
  store::FunctionStore& functions = deps_.store.functions();
  auto list = functions.ListFunctions();
  if (!list.ok()) return ErrorResponse(list.status());
  Json out = Json::array();
  for (const auto& f : *list) {
    auto versions = functions.ListVersions(f.name);
    auto aliases = functions.ListAliases(f.name);
    auto samples = functions.ListInvocations(f.name, kRecentSamples, 0);
    if (!versions.ok()) return ErrorResponse(versions.status());
    if (!aliases.ok()) return ErrorResponse(aliases.status());
    if (!samples.ok()) return ErrorResponse(samples.status());
    out.push_back(FunctionJson(f, *versions, *aliases, *samples));
  }
  return net::HttpResponse::Json(200, Json{{"functions", out}}.dump());
}

net::HttpResponse ApiServer::GetFunction(Call& call) {
  store::FunctionStore& functions = deps_.store.functions();
  const std::string& name = call.params["name"];
  auto f = functions.GetFunction(name);
  if (!f.ok()) return ErrorResponse(f.status());
  auto versions = functions.ListVersions(name);
  auto aliases = functions.ListAliases(name);
  auto samples = functions.ListInvocations(name, kRecentSamples, 0);
  if (!versions.ok()) return ErrorResponse(versions.status());
  if (!aliases.ok()) return ErrorResponse(aliases.status());
  if (!samples.ok()) return ErrorResponse(samples.status());
  Json out = FunctionJson(*f, *versions, *aliases, *samples);
  Json recent = Json::array();
  for (size_t i = 0; i < samples->size() && i < 20; ++i) {
    const auto& s = (*samples)[i];
    recent.push_back(Json{{"startedMs", s.started_ms},
                          {"qualifier", s.qualifier},
                          {"version", s.version},
                          {"latencyMs", static_cast<double>(s.latency_us) / 1000.0},
                          {"status", s.status},
                          {"errorType", s.error_type}});
  }
  out["invocations"] = std::move(recent);
  return net::HttpResponse::Json(200, out.dump());
}

net::HttpResponse ApiServer::InvokeFunction(Call& call) {
  const std::string& name = call.params["name"];
  if (deps_.functions == nullptr) {
    return ErrorResponse(Status::FailedPrecondition("this server does not run functions"));
  }
  if (auto f = deps_.store.functions().GetFunction(name); !f.ok()) return ErrorResponse(f.status());
  serve::InvokeRequest request;
  request.function = name;
  request.qualifier = call.request.query_param("qualifier");
  request.payload = call.request.body.empty() ? "{}" : call.request.body;
  // Blocks this worker until the function answers (its timeout bounds it).
  serve::InvokeResult result = deps_.functions->InvokeAndWait(std::move(request));
  Audit(call, name,
        result.status < 400 && result.function_error.empty() ? kOutcomeSuccess : kOutcomeError,
        {{"status", result.status}, {"version", result.executed_version}});
  net::HttpResponse r;
  r.status = result.status;
  r.body = std::move(result.body);
  r.set("Content-Type", "application/json");
  r.set("X-Amz-Executed-Version", result.executed_version);
  if (!result.function_error.empty()) r.set("X-Amz-Function-Error", result.function_error);
  r.set("X-Amzn-RequestId", result.request_id);
  return r;
}

}  // namespace sluice::server
