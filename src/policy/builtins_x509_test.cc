#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

// A P-256 root and a leaf it signed (DNS and URI names leaf.test and
// spiffe://test/leaf, server auth only), valid 2026-2126; made with the
// openssl command line for these tests.
constexpr char kRoot[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjzCCATWgAwIBAgIUUmG4WUytu03rdK8ve9+4HBMA5tgwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJVGVzdCBSb290MCAXDTI2MTEyNjE3MjQxMloYDzIxMjYxMTAy\n"
    "MTcyNDEyWjAUMRIwEAYDVQQDDAlUZXN0IFJvb3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAATv0+P5KGaWsoWJ10yF5B7ihsiEf8EiQXOz6czFpXnovximTg3v1MER\n"
    "4uFF/kv3NmAkBJQEHAwidJauOxTV0vU0o2MwYTAdBgNVHQ4EFgQUwDbk8vA8bg7a\n"
    "Ye9EzKsXcIr6hB4wHwYDVR0jBBgwFoAUwDbk8vA8bg7aYe9EzKsXcIr6hB4wDwYD\n"
    "VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwIDSAAwRQIg\n"
    "V9KzSrKxj40b3cXebhItZtZtHJSksAH7xkygWr2C5EECIQDO6Rv+3EEEzO93Y04O\n"
    "F0qeWmPvWY2NV3r305tPOzp8OQ==\n"
    "-----END CERTIFICATE-----\n";
constexpr char kLeaf[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBrTCCAVSgAwIBAgIUIIy0ICf8xlfuqjpNWEwTweO1NqYwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJVGVzdCBSb290MCAXDTI2MTEyNjE3MjQxMloYDzIxMjYxMTAy\n"
    "MTcyNDEyWjAUMRIwEAYDVQQDDAlsZWFmLnRlc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAS7263nKMb3Jnabz0Cp26eKhI3HaiqXmrAuayckucHZG+h873l2v7fq\n"
    "a2nOBMuc+f9K2PZ1B+e4BkuZHylblNzKo4GBMH8wKAYDVR0RBCEwH4IJbGVhZi50\n"
    "ZXN0hhJzcGlmZmU6Ly90ZXN0L2xlYWYwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYD\n"
    "VR0OBBYEFESRzTQf780DWXp74gnNr4VC2UQuMB8GA1UdIwQYMBaAFMA25PLwPG4O\n"
    "2mHvRMyrF3CK+oQeMAoGCCqGSM49BAMCA0cAMEQCIFaanHnRE9VqSK5PvpakF6N4\n"
    "WGeszq4RsVBeCHJWFzGsAiB/1T5OPQETO3LCIwSgAt1q1Sq5Y4g8z9f/mv3W67kM\n"
    "fQ==\n"
    "-----END CERTIFICATE-----\n";

Value Call(const std::string& name, const std::vector<Value>& args, std::string* error = nullptr) {
  BuiltinOutcome out = DefaultBuiltins().Find(name)->fn(args);
  if (out.state == BuiltinOutcome::State::kError && error != nullptr) *error = out.message;
  return out.value;
}

Value Json(const std::string& text) { return *ParseJson(text); }

const Value* At(const Value& v, std::vector<std::string> path) {
  const Value* cur = &v;
  for (const std::string& step : path) {
    cur = step[0] >= '0' && step[0] <= '9' ? cur->Get(Value::Int(std::stoi(step))) : cur->Find(step);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

TEST(X509BuiltinsTest, ParseCertificatesReadsNamesAndAltNames) {
  Value certs = Call("crypto.x509.parse_certificates", {Value::String(std::string(kRoot) + kLeaf)});
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(ToRego(*At(certs, {"0", "Subject", "CommonName"})), R"("Test Root")");
  EXPECT_EQ(ToRego(*At(certs, {"1", "Issuer", "CommonName"})), R"("Test Root")");
  EXPECT_EQ(ToRego(*At(certs, {"1", "DNSNames"})), R"(["leaf.test"])");
  EXPECT_EQ(ToRego(*At(certs, {"1", "URIStrings"})), R"(["spiffe://test/leaf"])");
  EXPECT_EQ(ToRego(*At(certs, {"0", "URIStrings"})), "null");
  EXPECT_EQ(ToRego(*At(certs, {"0", "IsCA"})), "true");
  EXPECT_EQ(ToRego(*At(certs, {"1", "ExtKeyUsage"})), "[1]");
  EXPECT_EQ(ToRego(*At(certs, {"0", "NotAfter"})).substr(0, 6), R"("2126-)");
  EXPECT_EQ(ToRego(*At(certs, {"1", "PublicKeyAlgorithm"})), "3");  // ECDSA
  EXPECT_TRUE(At(certs, {"1", "PublicKey", "X"})->IsNumber());
  // The root's extensions in order: subject key id (2.5.29.14), authority
  // key id, basic constraints (2.5.29.19, critical), key usage.
  EXPECT_EQ(ToRego(*At(certs, {"0", "Extensions", "0", "Id"})), "[2, 5, 29, 14]");
  EXPECT_EQ(ToRego(*At(certs, {"0", "Extensions", "0", "Critical"})), "false");
  EXPECT_EQ(ToRego(*At(certs, {"0", "Extensions", "2", "Id"})), "[2, 5, 29, 19]");
  EXPECT_EQ(ToRego(*At(certs, {"0", "Extensions", "2", "Critical"})), "true");
}

TEST(X509BuiltinsTest, VerifyBuildsTheChainFromTheFirstCertificate) {
  Value both = Value::String(std::string(kRoot) + kLeaf);
  Value ok = Call("crypto.x509.parse_and_verify_certificates", {both});
  EXPECT_EQ(ToRego(ok.ArrayElems()[0]), "true");
  EXPECT_EQ(ToRego(*At(ok, {"1", "0", "Subject", "CommonName"})), R"("leaf.test")");
  EXPECT_EQ(ToRego(*At(ok, {"1", "1", "Subject", "CommonName"})), R"("Test Root")");
  Value reversed = Value::String(std::string(kLeaf) + kRoot);
  EXPECT_EQ(ToRego(Call("crypto.x509.parse_and_verify_certificates", {reversed})), "[false, []]");
}

TEST(X509BuiltinsTest, VerifyOptionsNameTimeAndUsages) {
  Value both = Value::String(std::string(kRoot) + kLeaf);
  auto valid = [&](const std::string& options) {
    return ToRego(Call("crypto.x509.parse_and_verify_certificates_with_options", {both, Json(options)}).ArrayElems()[0]);
  };
  EXPECT_EQ(valid(R"({"DNSName": "leaf.test"})"), "true");
  EXPECT_EQ(valid(R"({"DNSName": "other.test"})"), "false");
  EXPECT_EQ(valid(R"({"KeyUsages": ["KeyUsageClientAuth"]})"), "false");
  EXPECT_EQ(valid(R"({"KeyUsages": ["KeyUsageClientAuth", "KeyUsageServerAuth"]})"), "true");
  EXPECT_EQ(valid(R"({"KeyUsages": ["KeyUsageAny"]})"), "true");
  EXPECT_EQ(valid(R"({"CurrentTime": 1000000000000000000})"), "false");  // 2001, before notBefore
  std::string error;
  Call("crypto.x509.parse_and_verify_certificates_with_options", {both, Json(R"({"KeyUsages": ["Nope"]})")}, &error);
  EXPECT_EQ(error, "invalid entries for 'KeyUsages' found: [Nope]");
  Call("crypto.x509.parse_and_verify_certificates_with_options", {both, Json(R"({"Other": 1})")}, &error);
  EXPECT_EQ(error, "invalid key option");
}

}  // namespace
}  // namespace sluice::policy
