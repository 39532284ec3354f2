// http.send without a network: sluice evaluates policies offline, so the
// request is checked as OPA checks it (unknown and missing parameters are
// type errors) and then fails the way an unreachable server does in OPA:
// an eval_builtin_error, or with "raise_error": false the response object
// {"status_code": 0, "error": {"code": "eval_http_send_network_error", ...}}.
#include <cctype>
#include <string>
#include <string_view>

#include "policy/builtins.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

constexpr std::string_view kAllowedKeys[] = {
    "method",
    "url",
    "body",
    "enable_redirect",
    "force_json_decode",
    "force_yaml_decode",
    "headers",
    "raw_body",
    "tls_use_system_certs",
    "tls_ca_cert",
    "tls_ca_cert_file",
    "tls_ca_cert_env_variable",
    "tls_client_cert",
    "tls_client_cert_file",
    "tls_client_cert_env_variable",
    "tls_client_key",
    "tls_client_key_file",
    "tls_client_key_env_variable",
    "tls_insecure_skip_verify",
    "tls_server_name",
    "timeout",
    "cache",
    "force_cache",
    "force_cache_duration_seconds",
    "raise_error",
    "caching_mode",
    "max_retry_attempts",
    "cache_ignored_headers",
};

bool Allowed(const Value& key) {
  if (!key.IsString()) return false;
  for (std::string_view k : kAllowedKeys) {
    if (k == key.AsString()) return true;
  }
  return false;
}

Out HttpSend(Args a) {
  const Value& req = a[0];
  if (!req.IsObject()) return Out::OperandError(1, "object", req);
  const Value* raise = req.Find("raise_error");
  if (raise != nullptr && !raise->IsBoolean()) {
    return Out::TypeError("invalid value for raise_error field");
  }
  SetBuilder invalid;
  for (const ObjectEntry& e : req.ObjectEntries()) {
    if (!Allowed(e.key)) invalid.Push(e.key);
  }
  Value bad = std::move(invalid).Build();
  if (bad.size() != 0) {
    return Out::TypeError("operand 1 invalid request parameters(s): " + ToRego(bad));
  }
  SetBuilder missing;
  for (std::string_view k : {"method", "url"}) {
    if (req.Find(k) == nullptr) missing.Push(Value::String(k));
  }
  Value lack = std::move(missing).Build();
  if (lack.size() != 0) {
    return Out::TypeError("operand 1 missing required request parameters(s): " + ToRego(lack));
  }
  // Worded like Go's url.Error for a failed request: `Get "http://...": ...`.
  std::string op = req.Find("method")->IsString() ? std::string(req.Find("method")->AsString()) : "";
  for (size_t i = 0; i < op.size(); ++i) {
    op[i] = static_cast<char>(i == 0 ? std::toupper(static_cast<unsigned char>(op[i]))
                                     : std::tolower(static_cast<unsigned char>(op[i])));
  }
  std::string message =
      op + " " + ToRego(*req.Find("url")) + ": network access is not available to sluice policies";
  if (raise == nullptr || raise->AsBool()) return Out::Error(message);
  return Value::Object({
      {Value::String("status_code"), Value::Int(0)},
      {Value::String("error"),
       Value::Object({{Value::String("code"), Value::String("eval_http_send_network_error")},
                      {Value::String("message"), Value::String(message)}})},
  });
}

}  // namespace

void RegisterHttpBuiltins(BuiltinRegistry& r) { r.Add("http.send", 1, HttpSend); }

}  // namespace sluice::policy
