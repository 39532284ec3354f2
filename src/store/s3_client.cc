#include "store/s3_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <system_error>

#include "common/files.h"
#include "common/hash.h"
#include "store/s3_client_impl.h"
#include "store/s3_xml.h"

namespace sluice::store {
namespace {

constexpr int64_t kMinPartSize = int64_t{5} << 20;
constexpr int64_t kMaxPartSize = int64_t{5} << 30;

S3Object FromHeaders(std::string_view key, const oci::HttpResponse& response) {
  S3Object object;
  object.key = std::string(key);
  std::string length = response.header("content-length");
  int64_t size = 0;
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), size);
  // A missing or malformed length (not S3's) reads as unknown: 0.
  object.size = error == std::errc() && end == length.data() + length.size() ? size : 0;
  object.etag = Unquote(response.header("etag"));
  object.last_modified = response.header("last-modified");
  object.content_type = response.header("content-type");
  return object;
}

// The whole file, hashed as it is read.
Result<std::string> ReadHashed(const std::filesystem::path& file, std::string* sha256) {
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
  if (sha256 != nullptr) *sha256 = Sha256Hex(bytes);
  return bytes;
}

}  // namespace

Result<EndpointParts> ParseEndpoint(std::string_view endpoint) {
  // User info ("http://KEY:SECRET@host") may hold a credential: never shown.
  std::string shown(endpoint);
  if (size_t at = shown.find('@'), scheme = shown.find("://");
      at != std::string::npos && scheme != std::string::npos && scheme < at) {
    shown.replace(scheme + 3, at - scheme - 3, "***");
  }
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("S3 endpoint \"" + shown + "\": " + std::string(why) +
                                   " (write it as http://HOST:PORT or https://HOST)");
  };
  EndpointParts parts;
  size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos) return bad("no http:// or https://");
  parts.scheme = std::string(endpoint.substr(0, scheme_end));
  if (parts.scheme != "http" && parts.scheme != "https") return bad("not http or https");
  std::string_view rest = endpoint.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  parts.host = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) parts.path = std::string(rest.substr(slash));
  while (!parts.path.empty() && parts.path.back() == '/') parts.path.pop_back();
  if (parts.host.empty()) return bad("no host");
  if (parts.host.find_first_of("@?#") != std::string::npos ||
      parts.path.find_first_of("?#") != std::string::npos) {
    return bad("user info, a query or a fragment are not allowed");
  }
  return parts;
}

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  if (options.region.empty()) return Status::InvalidArgument("S3 region: empty (e.g. us-east-1)");
  if (!options.endpoint.empty()) SLUICE_RETURN_IF_ERROR(ParseEndpoint(options.endpoint).status());
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return Status::InvalidArgument("S3 part_size: " + std::to_string(options.part_size) +
                                   " bytes is outside S3's limits (5 MiB .. 5 GiB)");
  }
  if (options.multipart_threshold < 1) {
    return Status::InvalidArgument("S3 multipart_threshold: must be positive");
  }
  if (options.parallel < 1 || options.parallel > 64) {
    return Status::InvalidArgument("S3 parallel: " + std::to_string(options.parallel) +
                                   " is outside 1..64");
  }
  if (options.max_attempts < 1) return Status::InvalidArgument("S3 max_attempts: at least 1");
  if (options.timeout.count() < 1) return Status::InvalidArgument("S3 timeout: at least 1 s");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("S3 credentials: the access key id and secret key are required");
  }
  if (!options.transport) options.transport = oci::NewCurlTransport(options.timeout);
  return std::unique_ptr<S3Client>(new S3ClientImpl(std::move(options)));
}

