// Rego builtins: io.jwt.* (decode, verify, encode/sign; OpenSSL).
// io.jwt.decode and the io.jwt.verify_* family live here; decode_verify and
// encode_sign(_raw) in jwt_decode_verify.cc and jwt_encode.cc.
#include <string>
#include <vector>

#include "common/hash.h"
#include "policy/builtins.h"
#include "policy/jose.h"
#include "policy/jwt.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace jwt {

Result<Token> Split(std::string_view text) {
  if (text.find('.') == std::string_view::npos) {
    return Status::InvalidArgument("encoded JWT had no period separators");
  }
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    size_t dot = text.find('.', from);
    parts.push_back(text.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
    if (dot == std::string_view::npos) break;
    from = dot + 1;
  }
  if (parts.size() != 3) {
    return Status::InvalidArgument("encoded JWT must have 3 sections, found " + std::to_string(parts.size()));
  }
  return Token{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

Result<Value> JsonObject(std::string_view text) {
  Result<Value> v = ParseJson(text);
  if (!v.ok()) return Status::InvalidArgument("invalid JSON: " + v.status().message());
  if (!v->IsObject()) return Status::InvalidArgument("decoded JSON type was not an Object");
  return v;
}

Result<Value> DecodeHeader(const Token& token) {
  Result<std::string> text = jose::Base64UrlDecode(token.header);
  if (!text.ok()) return Status::InvalidArgument("JWT header had invalid encoding: " + text.status().message());
  Result<Value> header = JsonObject(*text);
  if (!header.ok()) return Status::InvalidArgument("bad JWT header: " + header.status().message());
  if (header->Find("enc") != nullptr) return Status::InvalidArgument("JWT is a JWE object, which is not supported");
  return header;
}

Result<std::string> DecodeSignature(const Token& token) { return jose::Base64UrlDecode(token.signature); }

Result<HeaderFields> ReadHeader(const Value& header) {
  HeaderFields h;
  for (const ObjectEntry& e : header.ObjectEntries()) {
    std::string_view name = e.key.AsString();
    std::string* where = name == "alg"   ? &h.alg
                         : name == "kid" ? &h.kid
                         : name == "typ" ? &h.typ
                         : name == "cty" ? &h.cty
                                         : nullptr;
    if (where != nullptr) {
      if (!e.value.IsString()) return Status::InvalidArgument(std::string(name) + ": must be a string");
      *where = e.value.AsString();
    } else if (name == "crit") {
      if (!e.value.IsArray()) return Status::InvalidArgument("crit: must be a list");
      for (const Value& v : e.value.ArrayElems()) {
        if (v.IsString()) h.critical.emplace_back(v.AsString());
      }
      if (h.critical.empty()) return Status::InvalidArgument("crit: must be a nonempty list");
    } else {
      h.unknown.emplace_back(name);
    }
  }
  return h;
}

bool HeaderFields::Valid() const {
  if (alg.empty()) return false;
  for (const std::string& u : unknown) {
    for (const std::string& c : critical) {
      if (u == c) return false;
    }
  }
  return true;
}

}  // namespace jwt

namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

Out Fail(const Status& s) { return Out::Error(s.message()); }

// [header, payload, hex signature]; a payload that is itself a JWT (cty
// "JWT") is decoded in its place.
Out Decode(std::string_view text) {
  Result<jwt::Token> token = jwt::Split(text);
  if (!token.ok()) return Fail(token.status());
  Result<Value> header = jwt::DecodeHeader(*token);
  if (!header.ok()) return Fail(header.status());
  Result<std::string> payload = jose::Base64UrlDecode(token->payload);
  if (!payload.ok()) return Out::Error("JWT payload had invalid encoding: " + payload.status().message());
  const Value* cty = header->Find("cty");
  if (cty != nullptr && cty->IsString() && cty->AsString() == "JWT") {
    std::string_view inner = *payload;
    while (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) inner.remove_prefix(1);
    while (!inner.empty() && (inner.back() == '"' || inner.back() == '\'')) inner.remove_suffix(1);
    return Decode(inner);
  }
  Result<Value> claims = jwt::JsonObject(*payload);
  if (!claims.ok()) return Fail(claims.status());
  Result<std::string> signature = jwt::DecodeSignature(*token);
  if (!signature.ok()) return Out::Error("JWT signature had invalid encoding: " + signature.status().message());
  return Value::Array({*header, *claims, Value::String(HexEncode(*signature))});
}

Out JwtDecode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Decode(a[0].AsString());
}

