// Go's JSON view of crypto/x509 certificates and requests, from OpenSSL.
#include "policy/x509_json.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "policy/jose.h"

namespace sluice::policy {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

Value Str(std::string_view s) { return Value::String(s); }

// A Go []byte: standard base64, or null when nil.
Value Bytes(const unsigned char* data, int size) {
  if (data == nullptr || size <= 0) return Value::Null();
  return Str(jose::Base64Encode(std::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(size))));
}

// The DER encoding `encode` writes (i2d_* style), as a Go []byte.
template <typename T, typename Encode>
Value Der(T* object, Encode encode) {
  unsigned char* out = nullptr;
  int size = encode(object, &out);
  Value v = Bytes(out, size);
  OPENSSL_free(out);
  return v;
}

Value BigNumber(const BIGNUM* bn) {
  char* text = BN_bn2dec(bn);
  Result<Number> n = Number::Parse(text != nullptr ? text : "0");
  OPENSSL_free(text);
  return n.ok() ? Value(std::move(n).value()) : Value::Null();
}

Value Oid(const ASN1_OBJECT* oid) {
  char text[256];
  int size = OBJ_obj2txt(text, sizeof text, oid, 1);
  ArrayBuilder arcs;
  std::string_view s(text, size > 0 ? std::min(static_cast<size_t>(size), sizeof text - 1) : 0);
  for (size_t from = 0; from < s.size();) {
    size_t dot = s.find('.', from);
    if (dot == std::string_view::npos) dot = s.size();
    Result<Number> arc = Number::Parse(s.substr(from, dot - from));  // arcs may pass int64
    arcs.Push(arc.ok() ? Value(std::move(arc).value()) : Value::Null());
    from = dot + 1;
  }
  return std::move(arcs).Build();
}

std::string Utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int size = ASN1_STRING_to_UTF8(&out, s);
  std::string text = size >= 0 ? std::string(reinterpret_cast<char*>(out), static_cast<size_t>(size)) : "";
  OPENSSL_free(out);
  return text;
}

// pkix.Name: the well-known attributes (lists, and the last serial number
// and common name) and every attribute in order under Names.
Value Name(const X509_NAME* name) {
  struct Field {
    int nid;
    const char* key;
    std::vector<Value> values;
  };
  Field lists[] = {{NID_countryName, "Country", {}},          {NID_organizationName, "Organization", {}},
                   {NID_organizationalUnitName, "OrganizationalUnit", {}}, {NID_localityName, "Locality", {}},
                   {NID_stateOrProvinceName, "Province", {}}, {NID_streetAddress, "StreetAddress", {}},
                   {NID_postalCode, "PostalCode", {}}};
  std::string serial, common;
  ArrayBuilder names;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* oid = X509_NAME_ENTRY_get_object(entry);
    std::string text = Utf8(X509_NAME_ENTRY_get_data(entry));
    names.Push(Value::Object({{Str("Type"), Oid(oid)}, {Str("Value"), Str(text)}}));
    int nid = OBJ_obj2nid(oid);
    if (nid == NID_commonName) common = text;
    if (nid == NID_serialNumber) serial = text;
    for (Field& f : lists) {
      if (f.nid == nid) f.values.push_back(Str(text));
    }
  }
  ObjectBuilder out;
  for (Field& f : lists) {
    out.Insert(Str(f.key), f.values.empty() ? Value::Null() : Value::Array(std::move(f.values)));
  }
  out.Insert(Str("SerialNumber"), Str(serial));
  out.Insert(Str("CommonName"), Str(common));
  out.Insert(Str("Names"), names.size() == 0 ? Value::Null() : std::move(names).Build());
  out.Insert(Str("ExtraNames"), Value::Null());
  return std::move(out).Build();
}

Value Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return Value::Null();
  char text[64];
  size_t size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return Str(std::string_view(text, size));
}

// Go's x509.SignatureAlgorithm and PublicKeyAlgorithm numbers.
int64_t SignatureAlgorithm(int nid) {
  switch (nid) {
    case NID_md2WithRSAEncryption: return 1;
    case NID_md5WithRSAEncryption: return 2;
    case NID_sha1WithRSAEncryption: return 3;
    case NID_sha256WithRSAEncryption: return 4;
    case NID_sha384WithRSAEncryption: return 5;
    case NID_sha512WithRSAEncryption: return 6;
    case NID_dsaWithSHA1: return 7;
    case NID_dsa_with_SHA256: return 8;
    case NID_ecdsa_with_SHA1: return 9;
    case NID_ecdsa_with_SHA256: return 10;
    case NID_ecdsa_with_SHA384: return 11;
    case NID_ecdsa_with_SHA512: return 12;
    case NID_rsassaPss: return 13;  // Go tells 13-15 apart by the hash parameter
    case NID_ED25519: return 16;
    default: return 0;
  }
}

int64_t PublicKeyAlgorithm(const EVP_PKEY* key) {
  if (key == nullptr) return 0;
  if (EVP_PKEY_is_a(key, "RSA")) return 1;
  if (EVP_PKEY_is_a(key, "DSA")) return 2;
  if (EVP_PKEY_is_a(key, "EC")) return 3;
  if (EVP_PKEY_is_a(key, "ED25519")) return 4;
  return 0;
}

