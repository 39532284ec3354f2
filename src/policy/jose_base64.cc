// Base64 and PEM the way Go's encoding/base64 and encoding/pem read them.
#include <string>

#include "common/base64.h"
#include "policy/jose.h"

namespace sluice::policy::jose {
namespace {

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The line starting at `at` (without its newline) and where the next begins.
std::string_view Line(std::string_view s, size_t at, size_t& next) {
  size_t end = s.find('\n', at);
  next = end == std::string_view::npos ? s.size() : end + 1;
  std::string_view line = s.substr(at, (end == std::string_view::npos ? s.size() : end) - at);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

bool DecodePem(std::string_view text, PemBlock& block, std::string_view& rest) {
  constexpr std::string_view kBegin = "-----BEGIN ", kEnd = "-----END ", kDashes = "-----";
  for (size_t from = 0;;) {
    size_t at = text.find(kBegin, from);
    if (at == std::string_view::npos) return false;
    from = at + kBegin.size();
    if (at != 0 && text[at - 1] != '\n') continue;
    size_t body = 0;
    std::string_view first = Line(text, at, body);
    if (first.size() < kBegin.size() + kDashes.size() || !first.ends_with(kDashes)) continue;
    std::string type(first.substr(kBegin.size(), first.size() - kBegin.size() - kDashes.size()));
    std::string end_line = std::string(kEnd) + type + std::string(kDashes);
    size_t end = text.find(end_line, body);
    if (end == std::string_view::npos) continue;
    std::string_view payload = text.substr(body, end - body);
    if (payload.find(':') != std::string_view::npos) {
      // Headers ("Proc-Type: ...") end with an empty line.
      size_t blank = payload.find("\n\n");
      if (blank == std::string_view::npos) continue;
      payload.remove_prefix(blank + 2);
    }
    std::string compact;
    for (char c : payload) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
    }
    Result<std::string> bytes = Base64Decode(compact);
    if (!bytes.ok()) continue;
    size_t after = 0;
    std::string_view tail = Line(text, end, after);
    if (!TrimSpace(tail.substr(end_line.size())).empty()) continue;
    block.type = std::move(type);
    block.bytes = std::move(bytes).value();
    rest = text.substr(after);
    return true;
  }
}

}  // namespace sluice::policy::jose
