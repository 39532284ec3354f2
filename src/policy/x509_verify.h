// Certificate chain verification for crypto.x509.parse_and_verify_
// certificates(_with_options), after Go's Certificate.Verify as OPA calls
// it: the first certificate is the only trust anchor (it need not be
// self-signed), the last is the leaf, the rest are intermediates; the
// extended key usages of every certificate in the chain must allow one of
// the requested usages (server auth when none are given; "any" skips the
// check). Pure; OpenSSL 3.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy {

struct ChainOptions {
  std::string dns_name;            // checked against the leaf's DNS names; empty: no check
  std::optional<int64_t> time_ns;  // nullopt: the current time
  std::vector<int> key_usages;     // Go's ExtKeyUsage numbers (x509_json.h)
};

// The options object of parse_and_verify_certificates_with_options:
// DNSName, CurrentTime (ns), MaxConstraintComparisons (checked, unused:
// OpenSSL has no such budget), KeyUsages (names like "KeyUsageServerAuth");
// errors in OPA's words.
Status ReadChainOptions(const Value& object, ChainOptions& options);

// The verified chain, leaf first (pointers to `certs`' certificates), or an
// empty vector when `certs` (at least two) do not verify.
std::vector<X509*> VerifyChain(const std::vector<X509*>& certs, const ChainOptions& options);

}  // namespace sluice::policy
