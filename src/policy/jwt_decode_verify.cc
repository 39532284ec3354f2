// io.jwt.decode_verify: signature check against the constraints' keys or
// secret, then the registered claims (iss, aud, exp, nbf) against the
// constraints and the time, as OPA's builtinJWTDecodeVerify does.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "policy/jose.h"
#include "policy/jwt.h"

namespace sluice::policy::jwt {
namespace {

using Out = BuiltinOutcome;

struct Constraints {
  bool has_keys = false;  // a "cert" was given (its key list may be empty)
  std::vector<jose::Key> keys;
  std::string secret, alg, iss, aud;
  double time_ns = -1;
};

Status TimeFrom(const Value& v, double& out) {
  if (!v.IsNumber()) return Status::InvalidArgument("token time constraint: must be a number");
  std::optional<double> d = v.AsNumber().ToDouble();
  if (!d) return Status::InvalidArgument("token time constraint: unvalid float64");
  if (*d < 0) return Status::InvalidArgument("token time constraint: must not be negative");
  out = *d;
  return Status::Ok();
}

Status Parse(const Value& object, Constraints& c) {
  for (const ObjectEntry& e : object.ObjectEntries()) {
    std::string name = e.key.IsString() ? std::string(e.key.AsString()) : "";
    if (name == "time") {
      SLUICE_RETURN_IF_ERROR(TimeFrom(e.value, c.time_ns));
      continue;
    }
    std::string* where = name == "secret" ? &c.secret
                         : name == "alg"  ? &c.alg
                         : name == "iss"  ? &c.iss
                         : name == "aud"  ? &c.aud
                                          : nullptr;
    if (where == nullptr && name != "cert") {
      return Status::InvalidArgument("unknown token validation constraint: " + name);
    }
    if (!e.value.IsString()) return Status::InvalidArgument(name + " constraint: must be a string");
    if (where != nullptr) {
      *where = e.value.AsString();
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(c.keys, jose::KeysFromCertOrJwk(e.value.AsString()));
    c.has_keys = true;
  }
  if (c.time_ns < 0) {
    // OPA uses the query's start time (what time.now_ns returns). Builtins
    // get no evaluation context to carry one, so the clock is read here.
    auto now = std::chrono::system_clock::now().time_since_epoch();
    c.time_ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  }
  int keys = (c.has_keys ? 1 : 0) + (c.secret.empty() ? 0 : 1);
  if (keys > 1) return Status::InvalidArgument("duplicate key constraints");
  if (keys < 1) return Status::InvalidArgument("no key constraint");
  return Status::Ok();
}

bool SignatureValid(const Constraints& c, const std::string& kid, const std::string& alg,
                    std::string_view input, std::string_view signature) {
  if (!c.has_keys) {
    jose::Key key;
    key.secret = c.secret;
    return jose::Verify(key, alg, input, signature);
  }
  if (!kid.empty()) {
    for (const jose::Key& key : c.keys) {
      if (key.kid == kid) return jose::Verify(key, alg, input, signature);
    }
  }
  for (const jose::Key& key : c.keys) {
    if (!key.alg.empty() && key.alg != alg) continue;
    if (jose::Verify(key, alg, input, signature)) return true;
  }
  return false;
}

bool AudienceValid(const Value& aud, const std::string& want) {
  if (aud.IsString()) return aud.AsString() == want;
  for (const Value& v : aud.ArrayElems()) {
    if (v.IsString() && v.AsString() == want) return true;
  }
  return false;
}

}  // namespace

BuiltinOutcome DecodeVerify(std::span<const Value> a) {
  if (!a[1].IsObject()) return Out::OperandError(2, "object", a[1]);
  const Value unverified = Value::Array({Value::Boolean(false), Value::Object({}), Value::Object({})});
  Constraints c;
  if (Status s = Parse(a[1], c); !s.ok()) return Out::Error(s.message());
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string text(a[0].AsString()), payload;
  Value header;
  for (;;) {
    Result<Token> token = Split(text);
    if (!token.ok()) return Out::Error(token.status().message());
    Result<Value> decoded = DecodeHeader(*token);
    if (!decoded.ok()) return Out::Error(decoded.status().message());
    header = *decoded;
    Result<HeaderFields> fields = ReadHeader(header);
    if (!fields.ok()) return Out::Error(fields.status().message());
    if (!fields->Valid() || (!c.alg.empty() && c.alg != fields->alg)) return unverified;
    Result<std::string> signature = DecodeSignature(*token);
    if (!signature.ok()) return Out::Error(signature.status().message());
    if (!SignatureValid(c, fields->kid, fields->alg, token->header + "." + token->payload, *signature)) {
      return unverified;
    }
    Result<std::string> p = jose::Base64UrlDecode(token->payload);
    if (!p.ok()) return Out::Error("JWT payload had invalid encoding: " + p.status().message());
    payload = std::move(p).value();
    const std::string& cty = fields->cty;
    bool nested = cty.size() == 3 && (cty[0] | 0x20) == 'j' && (cty[1] | 0x20) == 'w' && (cty[2] | 0x20) == 't';
    if (!nested) break;
    text = payload;
  }
  Result<Value> claims = JsonObject(payload);
  if (!claims.ok()) return Out::Error(claims.status().message());

  if (!c.iss.empty()) {
    const Value* iss = claims->Find("iss");
    if (iss == nullptr || !iss->IsString() || iss->AsString() != c.iss) return unverified;
  }
  if (const Value* aud = claims->Find("aud"); aud != nullptr ? !AudienceValid(*aud, c.aud) : !c.aud.empty()) {
    return unverified;
  }
  Result<Number> now = Number::FromDouble(c.time_ns / 1e9);
  if (!now.ok()) return Out::Error(now.status().message());
  Value now_s(std::move(now).value());
  if (const Value* exp = claims->Find("exp"); exp != nullptr) {
    if (!exp->IsNumber()) return Out::Error("exp value must be a number");
    if (Compare(now_s, *exp) >= 0) return unverified;
  }
  if (const Value* nbf = claims->Find("nbf"); nbf != nullptr) {
    if (!nbf->IsNumber()) return Out::Error("nbf value must be a number");
    if (Compare(now_s, *nbf) < 0) return unverified;
  }
  return Value::Array({Value::Boolean(true), header, *claims});
}

}  // namespace sluice::policy::jwt
