// The HTTP seam of the registry client: one request in, one response out.
//
// The registry client speaks HTTP only through HttpTransport, so tests can put
// an in-memory registry behind the same interface (LevelDB's Env idea) and the
// real one is libcurl. A transport does not retry, authenticate or follow
// redirects; the client does all of that. A connection that fails (refused,
// dropped, timed out) is an IoError; any HTTP status, 5xx included, is a
// response. Implementations must be safe to call from several threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::oci {

// Gives a streamed request body's next bytes: copies at most `capacity` of
// them to `buffer` and returns how many; 0 ends the body. It may block
// until it has bytes.
using HttpBodySource = std::function<size_t(char* buffer, size_t capacity)>;

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", "PUT", "PATCH"
  std::string url;     // absolute
  std::map<std::string, std::string> headers;
  std::string body;
  // When set, the body is read from here while it is sent (chunked transfer
  // encoding) instead of from `body`. Such a request can be sent only once.
  HttpBodySource body_source;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string>
      headers;  // names lower-cased; a repeated header keeps the last
  std::string body;

  // The header's value, or "" when absent; `name` must be lower-case.
  std::string header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// libcurl. Connections are reused between requests (kept-alive easy
// handles, one per concurrent request); thread-safe. `timeout` bounds a
// whole request.
std::unique_ptr<HttpTransport> NewCurlTransport(
    std::chrono::seconds timeout = std::chrono::seconds(300));

// `location` (absolute, or relative as registries may send it) resolved
// against `base`. InvalidArgument when neither parses as a URL.
Result<std::string> ResolveUrl(std::string_view base, std::string_view location);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(std::string_view text);

}  // namespace sluice::oci
