#include "store/s3_url.h"

#include "common/text.h"

namespace sluice::store {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The host's part before ".amazonaws.com" (or ".amazonaws.com.cn"), "" when
// it is not an AWS host.
std::string_view AwsPrefix(std::string_view host) {
  for (std::string_view domain : {".amazonaws.com", ".amazonaws.com.cn"}) {
    if (EndsWith(host, domain)) return host.substr(0, host.size() - domain.size());
  }
  return {};
}

// Whether `name` is an S3 service name: "s3", "s3-REGION", "s3.REGION" or
// "s3.dualstack.REGION" (REGION a single label).
bool IsS3Service(std::string_view name) {
  auto region = [](std::string_view r) { return !r.empty() && r.find('.') == r.npos; };
  if (name == "s3") return true;
  if (name.starts_with("s3-")) return region(name.substr(3));
  if (name.starts_with("s3.dualstack.")) return region(name.substr(13));
  if (name.starts_with("s3.")) return region(name.substr(3));
  return false;
}

std::optional<S3ObjectRef> Ref(std::string_view bucket, std::string_view key) {
  if (bucket.empty() || key.empty()) return std::nullopt;
  return S3ObjectRef{std::string(bucket), PercentDecode(key)};
}

}  // namespace

std::optional<S3ObjectRef> ParseS3ObjectUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string_view rest;
  if (url.starts_with("s3://")) {
    rest = url.substr(5);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    return Ref(rest.substr(0, slash), rest.substr(slash + 1));
  }
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string host = AsciiLower(rest.substr(0, slash));
  if (size_t colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  std::string_view path = rest.substr(slash + 1);
  std::string_view prefix = AwsPrefix(host);
  if (prefix.empty()) return std::nullopt;
  if (IsS3Service(prefix)) {  // path-style: BUCKET/KEY
    size_t end = path.find('/');
    if (end == std::string_view::npos) return std::nullopt;
    return Ref(path.substr(0, end), path.substr(end + 1));
  }
  // Virtual-hosted: the bucket (which may hold dots) before ".s3".
  for (size_t dot = prefix.find(".s3"); dot != std::string_view::npos;
       dot = prefix.find(".s3", dot + 1)) {
    if (IsS3Service(prefix.substr(dot + 1))) return Ref(prefix.substr(0, dot), path);
  }
  return std::nullopt;
}

}  // namespace sluice::store
