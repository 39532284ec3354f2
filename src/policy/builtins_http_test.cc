#include <gtest/gtest.h>

#include <string>

#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

// The value of x in `x := <expr>` (strict errors), or "error: ...".
std::string X(const std::string& expr) {
  QueryRequest req;
  req.query = "x := " + expr;
  req.strict_builtin_errors = true;
  QueryResult r = RunQuery(req);
  if (r.error) return "error: " + r.error->message;
  if (r.rows.empty()) return "undefined";
  return ToJson(r.rows[0][0].second);
}

TEST(BuiltinsHttpTest, UnknownAndMissingParametersAreTypeErrors) {
  EXPECT_EQ(X(R"(http.send({"method": "get", "url": "http://x", "bad": 1, "worse": 2}))"),
            "error: query:1: eval_type_error: http.send: operand 1 invalid request "
            "parameters(s): {\"bad\", \"worse\"}");
  EXPECT_EQ(X(R"(http.send({"timeout": "1s"}))"),
            "error: query:1: eval_type_error: http.send: operand 1 missing required request "
            "parameters(s): {\"method\", \"url\"}");
}

TEST(BuiltinsHttpTest, ValidRequestsFailAsTheNetworkIsUnavailable) {
  EXPECT_EQ(X(R"(http.send({"method": "get", "url": "http://x"}))"),
            "error: query:1: eval_builtin_error: http.send: Get \"http://x\": network access is not "
            "available to sluice policies");
  EXPECT_EQ(X(R"(http.send({"method": "get", "url": "http://x", "raise_error": false}))"),
            R"({"error":{"code":"eval_http_send_network_error","message":"Get \"http://x\": network )"
            R"(access is not available to sluice policies"},"status_code":0})");
}

}  // namespace
}  // namespace sluice::policy
