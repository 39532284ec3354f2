#include "serve/invoke_routes.h"

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/clock.h"
#include "common/ids.h"
#include "serve/function_url.h"

namespace sluice::serve {
namespace {

constexpr std::string_view kInvokePrefix = "/2015-03-31/functions/";
constexpr std::string_view kInvokeSuffix = "/invocations";
constexpr std::string_view kUrlPrefix = "/fn/";

net::HttpResponse InvokeApiResponse(const InvokeResult& r) {
  net::HttpResponse out = net::HttpResponse::Json(r.status, r.body);
  if (!r.request_id.empty()) out.set("X-Amzn-RequestId", r.request_id);
  if (!r.executed_version.empty()) out.set("X-Amz-Executed-Version", r.executed_version);
  if (!r.function_error.empty()) out.set("X-Amz-Function-Error", r.function_error);
  if (r.status != 200 && !r.error_type.empty()) out.set("X-Amzn-ErrorType", r.error_type);
  if (!r.log_tail.empty()) out.set("X-Amz-Log-Result", Base64Encode(r.log_tail));
  return out;
}

net::HttpResponse UrlMessage(int status, std::string_view message) {
  return net::HttpResponse::Json(status, nlohmann::json{{"Message", message}}.dump());
}

void HandleInvoke(FunctionRuntime& runtime, store::Store& store, const net::HttpRequest& request,
                  const std::shared_ptr<net::Responder>& responder) {
  std::string name = request.path.substr(
      kInvokePrefix.size(), request.path.size() - kInvokePrefix.size() - kInvokeSuffix.size());
  if (request.method != "POST") {
    responder->Send(
        net::HttpResponse::Json(405, R"({"Type":"User","message":"the Invoke API takes POST"})"));
    return;
  }
  if (name == "function") {
    // The emulator's single route: the one function there is.
    auto all = store.functions().ListFunctions();
    if (all.ok() && all->size() == 1) name = all->front().name;
  }
  InvokeRequest invoke;
  invoke.function = std::move(name);
  invoke.qualifier = request.query_param("Qualifier");
  invoke.payload = request.body.empty() ? "{}" : request.body;
  invoke.trace_id = std::string(request.header("X-Amzn-Trace-Id"));
  invoke.tail_log = request.header("X-Amz-Log-Type") == "Tail";
  const std::string_view type = request.header("X-Amz-Invocation-Type");
  if (type == "DryRun") {
    auto fn = store.functions().GetFunction(invoke.function);
    responder->Send(fn.ok()
                        ? net::HttpResponse{204, {}, ""}
                        : net::HttpResponse::Json(
                              404, nlohmann::json{{"Type", "User"},
                                                  {"message", "Function not found: " +
                                                                  runtime.Arn(invoke.function, "")}}
                                       .dump()));
    return;
  }
  if (type == "Event") {
    responder->Send(net::HttpResponse{202, {}, ""});
    runtime.Invoke(std::move(invoke), [](InvokeResult) {});
    return;
  }
  runtime.Invoke(std::move(invoke),
                 [responder](InvokeResult r) { responder->Send(InvokeApiResponse(r)); });
}

void HandleUrl(FunctionRuntime& runtime, const net::HttpRequest& request,
               const std::shared_ptr<net::Responder>& responder) {
  std::string_view rest = std::string_view(request.path).substr(kUrlPrefix.size());
  size_t slash = rest.find('/');
  std::string function(rest.substr(0, slash));
  std::string qualifier;
  std::string raw_path = "/";
  if (slash != std::string_view::npos) {
    rest.remove_prefix(slash + 1);
    size_t next = rest.find('/');
    qualifier = std::string(rest.substr(0, next));
    if (next != std::string_view::npos) raw_path = std::string(rest.substr(next));
  }
  if (function.empty()) {
    responder->Send(
        UrlMessage(404, "no function named in the URL: use /fn/NAME or /fn/NAME/ALIAS"));
    return;
  }
  UrlEventContext context;
  context.raw_path = raw_path;
  context.request_id = QuickRandomHex(16);
  context.api_id = function;
  context.domain_name = std::string(request.header("Host"));
  context.time_epoch_ms = DefaultClock().NowMillis();
  InvokeRequest invoke;
  invoke.function = function;
  invoke.qualifier = qualifier == "$LATEST" ? "" : qualifier;
  invoke.payload = BuildUrlEvent(request, context);
  invoke.features = request.body;
  invoke.trace_id = std::string(request.header("X-Amzn-Trace-Id"));
  runtime.Invoke(std::move(invoke), [responder](InvokeResult r) {
    net::HttpResponse out;
    if (r.status == 200 && r.function_error.empty()) {
      out = UrlResponseFromPayload(r.body);
    } else if (r.status == 200) {
      out = UrlMessage(502, "Internal Server Error");
    } else if (r.status == 429) {
      out = UrlMessage(429, "Rate Exceeded.");
    } else if (r.status == 404) {
      out = UrlMessage(404, "Not Found: " + nlohmann::json::parse(r.body, nullptr, false)
                                                .value("message", std::string("no such function")));
    } else if (r.status == 413) {
      out = UrlMessage(413, "Request Entity Too Large");
    } else {
      out = UrlMessage(r.status, "Internal Server Error");
    }
    if (!r.request_id.empty()) out.set("X-Amzn-RequestId", r.request_id);
    if (!r.executed_version.empty()) out.set("X-Amz-Executed-Version", r.executed_version);
    responder->Send(std::move(out));
  });
}

}  // namespace

bool HandleInvokeRoute(FunctionRuntime& runtime, store::Store& store,
                       const net::HttpRequest& request,
                       const std::shared_ptr<net::Responder>& responder) {
  const std::string& path = request.path;
  if (path.starts_with(kInvokePrefix) && path.ends_with(kInvokeSuffix) &&
      path.size() > kInvokePrefix.size() + kInvokeSuffix.size()) {
    HandleInvoke(runtime, store, request, responder);
    return true;
  }
  if (path.starts_with(kUrlPrefix)) {
    HandleUrl(runtime, request, responder);
    return true;
  }
  return false;
}

}  // namespace sluice::serve
