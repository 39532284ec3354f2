// crypto.x509.parse_certificates, parse_and_verify_certificates,
// parse_certificate_request, parse_keypair, parse_rsa_private_key and
// crypto.parse_private_keys.
#include "policy/crypto_x509.h"

#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "policy/crypto_keys.h"
#include "policy/jose.h"
#include "policy/x509_json.h"
#include "policy/x509_verify.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

constexpr std::string_view kBegin = "-----BEGIN";

Out Fail(const Status& s) { return Out::Error(s.message()); }

// Concatenated DER certificates (Go's x509.ParseCertificates).
Result<std::vector<Cert>> ParseDer(std::string_view der) {
  std::vector<Cert> certs;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  while (p < end) {
    Cert cert(d2i_X509(nullptr, &p, end - p));
    if (!cert) return Status::InvalidArgument("x509: malformed certificate");
    certs.push_back(std::move(cert));
  }
  return certs;
}

Result<std::vector<Cert>> ParsePemCerts(std::string_view text) {
  std::string der;
  jose::PemBlock block;
  std::string_view rest;
  while (!text.empty() && jose::DecodePem(text, block, rest)) {
    if (block.type != "CERTIFICATE") {
      return Status::InvalidArgument("PEM block type is '" + block.type + "', expected CERTIFICATE");
    }
    der += block.bytes;
    text = rest;
  }
  return ParseDer(der);
}

// PEM, or base64 of PEM or of DER.
Result<std::vector<Cert>> CertsFromString(std::string_view text) {
  if (text.starts_with(kBegin)) return ParsePemCerts(text);
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, jose::Base64Decode(text));
  if (std::string_view(bytes).starts_with(kBegin)) return ParsePemCerts(bytes);
  return ParseDer(bytes);
}

Value CertsValue(const std::vector<X509*>& certs, bool uri_strings) {
  ArrayBuilder out;
  for (X509* c : certs) out.Push(CertificateValue(c, uri_strings));
  return std::move(out).Build();
}

std::vector<X509*> Pointers(const std::vector<Cert>& certs) {
  std::vector<X509*> out;
  for (const Cert& c : certs) out.push_back(c.get());
  return out;
}

Out ParseCertificates(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<std::vector<Cert>> certs = CertsFromString(a[0].AsString());
  if (!certs.ok()) return Fail(certs.status());
  return CertsValue(Pointers(*certs), true);
}

Out ParseAndVerifyCertificates(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  const Value invalid = Value::Array({Value::Boolean(false), Value::Array({})});
  Result<std::vector<Cert>> certs = CertsFromString(a[0].AsString());
  if (!certs.ok()) return invalid;
  std::vector<X509*> chain = VerifyChain(Pointers(*certs), ChainOptions{});
  if (chain.empty()) return invalid;
  return Value::Array({Value::Boolean(true), CertsValue(chain, true)});
}

Out ParseAndVerifyCertificatesWithOptions(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsObject()) return Out::OperandError(2, "object", a[1]);
  const Value invalid = Value::Array({Value::Boolean(false), Value::Array({})});
  Result<std::vector<Cert>> certs = CertsFromString(a[0].AsString());
  if (!certs.ok()) return invalid;
  ChainOptions options;
  if (Status s = ReadChainOptions(a[1], options); !s.ok()) return Fail(s);
  std::vector<X509*> chain = VerifyChain(Pointers(*certs), options);
  if (chain.empty()) return invalid;
  return Value::Array({Value::Boolean(true), CertsValue(chain, false)});
}

Out ParseCertificateRequest(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string bytes(a[0].AsString());
  if (!bytes.starts_with("-----BEGIN CERTIFICATE REQUEST-----")) {
    Result<std::string> decoded = jose::Base64Decode(bytes);
    if (!decoded.ok()) return Fail(decoded.status());
    bytes = std::move(decoded).value();
  }
  jose::PemBlock block;
  std::string_view rest;
  if (jose::DecodePem(bytes, block, rest)) {
    if (block.type != "CERTIFICATE REQUEST") return Out::Error("invalid PEM-encoded certificate signing request");
    bytes = std::move(block.bytes);
  }
  const auto* der = reinterpret_cast<const unsigned char*>(bytes.data());
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> csr(
      d2i_X509_REQ(nullptr, &der, static_cast<long>(bytes.size())), X509_REQ_free);
  if (!csr) return Out::Error("asn1: structure error: malformed certificate request");
  return CertificateRequestValue(csr.get());
}

