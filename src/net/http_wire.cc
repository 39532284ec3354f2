#include "net/http_wire.h"

#include <charconv>

#include "common/text.h"

namespace sluice::net {
namespace {

bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsSafeValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out->append(digits, end);
}

}  // namespace

void AppendResponse(const HttpResponse& response, const ResponseFraming& framing,
                    std::string* out) {
  const int status = response.status;
  const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
  out->append(framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(static_cast<uint64_t>(status), out);
  out->push_back(' ');
  out->append(StatusReason(status));
  out->append("\r\n");
  std::string_view declared_length;
  for (const auto& [name, value] : response.headers) {
    if (!IsToken(name) || !IsSafeValue(value)) continue;
    if (AsciiEqualsIgnoreCase(name, "content-length")) {
      declared_length = value;
      continue;
    }
    if (AsciiEqualsIgnoreCase(name, "connection") || AsciiEqualsIgnoreCase(name, "transfer-encoding")) continue;
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  if (!bodiless) {
    out->append("Content-Length: ");
    uint64_t length = response.body.size();
    if (framing.head && !declared_length.empty()) {
      uint64_t declared = 0;
      auto [end, ec] = std::from_chars(declared_length.data(),
                                       declared_length.data() + declared_length.size(), declared);
      if (ec == std::errc() && end == declared_length.data() + declared_length.size()) {
        length = declared;
      }
    }
    AppendNumber(length, out);
    out->append("\r\n");
  }
  if (framing.version == 10) {
    if (framing.keep_alive) out->append("Connection: keep-alive\r\n");
  } else if (!framing.keep_alive) {
    out->append("Connection: close\r\n");
  }
  out->append("\r\n");
  if (!bodiless && !framing.head) out->append(response.body);
}

}  // namespace sluice::net
