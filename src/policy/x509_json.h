// X.509 objects as the Values OPA's crypto.x509.* builtins return: Go's
// encoding/json view of crypto/x509's Certificate and CertificateRequest
// (byte strings as standard base64, big integers as numbers, times as
// RFC 3339, absent lists as null), plus OPA's URIStrings on certificates.
//
// Only the fields that map onto OpenSSL without guesswork are written:
// Raw*, Signature, SignatureAlgorithm, PublicKeyAlgorithm, PublicKey (RSA,
// ECDSA, Ed25519), Version,
// SerialNumber, Issuer, Subject (pkix.Name with Names), NotBefore,
// NotAfter, Extensions, KeyUsage, ExtKeyUsage, BasicConstraintsValid, IsCA,
// MaxPathLen, MaxPathLenZero, SubjectKeyId, AuthorityKeyId, DNSNames,
// EmailAddresses, IPAddresses, and URIStrings when asked for (OPA adds it
// in parse_certificates and parse_and_verify_certificates). Go's other
// fields (URIs as url.URL objects, name constraints, policies, ...) are
// left out.
#pragma once

#include <openssl/x509.h>

#include "policy/value.h"

namespace sluice::policy {

Value CertificateValue(X509* cert, bool uri_strings);
// Go's x509.ExtKeyUsage number (Any 0, ServerAuth 1, ..., 13) for an
// extended key usage NID; -1 for usages Go does not name.
int GoExtKeyUsage(int nid);
Value CertificateRequestValue(X509_REQ* csr);

}  // namespace sluice::policy