// Go's tls.X509KeyPair on PEM (or base64 of PEM or DER) inputs.
Out ParseKeyPair(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(1, "string", a[1]);  // sic: OPA says operand 1
  std::string inputs[2] = {std::string(a[0].AsString()), std::string(a[1].AsString())};
  std::vector<std::string> cert_ders;
  std::vector<jose::PemBlock> key_blocks;
  for (int i = 0; i < 2; ++i) {
    if (!inputs[i].starts_with("-----BEGIN ")) {
      Result<std::string> decoded = jose::Base64Decode(inputs[i]);
      if (!decoded.ok()) return Fail(decoded.status());
      inputs[i] = std::move(decoded).value();
    }
    std::string_view text = inputs[i], rest;
    if (!text.starts_with(kBegin)) {  // DER
      if (i == 0) cert_ders.push_back(inputs[i]);
      if (i == 1) key_blocks.push_back({"PRIVATE KEY", inputs[i]});
      continue;
    }
    jose::PemBlock block;
    while (jose::DecodePem(text, block, rest)) {
      if (i == 0 && block.type == "CERTIFICATE") cert_ders.push_back(block.bytes);
      if (i == 1 && (block.type == "PRIVATE KEY" || block.type.ends_with(" PRIVATE KEY"))) {
        key_blocks.push_back(block);
        break;
      }
      text = rest;
    }
  }
  if (cert_ders.empty()) return Out::Error("tls: failed to find any PEM data in certificate input");
  if (key_blocks.empty()) return Out::Error("tls: failed to find any PEM data in key input");
  // Like Go's tls.parsePrivateKey, try every encoding whatever the block says.
  PrivateKey key;
  for (const char* type : {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"}) {
    bool unsupported = false;
    Result<PrivateKey> parsed = ParsePrivateKeyBlock({type, key_blocks.front().bytes}, unsupported);
    if (parsed.ok()) key = std::move(parsed).value();
    if (key) break;
  }
  if (!key) return Out::Error("tls: failed to parse private key");
  Result<std::vector<Cert>> leaf = ParseDer(cert_ders.front());
  if (!leaf.ok()) return Fail(leaf.status());
  if (X509_check_private_key(leaf->front().get(), key.get()) != 1) {
    return Out::Error("tls: private key does not match public key");
  }
  ArrayBuilder ders;
  for (const std::string& der : cert_ders) ders.Push(Value::String(jose::Base64Encode(der)));
  return Value::Object({
      {Value::String("Certificate"), std::move(ders).Build()},
      {Value::String("PrivateKey"), GoPrivateKeyValue(key.get())},
      {Value::String("Leaf"), CertificateValue(leaf->front().get(), false)},
      {Value::String("OCSPStaple"), Value::Null()},
      {Value::String("SignedCertificateTimestamps"), Value::Null()},
      {Value::String("SupportedSignatureAlgorithms"), Value::Null()},
  });
}

Out ParseRsaPrivateKey(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string text(a[0].AsString());
  if (text.empty()) return Out::Error("input PEM data was empty");
  if (!text.starts_with(kBegin)) {
    Result<std::string> decoded = jose::Base64Decode(text);
    if (!decoded.ok()) return Fail(decoded.status());
    text = std::move(decoded).value();
  }
  Result<std::vector<PrivateKey>> keys = PrivateKeysFromPem(text);
  if (!keys.ok()) return Fail(keys.status());
  if (keys->empty()) return Value::Null();
  return PrivateJwkValue(keys->front().get());
}

Out ParsePrivateKeys(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (a[0].AsString().empty()) return Value::Null();
  Result<std::vector<PrivateKey>> keys = PrivateKeysFromPem(a[0].AsString());
  if (!keys.ok()) return Fail(keys.status());
  ArrayBuilder out;
  for (const PrivateKey& key : *keys) out.Push(GoPrivateKeyValue(key.get()));
  return std::move(out).Build();
}

}  // namespace

void RegisterX509Builtins(BuiltinRegistry& r) {
  r.Add("crypto.x509.parse_certificates", 1, ParseCertificates);
  r.Add("crypto.x509.parse_and_verify_certificates", 1, ParseAndVerifyCertificates);
  r.Add("crypto.x509.parse_and_verify_certificates_with_options", 2, ParseAndVerifyCertificatesWithOptions);
  r.Add("crypto.x509.parse_certificate_request", 1, ParseCertificateRequest);
  r.Add("crypto.x509.parse_keypair", 2, ParseKeyPair);
  r.Add("crypto.x509.parse_rsa_private_key", 1, ParseRsaPrivateKey);
  r.Add("crypto.parse_private_keys", 1, ParsePrivateKeys);
}

}  // namespace sluice::policy
