// io.jwt.encode_sign and io.jwt.encode_sign_raw: a compact JWS signed with
// the first key of a JWK (set). Deterministic for HS*, RS* and EdDSA; PS*
// and ES* signatures are random, as in OPA.
#include <string>
#include <vector>

#include "policy/jose.h"
#include "policy/jwt.h"
#include "policy/value_json.h"

namespace sluice::policy::jwt {
namespace {

using Out = BuiltinOutcome;

// The header's JSON as OPA's JWS library (fastjson) reads it: empty text
// and broken JSON are errors, but a run of number characters ("e") is a
// number, which simply has no "alg".
Result<Value> ParseHeader(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::InvalidArgument("cannot parse JSON: cannot parse empty string");
  Result<Value> v = ParseJson(text);
  if (v.ok()) return v;
  size_t end = text.find_last_not_of(" \t\r\n");
  if (text.substr(start, end + 1 - start).find_first_not_of("0123456789.eE+-") == std::string_view::npos) {
    return Value::Null();
  }
  return Status::InvalidArgument("cannot parse JSON: " + v.status().message());
}

Out Sign(const std::string& header, const std::string& payload, std::string_view jwk) {
  Result<std::vector<jose::Key>> keys = jose::ParseJwks(jwk);
  if (!keys.ok()) return Out::Error(keys.status().message());
  if (keys->empty()) return Out::Error("no keys found in JWK set");
  Result<Value> parsed = ParseHeader(header);
  if (!parsed.ok()) return Out::Error("missing or invalid 'alg' header: " + parsed.status().message());
  const Value* alg = parsed->Find("alg");
  if (alg == nullptr) return Out::Error("missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  if (!alg->IsString()) return Out::Error("missing or invalid 'alg' header: jwsbb: header \"alg\" is not a string");
  if (!jose::KnownAlgorithm(alg->AsString())) {
    return Out::Error("unknown JWS algorithm: " + std::string(alg->AsString()));
  }
  const Value* typ = parsed->Find("typ");
  bool typ_jwt = typ == nullptr || !typ->IsString() || typ->AsString() == "JWT";
  if (typ_jwt && !ParseJson(payload).ok()) return Out::Error("type is JWT but payload is not JSON");
  std::string input = jose::Base64UrlEncode(header) + "." + jose::Base64UrlEncode(payload);
  Result<std::string> signature = jose::Sign(keys->front(), alg->AsString(), input);
  if (!signature.ok()) return Out::Error(signature.status().message());
  return Value::String(input + "." + jose::Base64UrlEncode(*signature));
}

}  // namespace

BuiltinOutcome EncodeSign(std::span<const Value> a) {
  return Sign(ToJson(a[0]), ToJson(a[1]), ToJson(a[2]));
}

BuiltinOutcome EncodeSignRaw(std::span<const Value> a) {
  if (!a[2].IsString()) return Out::OperandError(3, "string", a[2]);
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  return Sign(std::string(a[0].AsString()), std::string(a[1].AsString()), a[2].AsString());
}

}  // namespace sluice::policy::jwt
