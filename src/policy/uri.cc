#include "policy/uri.h"

#include <cctype>

namespace sluice::policy::internal {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Go's shouldEscape for paths (encodePath).
bool ShouldEscape(char c) {
  if (IsAlnum(c)) return false;
  return std::string_view("-_.~$&+,/:;=@").find(c) == std::string_view::npos;
}

std::string Escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (ShouldEscape(c)) {
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// Go's validEncoded for paths: only characters a path may hold unescaped.
bool ValidEncoded(std::string_view s) {
  for (char c : s) {
    if (std::string_view("!$&'()*+,;=:@[]%").find(c) != std::string_view::npos) continue;
    if (ShouldEscape(c)) return false;
  }
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unescape(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || Hex(s[i + 1]) < 0 || Hex(s[i + 2]) < 0) return false;
    out += static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2]));
    i += 2;
  }
  return true;
}

// ":" followed by digits, or nothing.
bool ValidOptionalPort(std::string_view p) {
  if (p.empty()) return true;
  if (p[0] != ':') return false;
  for (char c : p.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status ParseHost(std::string_view authority, Uri& u) {
  size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string_view name = host, port;
  if (host.starts_with('[')) {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("missing ']' in host");
    if (!ValidOptionalPort(host.substr(close + 1))) return Status::InvalidArgument("invalid port after host");
    name = host.substr(1, close - 1);
    port = host.substr(close + 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    if (!ValidOptionalPort(host.substr(colon))) return Status::InvalidArgument("invalid port after host");
    name = host.substr(0, colon);
    port = host.substr(colon);
  }
  if (!port.empty()) port.remove_prefix(1);
  if (!Unescape(name, u.hostname)) return Status::InvalidArgument("invalid URL escape");
  u.port = std::string(port);
  return Status::Ok();
}

}  // namespace

Result<Uri> ParseUri(std::string_view raw) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Status::InvalidArgument("net/url: invalid control character in URL");
    }
  }
  Uri u;
  std::string_view rest = raw;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    if (!Unescape(rest.substr(hash + 1), u.fragment)) return Status::InvalidArgument("invalid URL escape");
    rest = rest.substr(0, hash);
  }
  // The scheme: a letter, then letters, digits, + - . up to ":".
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (IsAlnum(c) || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return Status::InvalidArgument("missing protocol scheme");
      for (char s : rest.substr(0, i)) u.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(s)));
      rest.remove_prefix(i + 1);
    }
    break;
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    u.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!rest.starts_with('/')) {
    if (!u.scheme.empty()) {
      u.opaque = std::string(rest);
      return u;
    }
    if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos) {
      return Status::InvalidArgument("first path segment in URL cannot contain colon");
    }
  }
  if ((!u.scheme.empty() || !rest.starts_with("///")) && rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    size_t slash = authority.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : authority.substr(slash);
    if (Status s = ParseHost(authority.substr(0, slash), u); !s.ok()) return s;
  }
  if (!Unescape(rest, u.path)) return Status::InvalidArgument("invalid URL escape");
  if (!u.path.empty()) {
    bool keep_raw = Escape(u.path) != rest && ValidEncoded(rest);
    u.raw_path = keep_raw ? std::string(rest) : Escape(u.path);
  }
  return u;
}

}  // namespace sluice::policy::internal