// A big-number parameter of a key as a JSON number, null when missing.
Value KeyNumber(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::unique_ptr<BIGNUM, BnFree> own(bn);
  return bn == nullptr ? Value::Null() : BigNumber(bn);
}

// rsa.PublicKey {N, E}, ecdsa.PublicKey {Curve, X, Y} (Go's NIST curves
// marshal as {}), ed25519.PublicKey bytes; null for other key types.
Value PublicKey(const EVP_PKEY* key) {
  if (key == nullptr) return Value::Null();
  if (EVP_PKEY_is_a(key, "RSA")) {
    return Value::Object({{Str("N"), KeyNumber(key, OSSL_PKEY_PARAM_RSA_N)},
                          {Str("E"), KeyNumber(key, OSSL_PKEY_PARAM_RSA_E)}});
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    return Value::Object({{Str("Curve"), Value::Object({})},
                          {Str("X"), KeyNumber(key, OSSL_PKEY_PARAM_EC_PUB_X)},
                          {Str("Y"), KeyNumber(key, OSSL_PKEY_PARAM_EC_PUB_Y)}});
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    unsigned char raw[32];
    size_t size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &size) != 1) return Value::Null();
    return Bytes(raw, static_cast<int>(size));
  }
  return Value::Null();
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
  char text[INET6_ADDRSTRLEN] = "";
  int size = ASN1_STRING_length(ip);
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  if (size == 4) inet_ntop(AF_INET, data, text, sizeof text);
  if (size == 16) inet_ntop(AF_INET6, data, text, sizeof text);
  return text;
}

// DNSNames, EmailAddresses, IPAddresses, URIStrings from the alternative names.
void AltNames(const GENERAL_NAMES* names, ObjectBuilder& out, bool uri_strings) {
  std::vector<Value> dns, email, ip, uri;
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) dns.push_back(Str(Utf8(n->d.dNSName)));
    if (n->type == GEN_EMAIL) email.push_back(Str(Utf8(n->d.rfc822Name)));
    if (n->type == GEN_IPADD) ip.push_back(Str(IpText(n->d.iPAddress)));
    if (n->type == GEN_URI) uri.push_back(Str(Utf8(n->d.uniformResourceIdentifier)));
  }
  auto list = [](std::vector<Value>& v) { return v.empty() ? Value::Null() : Value::Array(std::move(v)); };
  out.Insert(Str("DNSNames"), list(dns));
  out.Insert(Str("EmailAddresses"), list(email));
  out.Insert(Str("IPAddresses"), list(ip));
  if (uri_strings) out.Insert(Str("URIStrings"), list(uri));
}

// Go's KeyUsage bits from OpenSSL's KU_* flags.
int64_t KeyUsage(uint32_t ku) {
  if (ku == UINT32_MAX) return 0;
  const uint32_t order[] = {KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT,
                            KU_DATA_ENCIPHERMENT, KU_KEY_AGREEMENT,   KU_KEY_CERT_SIGN,
                            KU_CRL_SIGN,          KU_ENCIPHER_ONLY,   KU_DECIPHER_ONLY};
  int64_t bits = 0;
  for (int i = 0; i < 9; ++i) {
    if (ku & order[i]) bits |= int64_t{1} << i;
  }
  return bits;
}

Value ExtKeyUsage(X509* cert) {
  auto* usages = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (usages == nullptr) return Value::Null();
  ArrayBuilder out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
    int usage = GoExtKeyUsage(OBJ_obj2nid(sk_ASN1_OBJECT_value(usages, i)));
    if (usage >= 0) out.Push(Value::Int(usage));
  }
  EXTENDED_KEY_USAGE_free(usages);
  return out.size() == 0 ? Value::Null() : std::move(out).Build();
}

// []pkix.Extension: {Id, Critical, Value}, null when there are none.
Value Extensions(const STACK_OF(X509_EXTENSION)* extensions) {
  ArrayBuilder out;
  for (int i = 0; i < sk_X509_EXTENSION_num(extensions); ++i) {
    X509_EXTENSION* e = sk_X509_EXTENSION_value(extensions, i);
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(e);
    out.Push(Value::Object({{Str("Id"), Oid(X509_EXTENSION_get_object(e))},
                            {Str("Critical"), Value::Boolean(X509_EXTENSION_get_critical(e) > 0)},
                            {Str("Value"), Bytes(ASN1_STRING_get0_data(data), ASN1_STRING_length(data))}}));
  }
  return out.size() == 0 ? Value::Null() : std::move(out).Build();
}

Value OctetBytes(const ASN1_OCTET_STRING* s) {
  return s == nullptr ? Value::Null() : Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
}

}  // namespace

