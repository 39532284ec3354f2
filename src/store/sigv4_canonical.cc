#include "store/sigv4_canonical.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "common/text.h"
#include "store/sigv4.h"

namespace sluice::store {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

void AppendEscape(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      AppendEscape(c, &out);
    }
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[sizeof "20150830T123600Z"];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

namespace sigv4_internal {

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    bool last = end == path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else if (segment == ".") {
      trailing_slash = last;
    } else if (segment.empty()) {
      // "//" and the leading '/' add nothing; a final empty segment means the
      // path ended with '/'.
      if (last && !segments.empty()) trailing_slash = true;
    } else {
      segments.push_back(segment);
      trailing_slash = false;
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view segment : segments) {
    out += '/';
    out += segment;
  }
  if (out.empty() || trailing_slash) out += '/';
  return out;
}

std::string CanonicalUri(std::string_view path, bool s3_rules, bool normalize) {
  if (!s3_rules) {
    if (normalize) return UriEncode(NormalizePath(path), /*keep_slash=*/true);
    return UriEncode(path, /*keep_slash=*/true);
  }
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    bool escape =
        c == '%' && i + 2 < path.size() && IsHexDigit(path[i + 1]) && IsHexDigit(path[i + 2]);
    if (IsUnreserved(c) || c == '/' || escape) {
      out.push_back(path[i]);
    } else {
      AppendEscape(c, &out);
    }
  }
  return out;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

CanonicalHeaders CanonicalizeHeaders(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  // std::map sorts by the lower-cased name; values keep the order given.
  std::map<std::string, std::string> joined;
  for (const auto& [name, value] : headers) {
    std::string folded;
    for (char c : TrimAsciiSpace(value)) {
      if (IsSpace(c)) {
        if (folded.empty() || folded.back() != ' ') folded += ' ';
      } else {
        folded += c;
      }
    }
    auto [it, inserted] = joined.try_emplace(AsciiLower(TrimAsciiSpace(name)), folded);
    if (!inserted) {
      it->second += ',';
      it->second += folded;
    }
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : joined) {
    out.text += name + ':' + value + '\n';
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

}  // namespace sigv4_internal
}  // namespace sluice::store
