// Rego builtins: providers.aws.sign_req (SigV4).
// The request object comes back with its headers plus Authorization,
// host, x-amz-date (and x-amz-content-sha256 for s3 / glacier,
// x-amz-security-token with a session token), signed as OPA's
// internal/providers/aws SignV4 does. Operand problems are type errors,
// with OPA's operand numbers.
#include <optional>
#include <string>
#include <vector>

#include "policy/aws_sigv4.h"
#include "policy/builtins.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

constexpr const char* kConfigKeys[] = {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"};
constexpr const char* kRequestKeys[] = {
    "body", "cache", "caching_mode", "enable_redirect", "force_cache", "force_cache_duration_seconds",
    "force_json_decode", "force_yaml_decode", "headers", "max_retry_attempts", "method", "raise_error",
    "raw_body", "timeout", "tls_ca_cert", "tls_ca_cert_env_variable", "tls_ca_cert_file", "tls_client_cert",
    "tls_client_cert_env_variable", "tls_client_cert_file", "tls_client_key", "tls_client_key_env_variable",
    "tls_client_key_file", "tls_insecure_skip_verify", "tls_server_name", "tls_use_system_certs", "url"};

// OPA's text for a set of keys: {"a", "b"}.
std::string SetText(std::vector<Value> keys) {
  Value set = Value::Set(std::move(keys));
  std::string out = "{";
  for (const Value& k : set.SetElems()) {
    if (out.size() > 1) out += ", ";
    AppendRego(out, k);
  }
  return out + "}";
}

Out OperandProblem(int n, const std::string& what, std::vector<Value> keys) {
  return Out::TypeError("operand " + std::to_string(n) + " " + what + ": " + SetText(std::move(keys)));
}

std::string StringOf(const Value* v) { return v != nullptr && v->IsString() ? std::string(v->AsString()) : ""; }

Out ConfigProblem(const Value& config) {
  std::vector<Value> missing, invalid;
  for (const char* key : kConfigKeys) {
    const Value* v = config.Find(key);
    if (v == nullptr) missing.push_back(Value::String(key));
    if (v != nullptr && !v->IsString()) invalid.push_back(Value::String(key));
  }
  if (!missing.empty()) return OperandProblem(2, "missing required AWS config parameters(s)", std::move(missing));
  if (!invalid.empty()) {
    return OperandProblem(2, "invalid values for required AWS config parameters(s)", std::move(invalid));
  }
  return Out::Undefined();
}

Out RequestProblem(const Value& request) {
  std::vector<Value> unknown, missing;
  for (const ObjectEntry& e : request.ObjectEntries()) {
    bool allowed = false;
    for (const char* key : kRequestKeys) allowed = allowed || (e.key.IsString() && e.key.AsString() == key);
    if (!allowed) unknown.push_back(e.key);
  }
  if (!unknown.empty()) return OperandProblem(1, "invalid request parameters(s)", std::move(unknown));
  for (const char* key : {"method", "url"}) {
    if (request.Find(key) == nullptr) missing.push_back(Value::String(key));
  }
  if (!missing.empty()) return OperandProblem(1, "missing required request parameters(s)", std::move(missing));
  return Out::Undefined();
}

Out SignRequest(Args a) {
  const Value& request = a[0];
  const Value& config = a[1];
  if (!request.IsObject()) return Out::OperandError(1, "object", request);
  if (!config.IsObject()) return Out::OperandError(1, "object", config);  // sic: OPA's numbering
  if (Out problem = ConfigProblem(config); problem.state != Out::State::kUndefined) return problem;
  if (!a[2].IsNumber()) return Out::OperandError(1, "number", a[2]);  // sic
  std::optional<int64_t> time_ns = a[2].AsNumber().LiteralInt64();
  if (!time_ns) return Out::TypeError("operand 3 could not convert time_ns value into a unix timestamp");
  if (Out problem = RequestProblem(request); problem.state != Out::State::kUndefined) return problem;

  Value headers = Value::Object({});
  if (const Value* h = request.Find("headers"); h != nullptr) {
    if (!h->IsObject()) return Out::OperandError(0, "object", *h);
    headers = *h;
  }
  const Value* url = request.Find("url");
  const Value* method = request.Find("method");
  std::vector<Value> invalid;
  if (!url->IsString()) invalid.push_back(Value::String("url"));
  if (!method->IsString()) invalid.push_back(Value::String("method"));
  if (!invalid.empty()) {
    return OperandProblem(1, "invalid values for required request parameters(s)", std::move(invalid));
  }
  aws::SignInput in;
  if (Status s = aws::ParseUrl(url->AsString(), in.host, in.path, in.query); !s.ok()) return Out::Error(s.message());
  in.method = method->AsString();
  if (const Value* raw = request.Find("raw_body"); raw != nullptr) {
    in.body = StringOf(raw);
  } else if (const Value* body = request.Find("body"); body != nullptr) {
    in.body = ToJson(*body);
  }
  for (const ObjectEntry& e : headers.ObjectEntries()) in.headers[StringOf(&e.key)] = StringOf(&e.value);
  if (const Value* d = config.Find("disable_payload_signing"); d != nullptr) {
    if (!d->IsBoolean()) return Out::TypeError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
    in.unsigned_payload = d->AsBool();
  }
  in.service = StringOf(config.Find("aws_service"));
  in.access_key = StringOf(config.Find("aws_access_key"));
  in.secret_key = StringOf(config.Find("aws_secret_access_key"));
  in.region = StringOf(config.Find("aws_region"));
  in.session_token = StringOf(config.Find("aws_session_token"));
  in.time_ns = *time_ns;

  aws::Signature sig = aws::SignV4(in);
  ObjectBuilder signed_headers;
  for (const auto& [k, v] : in.headers) signed_headers.Insert(Value::String(k), Value::String(v));
  signed_headers.Insert(Value::String("Authorization"), Value::String(sig.authorization));
  for (const auto& [k, v] : sig.headers) signed_headers.Insert(Value::String(k), Value::String(v));
  ObjectBuilder out;
  for (const ObjectEntry& e : request.ObjectEntries()) out.Insert(e.key, e.value);
  out.Insert(Value::String("headers"), std::move(signed_headers).Build());
  return std::move(out).Build();
}

}  // namespace

void RegisterAwsBuiltins(BuiltinRegistry& r) { r.Add("providers.aws.sign_req", 3, SignRequest); }

}  // namespace sluice::policy