Result<S3Object> S3Client::PutFileWithDigest(std::string_view bucket, std::string_view key,
                                             const std::filesystem::path& file,
                                             std::string_view content_type, std::string* sha256,
                                             const CancellationToken* cancel) {
  if (sha256 != nullptr) {
    Sha256Hasher hasher;
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return Status::IoError("cannot read " + file.string() + ": " + std::strerror(errno));
    std::string buffer(1 << 20, '\0');
    ssize_t n = 0;
    while ((n = read(fd, buffer.data(), buffer.size())) > 0) {
      hasher.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    int read_error = n < 0 ? errno : 0;
    close(fd);
    if (n < 0) {
      return Status::IoError("cannot read " + file.string() + ": " + std::strerror(read_error));
    }
    *sha256 = hasher.FinishHex();
  }
  return PutFile(bucket, key, file, content_type, cancel);
}

S3ClientImpl::S3ClientImpl(S3ClientOptions options)
    : options_(std::move(options)),
      part_slots_(std::make_unique<std::counting_semaphore<64>>(options_.parallel)) {
  if (options_.endpoint.empty()) {
    scheme_ = "https";
    host_ = "s3." + options_.region + ".amazonaws.com";
    virtual_hosted_ = true;
  } else {
    EndpointParts parts = ParseEndpoint(options_.endpoint).value();  // checked by Create
    scheme_ = parts.scheme;
    host_ = parts.host;
    base_path_ = parts.path;
    virtual_hosted_ = options_.virtual_hosted;
  }
}

std::string S3ClientImpl::Describe(std::string_view bucket, std::string_view key) {
  std::string out = "s3://" + std::string(bucket);
  if (!key.empty()) out += "/" + std::string(key);
  return out;
}

S3ClientImpl::Target S3ClientImpl::Address(std::string_view bucket, std::string_view key) const {
  Target target;
  std::string encoded_key = EncodeS3Key(key);
  if (virtual_hosted_ && !bucket.empty()) {
    target.host = std::string(bucket) + "." + host_;
    target.path = base_path_ + "/" + encoded_key;
  } else {
    target.host = host_;
    target.path = base_path_ + "/" + std::string(bucket);
    if (!key.empty()) target.path += "/" + encoded_key;
  }
  target.url = scheme_ + "://" + target.host + target.path;
  return target;
}

std::chrono::system_clock::time_point S3ClientImpl::Now() const {
  return options_.now ? options_.now() : std::chrono::system_clock::now();
}

std::string S3ClientImpl::ObjectUrl(std::string_view bucket, std::string_view key) const {
  return Address(bucket, key).url;
}

Result<S3Object> S3ClientImpl::PutFile(std::string_view bucket, std::string_view key,
                                       const std::filesystem::path& file,
                                       std::string_view content_type,
                                       const CancellationToken* cancel) {
  return PutFileWithDigest(bucket, key, file, content_type, nullptr, cancel);
}

Result<S3Object> S3ClientImpl::PutFileWithDigest(std::string_view bucket, std::string_view key,
                                                 const std::filesystem::path& file,
                                                 std::string_view content_type, std::string* sha256,
                                                 const CancellationToken* cancel) {
  std::error_code ec;
  auto size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
  if (ec) return Status::IoError("cannot read " + file.string() + ": " + ec.message());
  if (size >= options_.multipart_threshold) {
    return PutMultipart(bucket, key, file, size, content_type, sha256, cancel);
  }
  std::string digest;
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, ReadHashed(file, &digest));
  S3Call call{"PUT", std::string(bucket), std::string(key), {},
              {},    std::move(bytes),    digest,           cancel};
  if (!content_type.empty()) call.headers["Content-Type"] = std::string(content_type);
  int64_t length = static_cast<int64_t>(call.body.size());
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response, Send(std::move(call)));
  if (sha256 != nullptr) *sha256 = digest;
  S3Object object{std::string(key), length, Unquote(response.header("etag")), "",
                  std::string(content_type)};
  return object;
}

Result<S3Object> S3ClientImpl::PutBytes(std::string_view bucket, std::string_view key,
                                        std::string_view bytes, std::string_view content_type,
                                        const CancellationToken* cancel) {
  S3Call call{"PUT", std::string(bucket), std::string(key), {}, {}, std::string(bytes), "", cancel};
  if (!content_type.empty()) call.headers["Content-Type"] = std::string(content_type);
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response, Send(std::move(call)));
  return S3Object{std::string(key), static_cast<int64_t>(bytes.size()),
                  Unquote(response.header("etag")), "", std::string(content_type)};
}

Result<std::string> S3ClientImpl::GetBytes(std::string_view bucket, std::string_view key) {
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response,
                          Send({"GET", std::string(bucket), std::string(key)}));
  return std::move(response.body);
}

Result<S3Object> S3ClientImpl::Head(std::string_view bucket, std::string_view key) {
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response,
                          Send({"HEAD", std::string(bucket), std::string(key)}));
  return FromHeaders(key, response);
}

Status S3ClientImpl::Delete(std::string_view bucket, std::string_view key) {
  return Send({"DELETE", std::string(bucket), std::string(key)}).status();
}

Result<S3Listing> S3ClientImpl::List(std::string_view bucket, std::string_view prefix,
                                     std::string_view delimiter, int max_keys,
                                     std::string_view continuation_token) {
  if (max_keys < 1 || max_keys > 1000) {
    return Status::InvalidArgument("S3 list of " + Describe(bucket, "") + ": max_keys " +
                                   std::to_string(max_keys) + " is outside 1..1000");
  }
  S3Call call{"GET", std::string(bucket), ""};
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  if (!delimiter.empty()) call.query.emplace_back("delimiter", std::string(delimiter));
  if (!continuation_token.empty()) {
    call.query.emplace_back("continuation-token", std::string(continuation_token));
  }
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse response, Send(std::move(call)));
  return ParseListObjectsV2(response.body);
}

Result<std::vector<S3Object>> S3ClientImpl::ListAll(std::string_view bucket,
                                                    std::string_view prefix) {
  std::vector<S3Object> all;
  std::string token;
  do {
    SLUICE_ASSIGN_OR_RETURN(S3Listing page, List(bucket, prefix, "", 1000, token));
    for (S3Object& object : page.objects) all.push_back(std::move(object));
    token = std::move(page.next_continuation_token);
  } while (!token.empty());
  return all;
}

Status S3ClientImpl::CreateBucket(std::string_view bucket) {
  std::string body;
  if (options_.region != "us-east-1") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        options_.region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  S3Call call{"PUT", std::string(bucket), ""};
  call.body = std::move(body);
  return Send(std::move(call)).status();
}

Result<std::string> S3ClientImpl::PresignGet(std::string_view bucket, std::string_view key,
                                             std::chrono::seconds expires) {
  Target target = Address(bucket, key);
  SigV4Request request;
  request.method = "GET";
  request.path = target.path;
  request.headers.emplace_back("Host", target.host);
  request.payload_hash = "UNSIGNED-PAYLOAD";
  SigV4Options sign;
  sign.region = options_.region;
  sign.service = "s3";
  sign.time = Now();
  sign.expires = expires;
  SLUICE_ASSIGN_OR_RETURN(SigV4Result signature, SignQuery(request, options_.credentials, sign));
  return target.url + "?" + signature.query;
}

}  // namespace sluice::store
