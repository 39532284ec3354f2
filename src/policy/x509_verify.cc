// Chain building and checks with OpenSSL, extended key usages as Go checks
// them (checkChainForKeyUsage).
#include "policy/x509_verify.h"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

#include "policy/x509_json.h"

namespace sluice::policy {
namespace {

constexpr int kAnyUsage = 0;
constexpr int kServerAuth = 1;

// The Go usage numbers a certificate lists; `has_extension` false without
// an extended key usage extension.
std::vector<int> Usages(X509* cert, bool& has_extension) {
  std::vector<int> out;
  auto* usages = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  has_extension = usages != nullptr;
  for (int i = 0; usages != nullptr && i < sk_ASN1_OBJECT_num(usages); ++i) {
    out.push_back(GoExtKeyUsage(OBJ_obj2nid(sk_ASN1_OBJECT_value(usages, i))));
  }
  EXTENDED_KEY_USAGE_free(usages);
  return out;
}

// Walking from the root, each certificate that restricts its usages crosses
// out the requested usages it lacks; the chain fails when none are left.
bool ChainAllows(const std::vector<X509*>& chain, std::vector<int> wanted) {
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    bool has_extension = false;
    std::vector<int> usages = Usages(*it, has_extension);
    if (!has_extension || std::find(usages.begin(), usages.end(), kAnyUsage) != usages.end()) continue;
    std::erase_if(wanted, [&](int w) { return std::find(usages.begin(), usages.end(), w) == usages.end(); });
    if (wanted.empty()) return false;
  }
  return true;
}

// Go's x509.ExtKeyUsage names as OPA spells them, in Go's number order.
constexpr const char* kKeyUsageNames[] = {
    "KeyUsageAny", "KeyUsageServerAuth", "KeyUsageClientAuth", "KeyUsageCodeSigning", "KeyUsageEmailProtection",
    "KeyUsageIPSECEndSystem", "KeyUsageIPSECTunnel", "KeyUsageIPSECUser", "KeyUsageTimeStamping",
    "KeyUsageOCSPSigning", "KeyUsageMicrosoftServerGatedCrypto", "KeyUsageNetscapeServerGatedCrypto",
    "KeyUsageMicrosoftCommercialCodeSigning", "KeyUsageMicrosoftKernelCodeSigning"};

std::string TrimQuotes(std::string_view s) {
  while (!s.empty() && s.front() == '"') s.remove_prefix(1);
  while (!s.empty() && s.back() == '"') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Status ReadChainOptions(const Value& object, ChainOptions& options) {
  for (const ObjectEntry& e : object.ObjectEntries()) {
    if (!e.key.IsString()) continue;
    std::string_view key = e.key.AsString();
    const Value& v = e.value;
    if (key == "DNSName") {
      if (!v.IsString()) return Status::InvalidArgument("'DNSName' should be a string");
      options.dns_name = TrimQuotes(v.AsString());
    } else if (key == "CurrentTime" || key == "MaxConstraintComparisons") {
      // OpenSSL has no comparison budget; the option is checked and ignored.
      std::string name(key);
      if (!v.IsNumber()) return Status::InvalidArgument("'" + name + "' should be a number");
      std::optional<int64_t> n = v.AsNumber().LiteralInt64();
      if (!n) {
        return Status::InvalidArgument(key == "CurrentTime" ? "'CurrentTime' should be a valid int64 number"
                                                            : "'MaxConstraintComparisons' should be a valid number");
      }
      if (key == "CurrentTime") options.time_ns = *n;
    } else if (key == "KeyUsages") {
      if (!v.IsArray() && !v.IsSet()) return Status::InvalidArgument("'KeyUsages' should be an Array or Set");
      std::string invalid;
      for (const Value& u : v.IsArray() ? v.ArrayElems() : v.SetElems()) {
        if (!u.IsString()) continue;
        std::string name = TrimQuotes(u.AsString());
        auto* found = std::find(std::begin(kKeyUsageNames), std::end(kKeyUsageNames), name);
        if (found == std::end(kKeyUsageNames)) {
          invalid += (invalid.empty() ? "" : " ") + name;
        } else {
          options.key_usages.push_back(static_cast<int>(found - std::begin(kKeyUsageNames)));
        }
      }
      if (!invalid.empty()) return Status::InvalidArgument("invalid entries for 'KeyUsages' found: [" + invalid + "]");
    } else {
      return Status::InvalidArgument("invalid key option");
    }
  }
  return Status::Ok();
}

std::vector<X509*> VerifyChain(const std::vector<X509*>& certs, const ChainOptions& options) {
  if (certs.size() < 2) return {};
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(
      sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_free(s); });
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (!store || !untrusted || !ctx || X509_STORE_add_cert(store.get(), certs.front()) != 1) return {};
  for (size_t i = 1; i + 1 < certs.size(); ++i) sk_X509_push(untrusted.get(), certs[i]);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), certs.back(), untrusted.get()) != 1) return {};
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);  // the root is trusted as given
  if (options.time_ns) {
    int64_t ns = *options.time_ns;
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(ns / 1000000000 - (ns % 1000000000 < 0 ? 1 : 0)));
  }
  if (!options.dns_name.empty()) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    if (X509_VERIFY_PARAM_set1_host(param, options.dns_name.c_str(), options.dns_name.size()) != 1) return {};
  }
  if (X509_verify_cert(ctx.get()) != 1) return {};
  STACK_OF(X509)* verified = X509_STORE_CTX_get0_chain(ctx.get());
  std::vector<X509*> chain;
  for (int i = 0; i < sk_X509_num(verified); ++i) chain.push_back(sk_X509_value(verified, i));
  std::vector<int> wanted = options.key_usages.empty() ? std::vector<int>{kServerAuth} : options.key_usages;
  bool any = std::find(wanted.begin(), wanted.end(), kAnyUsage) != wanted.end();
  if (!any && !ChainAllows(chain, wanted)) return {};
  return chain;
}

}  // namespace sluice::policy
