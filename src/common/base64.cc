#include "common/base64.h"

#include <cstdint>

namespace sluice {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

Status Corrupt(size_t at) {
  return Status::InvalidArgument("illegal base64 data at input byte " + std::to_string(at));
}

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(n >> shift) & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 0) return out;
  uint32_t n = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
  out += alphabet[(n >> 18) & 63];
  out += alphabet[(n >> 12) & 63];
  if (rest == 2) out += alphabet[(n >> 6) & 63];
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

// Go's padded decoder: quanta of four symbols, '=' only to end the last
// one, \r and \n ignored anywhere; errors name the offending byte.
Result<std::string> Decode(std::string_view in, const char* alphabet) {
  std::string out;
  uint32_t acc = 0;
  int have = 0;  // symbols in the current quantum
  size_t i = 0;
  auto skip_newlines = [&] {
    while (i < in.size() && (in[i] == '\r' || in[i] == '\n')) ++i;
  };
  for (skip_newlines(); i < in.size(); skip_newlines()) {
    char c = in[i];
    if (c == '=') {
      // Padding: allowed as the 3rd and 4th symbol, or the 4th alone.
      if (have < 2) return Corrupt(i);
      size_t pad_at = i++;
      if (have == 2) {
        skip_newlines();
        if (i >= in.size()) return Corrupt(in.size());
        if (in[i] != '=') return Corrupt(pad_at);
        ++i;
      }
      skip_newlines();
      if (i < in.size()) return Corrupt(i);
      out += static_cast<char>(acc >> (have == 2 ? 4 : 10));
      if (have == 3) out += static_cast<char>((acc >> 2) & 0xFF);
      return out;
    }
    const char* p = std::char_traits<char>::find(alphabet, 64, c);
    if (p == nullptr) return Corrupt(i);
    acc = acc << 6 | static_cast<uint32_t>(p - alphabet);
    ++i;
    if (++have == 4) {
      out += static_cast<char>(acc >> 16);
      out += static_cast<char>((acc >> 8) & 0xFF);
      out += static_cast<char>(acc & 0xFF);
      acc = 0;
      have = 0;
    }
  }
  if (have != 0) return Corrupt(in.size() - static_cast<size_t>(have));
  return out;
}

}  // namespace

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::string padded(text);
  if (text.empty() || text.back() != '=') {
    switch (text.size() % 4) {
      case 2: padded += "=="; break;
      case 3: padded += "="; break;
      case 1: return Status::InvalidArgument("illegal base64url string: " + padded);
      default: break;
    }
  }
  return Decode(padded, kUrl);
}

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrl, false); }
std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStd, true); }
Result<std::string> Base64Decode(std::string_view text) { return Decode(text, kStd); }

}  // namespace sluice
