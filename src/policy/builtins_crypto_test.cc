#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/aws_sigv4.h"
#include "policy/builtins.h"
#include "policy/jose.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

// Calls builtin `name` on JSON arguments; the value printed as Rego, or
// "undefined", or "<code>: <message>".
std::string Call(const std::string& name, const std::vector<std::string>& json_args) {
  std::vector<Value> args;
  for (const std::string& j : json_args) args.push_back(*ParseJson(j));
  const Builtin* b = DefaultBuiltins().Find(name);
  if (b == nullptr) return "missing";
  BuiltinOutcome out = b->fn(args);
  if (out.state == BuiltinOutcome::State::kUndefined) return "undefined";
  if (out.state == BuiltinOutcome::State::kError) return out.code + ": " + out.message;
  return ToRego(out.value);
}

std::string Quote(const std::string& s) { return ToJson(Value::String(s)); }

// An HS256 token over `claims` signed with "secret".
std::string Hs256Token(const std::string& claims) {
  std::string input = jose::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + jose::Base64UrlEncode(claims);
  jose::Key key;
  key.secret = "secret";
  return input + "." + jose::Base64UrlEncode(*jose::Sign(key, "HS256", input));
}

TEST(CryptoBuiltinsTest, DigestsAndMacsAreLowerHex) {
  EXPECT_EQ(Call("crypto.md5", {R"("")"}), R"("d41d8cd98f00b204e9800998ecf8427e")");
  EXPECT_EQ(Call("crypto.hmac.md5", {R"("foo")", R"("bar")"}), R"("31b6db9e5eb4addb42f1a6ca07367adc")");
  EXPECT_EQ(Call("crypto.hmac.equal", {R"("abc")", R"("abc")"}), "true");
  EXPECT_EQ(Call("crypto.hmac.equal", {R"("abc")", R"("ab")"}), "false");
  EXPECT_EQ(Call("crypto.sha1", {"1"}), "eval_type_error: operand 1 must be string but got number");
}

TEST(CryptoBuiltinsTest, CertificateInputErrorsAreGos) {
  EXPECT_EQ(Call("crypto.x509.parse_certificates", {R"("foobar")"}),
            "eval_builtin_error: illegal base64 data at input byte 4");
  EXPECT_EQ(Call("crypto.x509.parse_certificates", {R"("YmFkc3RyaW5n")"}),
            "eval_builtin_error: x509: malformed certificate");
  EXPECT_EQ(Call("crypto.x509.parse_and_verify_certificates", {R"("YmFkc3RyaW5n")"}), "[false, []]");
  EXPECT_EQ(Call("crypto.parse_private_keys", {R"("")"}), "null");
}

TEST(JwtBuiltinsTest, DecodeVerifyChecksSignatureThenClaims) {
  std::string token = Hs256Token(R"({"iss":"opa","aud":["x","y"],"exp":2000,"nbf":1000})");
  auto verify = [&](const std::string& constraints) {
    return Call("io.jwt.decode_verify", {Quote(token), constraints});
  };
  std::string ok = R"([true, {"alg": "HS256", "typ": "JWT"}, {"aud": ["x", "y"], "exp": 2000, "iss": "opa", "nbf": 1000}])";
  EXPECT_EQ(verify(R"({"secret": "secret", "aud": "y", "iss": "opa", "time": 1500000000000})"), ok);
  std::string unverified = "[false, {}, {}]";
  EXPECT_EQ(verify(R"({"secret": "wrong", "aud": "y", "time": 1500000000000})"), unverified);
  EXPECT_EQ(verify(R"({"secret": "secret", "time": 1500000000000})"), unverified);  // aud given, none asked
  EXPECT_EQ(verify(R"({"secret": "secret", "aud": "y", "time": 2000000000000})"), unverified);  // expired
  EXPECT_EQ(verify(R"({"secret": "secret", "aud": "y", "time": 999000000000})"), unverified);   // too early
  EXPECT_EQ(verify(R"({"secret": "secret", "alg": "RS256", "aud": "y", "time": 1500000000000})"), unverified);
  EXPECT_EQ(verify(R"({"time": 1})"), "eval_builtin_error: no key constraint");
  EXPECT_EQ(verify(R"({"secret": "secret", "bogus": 1})"),
            "eval_builtin_error: unknown token validation constraint: bogus");
}

