#include "policy/value_print.h"

#include "policy/utf8.h"

namespace sluice::policy {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Our approximation of Go's unicode.IsPrint for runes >= 0x80 (see the
// header for the list).
bool IsPrintable(char32_t r) {
  if (r < 0xA0) return false;  // C1 controls
  if (r == 0xA0 || r == 0xAD || r == 0x1680 || r == 0x3000 || r == 0xFEFF) return false;
  if (r >= 0x2000 && r <= 0x200F) return false;
  if (r >= 0x2028 && r <= 0x202F) return false;
  if (r >= 0x205F && r <= 0x206F) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;  // private use
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;
  if (r == 0xFFFE || r == 0xFFFF) return false;
  if (r >= 0xE0000 && r <= 0xE007F) return false;  // tags
  if (r >= 0xF0000) return false;                  // private-use planes
  return true;
}

void AppendEscapedRune(std::string& out, char32_t r) {
  int digits = r < 0x10000 ? 4 : 8;
  out.push_back('\\');
  out.push_back(digits == 4 ? 'u' : 'U');
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(r >> shift) & 0xF]);
  }
}

void AppendHexByte(std::string& out, unsigned char b) {
  out.append("\\x");
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 0xF]);
}

template <typename Seq, typename Fn>
void AppendJoined(std::string& out, const Seq& items, Fn&& append_one) {
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.append(", ");
    first = false;
    append_one(item);
  }
}

}  // namespace

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\a':
          out.append("\\a");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\v':
          out.append("\\v");
          break;
        default:
          if (b < 0x20 || b == 0x7F) {
            AppendHexByte(out, b);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    char32_t rune;
    size_t width = internal::DecodeUtf8(s, i, &rune);
    if (width == 0) {
      AppendHexByte(out, b);
      ++i;
      continue;
    }
    if (IsPrintable(rune)) {
      out.append(s.substr(i, width));
    } else {
      AppendEscapedRune(out, rune);
    }
    i += width;
  }
  out.push_back('"');
}

void AppendRego(std::string& out, const Value& value) {
  switch (value.kind()) {
    case Kind::kNull:
      out.append("null");
      return;
    case Kind::kBoolean:
      out.append(value.AsBool() ? "true" : "false");
      return;
    case Kind::kNumber:
      value.AsNumber().AppendTo(out);
      return;
    case Kind::kString:
      AppendQuoted(out, value.AsString());
      return;
    case Kind::kArray:
      out.push_back('[');
      AppendJoined(out, value.ArrayElems(), [&](const Value& v) { AppendRego(out, v); });
      out.push_back(']');
      return;
    case Kind::kSet:
      if (value.size() == 0) {
        out.append("set()");
        return;
      }
      out.push_back('{');
      AppendJoined(out, value.SetElems(), [&](const Value& v) { AppendRego(out, v); });
      out.push_back('}');
      return;
    case Kind::kObject:
      out.push_back('{');
      AppendJoined(out, value.ObjectEntries(), [&](const ObjectEntry& e) {
        AppendRego(out, e.key);
        out.append(": ");
        AppendRego(out, e.value);
      });
      out.push_back('}');
      return;
  }
}

std::string ToRego(const Value& value) {
  std::string out;
  AppendRego(out, value);
  return out;
}

}  // namespace sluice::policy
