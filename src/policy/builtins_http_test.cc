#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string X(const std::string& expr) { return testing::EvalX(expr); }

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