TEST(JwtBuiltinsTest, DecodeAndVerifyHs256) {
  std::string token = Hs256Token(R"({"sub":"0"})");
  EXPECT_EQ(Call("io.jwt.verify_hs256", {Quote(token), R"("secret")"}), "true");
  EXPECT_EQ(Call("io.jwt.verify_hs256", {Quote(token), R"("other")"}), "false");
  std::string decoded = Call("io.jwt.decode", {Quote(token)});
  EXPECT_TRUE(decoded.starts_with(R"([{"alg": "HS256", "typ": "JWT"}, {"sub": "0"}, ")")) << decoded;
  EXPECT_EQ(Call("io.jwt.decode", {R"("a.b")"}), "eval_builtin_error: encoded JWT must have 3 sections, found 2");
}

TEST(JwtBuiltinsTest, EncodeSignRawChecksHeaderAndPayload) {
  std::string jwk = Quote(R"({"kty":"oct","k":"c2VjcmV0"})");
  EXPECT_EQ(Call("io.jwt.encode_sign_raw", {Quote("{}"), Quote("{}"), jwk}),
            "eval_builtin_error: missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  EXPECT_EQ(Call("io.jwt.encode_sign_raw", {Quote(R"({"alg":"HS256"})"), Quote("x"), jwk}),
            "eval_builtin_error: type is JWT but payload is not JSON");
  std::string token = Call("io.jwt.encode_sign_raw", {Quote(R"({"alg":"HS256","typ":"text"})"), Quote("x"), jwk});
  EXPECT_EQ(Call("io.jwt.verify_hs256", {token, R"("secret")"}), "true");
}

// RFC 8037 appendix A.1's Ed25519 key: signing needs "d", verify_* refuse it.
TEST(JwtBuiltinsTest, VerifyTakesPublicJwksOnly) {
  std::string pub = R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")";
  std::string priv = pub + R"(,"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"})";
  pub += "}";
  std::string token = Call("io.jwt.encode_sign_raw", {Quote(R"({"alg":"EdDSA"})"), Quote("{}"), Quote(priv)});
  EXPECT_EQ(Call("io.jwt.verify_eddsa", {token, Quote(pub)}), "true");
  EXPECT_EQ(Call("io.jwt.verify_eddsa", {token, Quote(priv)}), "false");
  EXPECT_EQ(Call("io.jwt.verify_es256", {token, Quote(pub)}), "false");
}

// The signature OPA computes for this request (its providers-aws cases).
TEST(AwsSigV4Test, SignsLikeOpa) {
  aws::SignInput in;
  ASSERT_TRUE(aws::ParseUrl("http://example.com", in.host, in.path, in.query).ok());
  in.method = "get";
  in.service = "s3";
  in.region = "us-east-1";
  in.access_key = "MYAWSACCESSKEYGOESHERE";
  in.secret_key = "MYAWSSECRETACCESSKEYGOESHERE";
  in.session_token = "MYAWSSECURITYTOKENGOESHERE";
  in.time_ns = 1451311705000000000;
  aws::Signature sig = aws::SignV4(in);
  EXPECT_EQ(sig.headers["x-amz-date"], "20151228T140825Z");
  EXPECT_EQ(sig.headers["host"], "example.com");
  EXPECT_TRUE(sig.authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,Signature="))
      << sig.authorization;
}

TEST(AwsSigV4Test, UrlSplitsLikeGo) {
  std::string host, path, query;
  ASSERT_TRUE(aws::ParseUrl("https://u@h.example:8080/a b/c?x=1&y=2#frag", host, path, query).ok());
  EXPECT_EQ(host, "h.example:8080");
  EXPECT_EQ(path, "/a%20b/c");
  EXPECT_EQ(query, "x=1&y=2");
  EXPECT_FALSE(aws::ParseUrl("http://h/%zz", host, path, query).ok());
}

TEST(AwsSigV4Test, OperandErrorsAreTypeErrors) {
  EXPECT_EQ(Call("providers.aws.sign_req", {"{}", R"({"aws_service": "s3"})", "0"}),
            "eval_type_error: operand 2 missing required AWS config parameters(s): "
            R"({"aws_access_key", "aws_region", "aws_secret_access_key"})");
}

}  // namespace
}  // namespace sluice::policy
