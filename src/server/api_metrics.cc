// GET /metrics: the Prometheus exposition monitor/metrics.h builds, behind
// the same authentication as every read (a viewer's API token as the
// scraper's bearer token).
#include "monitor/exposition.h"
#include "monitor/metrics.h"
#include "server/api.h"
#include "server/api_call.h"

namespace sluice::server {

net::HttpResponse ApiServer::Metrics(Call& call) {
  (void)call;
  auto text = monitor::BuildMetrics(deps_.store.monitor(), deps_.invocation_metrics);
  if (!text.ok()) return ErrorResponse(text.status());
  net::HttpResponse response = net::HttpResponse::Text(200, std::move(*text));
  response.set("Content-Type", std::string(monitor::kExpositionContentType));
  response.set("Cache-Control", "no-store");
  return response;
}

}  // namespace sluice::server