// OPA's verify_* take public keys only: a JWK with its private part never
// verifies there.
bool PublicVerify(const jose::Key& key, const char* alg, std::string_view input, std::string_view signature) {
  return !key.is_private && jose::Verify(key, alg, input, signature);
}

// io.jwt.verify_<alg> with a certificate, public key or JWK set: a key whose
// kid matches the header's decides alone; otherwise any key (with no alg, or
// the header's alg) that verifies will do.
template <const char* kAlg>
Out VerifyWithKeys(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<jwt::Token> token = jwt::Split(a[0].AsString());
  if (!token.ok()) return Fail(token.status());
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  Result<std::vector<jose::Key>> keys = jose::KeysFromCertOrJwk(a[1].AsString());
  if (!keys.ok()) return Fail(keys.status());
  Result<std::string> signature = jwt::DecodeSignature(*token);
  if (!signature.ok()) return Fail(signature.status());
  Result<Value> header = jwt::DecodeHeader(*token);
  if (!header.ok()) return Fail(header.status());
  Result<jwt::HeaderFields> fields = jwt::ReadHeader(*header);
  if (!fields.ok()) return Fail(fields.status());
  std::string input = token->header + "." + token->payload;
  if (!fields->kid.empty()) {
    for (const jose::Key& key : *keys) {
      if (key.kid == fields->kid) return Value::Boolean(PublicVerify(key, kAlg, input, *signature));
    }
  }
  for (const jose::Key& key : *keys) {
    if (!key.alg.empty() && key.alg != fields->alg) continue;
    if (PublicVerify(key, kAlg, input, *signature)) return Value::Boolean(true);
  }
  return Value::Boolean(false);
}

template <const char* kAlg>
Out VerifyWithSecret(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  Result<jwt::Token> token = jwt::Split(a[0].AsString());
  if (!token.ok()) return Fail(token.status());
  Result<std::string> signature = jwt::DecodeSignature(*token);
  if (!signature.ok()) return Fail(signature.status());
  jose::Key key;
  key.secret = a[1].AsString();
  return Value::Boolean(jose::Verify(key, kAlg, token->header + "." + token->payload, *signature));
}

constexpr char kRS256[] = "RS256", kRS384[] = "RS384", kRS512[] = "RS512";
constexpr char kPS256[] = "PS256", kPS384[] = "PS384", kPS512[] = "PS512";
constexpr char kES256[] = "ES256", kES384[] = "ES384", kES512[] = "ES512";
constexpr char kHS256[] = "HS256", kHS384[] = "HS384", kHS512[] = "HS512";
constexpr char kEdDSA[] = "EdDSA";

}  // namespace

void RegisterJwtBuiltins(BuiltinRegistry& r) {
  r.Add("io.jwt.decode", 1, JwtDecode);
  r.Add("io.jwt.decode_verify", 2, jwt::DecodeVerify);
  r.Add("io.jwt.encode_sign", 3, jwt::EncodeSign);
  r.Add("io.jwt.encode_sign_raw", 3, jwt::EncodeSignRaw);
  r.Add("io.jwt.verify_rs256", 2, VerifyWithKeys<kRS256>);
  r.Add("io.jwt.verify_rs384", 2, VerifyWithKeys<kRS384>);
  r.Add("io.jwt.verify_rs512", 2, VerifyWithKeys<kRS512>);
  r.Add("io.jwt.verify_ps256", 2, VerifyWithKeys<kPS256>);
  r.Add("io.jwt.verify_ps384", 2, VerifyWithKeys<kPS384>);
  r.Add("io.jwt.verify_ps512", 2, VerifyWithKeys<kPS512>);
  r.Add("io.jwt.verify_es256", 2, VerifyWithKeys<kES256>);
  r.Add("io.jwt.verify_es384", 2, VerifyWithKeys<kES384>);
  r.Add("io.jwt.verify_es512", 2, VerifyWithKeys<kES512>);
  r.Add("io.jwt.verify_eddsa", 2, VerifyWithKeys<kEdDSA>);
  r.Add("io.jwt.verify_hs256", 2, VerifyWithSecret<kHS256>);
  r.Add("io.jwt.verify_hs384", 2, VerifyWithSecret<kHS384>);
  r.Add("io.jwt.verify_hs512", 2, VerifyWithSecret<kHS512>);
}

}  // namespace sluice::policy
