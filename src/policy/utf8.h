// Internal to src/policy: UTF-8 decoding and encoding with Go's rules (utf8.DecodeRune):
// overlong forms, surrogates and code points beyond U+10FFFF are invalid.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::policy::internal {

// Decodes the rune starting at s[i] into *rune and returns its width in
// bytes, or 0 when the byte at i does not start a valid encoding.
inline size_t DecodeUtf8(std::string_view s, size_t i, char32_t* rune) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  size_t width;
  char32_t r;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    width = 2;
    r = b0 & 0x1F;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    width = 3;
    r = b0 & 0x0F;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    width = 4;
    r = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + width > s.size()) return 0;
  for (size_t k = 1; k < width; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0;
  *rune = r;
  return width;
}

// Appends the UTF-8 encoding of r; surrogates and values beyond U+10FFFF
// become U+FFFD, as Go's utf8.AppendRune writes them.
inline void AppendUtf8(std::string& out, char32_t r) {
  if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) r = 0xFFFD;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

}  // namespace sluice::policy::internal