int GoExtKeyUsage(int nid) {
  const int nids[] = {NID_anyExtendedKeyUsage, NID_server_auth,    NID_client_auth, NID_code_sign,
                      NID_email_protect,       NID_ipsecEndSystem, NID_ipsecTunnel, NID_ipsecUser,
                      NID_time_stamp,          NID_OCSP_sign,      NID_ms_sgc,      NID_ns_sgc,
                      NID_ms_code_com,         NID_ms_code_ind};
  for (int i = 0; i < 14; ++i) {
    if (nids[i] == nid) return i;
  }
  return -1;
}

Value CertificateValue(X509* cert, bool uri_strings) {
  ObjectBuilder out;
  out.Insert(Str("Raw"), Der(cert, i2d_X509));
  out.Insert(Str("RawTBSCertificate"), Der(cert, i2d_re_X509_tbs));
  out.Insert(Str("RawSubjectPublicKeyInfo"), Der(X509_get_X509_PUBKEY(cert), i2d_X509_PUBKEY));
  out.Insert(Str("RawSubject"), Der(X509_get_subject_name(cert), i2d_X509_NAME));
  out.Insert(Str("RawIssuer"), Der(X509_get_issuer_name(cert), i2d_X509_NAME));
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert);
  out.Insert(Str("Signature"), signature == nullptr ? Value::Null()
                                                    : Bytes(ASN1_STRING_get0_data(signature), ASN1_STRING_length(signature)));
  out.Insert(Str("SignatureAlgorithm"), Value::Int(SignatureAlgorithm(X509_get_signature_nid(cert))));
  const EVP_PKEY* key = X509_get0_pubkey(cert);
  out.Insert(Str("PublicKeyAlgorithm"), Value::Int(PublicKeyAlgorithm(key)));
  out.Insert(Str("PublicKey"), PublicKey(key));
  out.Insert(Str("Version"), Value::Int(X509_get_version(cert) + 1));
  std::unique_ptr<BIGNUM, BnFree> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  out.Insert(Str("SerialNumber"), serial ? BigNumber(serial.get()) : Value::Null());
  out.Insert(Str("Issuer"), Name(X509_get_issuer_name(cert)));
  out.Insert(Str("Subject"), Name(X509_get_subject_name(cert)));
  out.Insert(Str("NotBefore"), Time(X509_get0_notBefore(cert)));
  out.Insert(Str("NotAfter"), Time(X509_get0_notAfter(cert)));
  out.Insert(Str("KeyUsage"), Value::Int(KeyUsage(X509_get_key_usage(cert))));
  out.Insert(Str("ExtKeyUsage"), ExtKeyUsage(cert));
  bool has_basic = X509_get_ext_by_NID(cert, NID_basic_constraints, -1) >= 0;
  bool is_ca = has_basic && (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  long path_len = X509_get_pathlen(cert);
  out.Insert(Str("BasicConstraintsValid"), Value::Boolean(has_basic));
  out.Insert(Str("IsCA"), Value::Boolean(is_ca));
  out.Insert(Str("MaxPathLen"), Value::Int(has_basic ? path_len : 0));
  out.Insert(Str("MaxPathLenZero"), Value::Boolean(has_basic && path_len == 0));
  out.Insert(Str("Extensions"), Extensions(X509_get0_extensions(cert)));
  out.Insert(Str("SubjectKeyId"), OctetBytes(X509_get0_subject_key_id(cert)));
  out.Insert(Str("AuthorityKeyId"), OctetBytes(X509_get0_authority_key_id(cert)));
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  AltNames(names.get(), out, uri_strings);
  return std::move(out).Build();
}

Value CertificateRequestValue(X509_REQ* csr) {
  ObjectBuilder out;
  out.Insert(Str("Raw"), Der(csr, i2d_X509_REQ));
  out.Insert(Str("RawTBSCertificateRequest"), Der(csr, i2d_re_X509_REQ_tbs));
  out.Insert(Str("RawSubject"), Der(X509_REQ_get_subject_name(csr), i2d_X509_NAME));
  const ASN1_BIT_STRING* signature = nullptr;
  X509_REQ_get0_signature(csr, &signature, nullptr);
  out.Insert(Str("Signature"), signature == nullptr ? Value::Null()
                                                    : Bytes(ASN1_STRING_get0_data(signature), ASN1_STRING_length(signature)));
  out.Insert(Str("SignatureAlgorithm"), Value::Int(SignatureAlgorithm(X509_REQ_get_signature_nid(csr))));
  const EVP_PKEY* key = X509_REQ_get0_pubkey(csr);
  out.Insert(Str("PublicKeyAlgorithm"), Value::Int(PublicKeyAlgorithm(key)));
  out.Insert(Str("PublicKey"), PublicKey(key));
  out.Insert(Str("Version"), Value::Int(X509_REQ_get_version(csr)));
  out.Insert(Str("Subject"), Name(X509_REQ_get_subject_name(csr)));
  STACK_OF(X509_EXTENSION)* extensions = X509_REQ_get_extensions(csr);
  out.Insert(Str("Extensions"), Extensions(extensions));
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509V3_get_d2i(extensions, NID_subject_alt_name, nullptr, nullptr)));
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  AltNames(names.get(), out, false);
  return std::move(out).Build();
}

}  // namespace sluice::policy
