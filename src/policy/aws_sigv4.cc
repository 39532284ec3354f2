// AWS SigV4 signing (HMAC-SHA256 chain over the canonical request).
#include "policy/aws_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <ctime>

#include "common/hash.h"

namespace sluice::policy::aws {
namespace {

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Bytes a path may hold unescaped (Go's validEncoded for encodePath).
bool PathByte(unsigned char c) {
  return std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@/[]%").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

Status ParseUrl(std::string_view url, std::string& host, std::string& path, std::string& query) {
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  size_t colon = url.find(':');
  bool has_scheme = colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0]));
  for (size_t i = 0; has_scheme && i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    has_scheme = std::isalnum(c) || c == '+' || c == '-' || c == '.';
  }
  if (has_scheme) url = url.substr(colon + 1);
  if (url.starts_with("//")) {
    url.remove_prefix(2);
    size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    host = std::string(authority);
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  path.clear();
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c == '%' && (i + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[i + 1])) ||
                     !std::isxdigit(static_cast<unsigned char>(url[i + 2])))) {
      return Status::InvalidArgument("invalid URL escape \"" + std::string(url.substr(i, 3)) + "\"");
    }
    if (PathByte(c)) {
      path += static_cast<char>(c);
    } else {
      path += '%';
      path += "0123456789ABCDEF"[c >> 4];
      path += "0123456789ABCDEF"[c & 15];
    }
  }
  return Status::Ok();
}

Signature SignV4(const SignInput& in) {
  std::string content_hash = in.unsigned_payload ? "UNSIGNED-PAYLOAD" : Sha256Hex(in.body);
  // time.Unix(0, ns).UTC(), whole seconds (rounded towards the past).
  std::time_t seconds = static_cast<std::time_t>(in.time_ns / 1000000000 - (in.time_ns % 1000000000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[16], stamp[32];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);

  Signature sig;
  sig.headers["host"] = in.host;
  sig.headers["x-amz-date"] = stamp;
  if (in.service == "s3" || in.service == "glacier") sig.headers["x-amz-content-sha256"] = content_hash;
  if (!in.session_token.empty()) sig.headers["x-amz-security-token"] = in.session_token;

  std::map<std::string, std::string> to_sign = sig.headers;
  for (const auto& [k, v] : in.headers) {
    std::string name = Lower(k);
    if (name != "authorization" && name != "user-agent" && name != "x-amzn-trace-id") to_sign[name] = v;
  }
  std::string canonical = in.method + "\n" + in.path + "\n" + in.query + "\n";
  std::string signed_list;
  for (const auto& [k, v] : to_sign) {
    canonical += k + ":" + v + "\n";
    signed_list += (signed_list.empty() ? "" : ";") + k;
  }
  canonical += "\n" + signed_list + "\n" + content_hash;

  std::string scope = std::string(date) + "/" + in.region + "/" + in.service + "/aws4_request";
  std::string to_sign_text = "AWS4-HMAC-SHA256\n" + std::string(stamp) + "\n" + scope + "\n" + Sha256Hex(canonical);
  std::string key = HmacSha256("AWS4" + in.secret_key, date);
  key = HmacSha256(key, in.region);
  key = HmacSha256(key, in.service);
  key = HmacSha256(key, "aws4_request");
  sig.authorization = "AWS4-HMAC-SHA256 Credential=" + in.access_key + "/" + scope +
                      ",SignedHeaders=" + signed_list + ",Signature=" + HexEncode(HmacSha256(key, to_sign_text));
  return sig;
}

}  // namespace sluice::policy::aws
