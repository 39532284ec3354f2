// Bitwise, cast, encoding and a few set / object builtins: bits.*,
// array.flatten, cast_*, base64 / base64url / hex, strings.count,
// json.is_valid, object.subset, set_diff.
#include <string>
#include <vector>

#include "common/hash.h"
#include "policy/builtins.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

template <int kOp>  // 0 and, 1 or, 2 xor
Out Bits(Args a) {
  int64_t x = 0, y = 0;
  Out err;
  if (!IntOperand(a[0], 1, x, err) || !IntOperand(a[1], 2, y, err)) return err;
  return Value::Int(kOp == 0 ? (x & y) : (kOp == 1 ? (x | y) : (x ^ y)));
}

Out BitsNegate(Args a) {
  int64_t x = 0;
  Out err;
  if (!IntOperand(a[0], 1, x, err)) return err;
  return Value::Int(~x);
}

template <bool kLeft>
Out Shift(Args a) {
  int64_t x = 0, y = 0;
  Out err;
  if (!IntOperand(a[0], 1, x, err) || !IntOperand(a[1], 2, y, err)) return err;
  if (y < 0) return Out::TypeError("operand 2 must be an unsigned integer number but got a negative integer");
  if (!kLeft) return Value::Int(y >= 64 ? (x < 0 ? -1 : 0) : (x >> y));
  // Left shifts may leave int64: go through the exact number parser.
  if (y < 62 && x >= -(int64_t{1} << (62 - y)) && x < (int64_t{1} << (62 - y))) {
    return Value::Int(x * (int64_t{1} << y));
  }
  if (y > 4096) return Out::Error("shift too large");
  // Decimal string multiplication by 2, y times.
  bool neg = x < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  std::string digits = std::to_string(u);
  for (int64_t i = 0; i < y; ++i) {
    int carry = 0;
    for (size_t j = digits.size(); j > 0; --j) {
      int d = (digits[j - 1] - '0') * 2 + carry;
      digits[j - 1] = static_cast<char>('0' + d % 10);
      carry = d / 10;
    }
    if (carry) digits.insert(digits.begin(), static_cast<char>('0' + carry));
  }
  Result<Number> n = Number::Parse((neg ? "-" : "") + digits);
  if (!n.ok()) return Out::Error(n.status().message());
  return Value(std::move(n).value());
}

// Flattens one level: nested arrays' elements are spliced in, deeper
// arrays stay as they are.
Out ArrayFlatten(Args a) {
  if (!a[0].IsArray()) return Out::OperandError(1, "array", a[0]);
  std::vector<Value> out;
  for (const Value& e : a[0].ArrayElems()) {
    if (e.IsArray()) {
      out.insert(out.end(), e.ArrayElems().begin(), e.ArrayElems().end());
    } else {
      out.push_back(e);
    }
  }
  return Value::Array(std::move(out));
}

Out CastArray(Args a) {
  if (a[0].IsArray()) return a[0];
  if (a[0].IsSet()) return Value::Array({a[0].SetElems().begin(), a[0].SetElems().end()});
  return Out::OperandError(1, "one of {array, set}", a[0]);
}
Out CastSet(Args a) {
  if (a[0].IsSet()) return a[0];
  if (a[0].IsArray()) return Value::Set({a[0].ArrayElems().begin(), a[0].ArrayElems().end()});
  return Out::OperandError(1, "one of {array, set}", a[0]);
}
template <Kind K>
Out CastSame(Args a) {
  if (a[0].kind() == K) return a[0];
  return Out::OperandError(1, KindName(K), a[0]);
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode64(std::string_view s, const char* alphabet, bool pad) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += alphabet[(n >> k) & 63];
  }
  size_t rest = s.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

bool Decode64(std::string_view s, const char* alphabet, std::string& out) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::char_traits<char>::find(alphabet, 64, c);
    if (p == nullptr) return false;
    acc = (acc << 6) | static_cast<uint32_t>(p - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return s.size() % 4 != 1;
}

template <bool kUrl, bool kPad>
Out B64Encode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::String(Encode64(a[0].AsString(), kUrl ? kB64Url : kB64, kPad));
}

template <bool kUrl>
Out B64Decode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string out;
  if (!Decode64(a[0].AsString(), kUrl ? kB64Url : kB64, out)) {
    return Out::Error("illegal base64 data at input byte 0");
  }
  return Value::String(out);
}

Out B64IsValid(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string out;
  std::string_view s = a[0].AsString();
  return Value::Boolean(s.size() % 4 == 0 && Decode64(s, kB64, out));
}

Out HexEncode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::String(sluice::HexEncode(a[0].AsString()));
}

// Go's InvalidByteError text: "%#U" of the byte, e.g. "U+0067 'g'".
std::string InvalidHexByte(unsigned char c) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out = "encoding/hex: invalid byte: U+00";
  out += kDigits[c >> 4];
  out += kDigits[c & 0xF];
  bool printable = (c >= 0x20 && c < 0x7F) || (c >= 0xA1 && c != 0xAD);
  if (!printable) return out;
  out += " '";
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  out += "'";
  return out;
}

Out HexDecode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string_view s = a[0].AsString();
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  // Go checks each pair left to right, and a trailing odd byte for validity
  // before reporting the odd length.
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]);
    if (hi < 0) return Out::Error(InvalidHexByte(static_cast<unsigned char>(s[i])));
    if (i + 1 >= s.size()) return Out::Error("encoding/hex: odd length hex string");
    int lo = val(s[i + 1]);
    if (lo < 0) return Out::Error(InvalidHexByte(static_cast<unsigned char>(s[i + 1])));
    out += static_cast<char>(hi * 16 + lo);
  }
  return Value::String(out);
}

Out StringsCount(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view s = a[0].AsString(), t = a[1].AsString();
  if (t.empty()) {
    int64_t n = 1;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return Value::Int(n);
  }
  int64_t n = 0;
  for (size_t p = s.find(t); p != std::string_view::npos; p = s.find(t, p + t.size())) ++n;
  return Value::Int(n);
}

Out JsonIsValid(Args a) {
  if (!a[0].IsString()) return Value::Boolean(false);
  return Value::Boolean(ParseJson(a[0].AsString()).ok());
}

bool Subset(const Value& super, const Value& sub) {
  if (super.IsObject() && sub.IsObject()) {
    for (const ObjectEntry& e : sub.ObjectEntries()) {
      const Value* v = super.Find(e.key);
      if (v == nullptr || !Subset(*v, e.value)) return false;
    }
    return true;
  }
  if (super.IsSet() && sub.IsSet()) {
    for (const Value& e : sub.SetElems()) {
      if (!super.Contains(e)) return false;
    }
    return true;
  }
  if (super.IsArray() && sub.IsArray()) {
    auto big = super.ArrayElems(), small = sub.ArrayElems();
    if (small.empty()) return true;
    for (size_t i = 0; i + small.size() <= big.size(); ++i) {
      bool all = true;
      for (size_t j = 0; j < small.size() && all; ++j) all = big[i + j] == small[j];
      if (all) return true;
    }
    return false;
  }
  return super == sub;
}

// An array holds a set when every element of the set occurs in it (OPA
// stops at the first array element that completes the match, so an empty
// array holds nothing, not even the empty set).
bool ArrayHoldsSet(const Value& array, const Value& set) {
  size_t unmatched = set.size();
  for (const Value& e : array.ArrayElems()) {
    if (set.Contains(e)) --unmatched;
    if (unmatched == 0) return true;
  }
  return false;
}

Out ObjectSubset(Args a) {
  for (int i = 0; i < 2; ++i) {
    if (!a[i].IsObject() && !a[i].IsSet() && !a[i].IsArray()) {
      return Out::OperandError(i + 1, "one of {object, set, array}", a[i]);
    }
  }
  if (a[0].kind() == a[1].kind()) return Value::Boolean(Subset(a[0], a[1]));
  if (a[0].IsArray() && a[1].IsSet()) return Value::Boolean(ArrayHoldsSet(a[0], a[1]));
  return Out::TypeError("both arguments object.subset must be of the same type or array and set");
}

Out SetDiff(Args a) {
  if (!a[0].IsSet()) return Out::OperandError(1, "set", a[0]);
  if (!a[1].IsSet()) return Out::OperandError(2, "set", a[1]);
  return SetDifference(a[0], a[1]);
}

}  // namespace

void RegisterEncodingBuiltins(BuiltinRegistry& r) {
  r.Add("bits.and", 2, Bits<0>);
  r.Add("bits.or", 2, Bits<1>);
  r.Add("bits.xor", 2, Bits<2>);
  r.Add("bits.negate", 1, BitsNegate);
  r.Add("bits.lsh", 2, Shift<true>);
  r.Add("bits.rsh", 2, Shift<false>);
  r.Add("array.flatten", 1, ArrayFlatten);
  r.Add("cast_array", 1, CastArray);
  r.Add("cast_set", 1, CastSet);
  r.Add("cast_string", 1, CastSame<Kind::kString>);
  r.Add("cast_boolean", 1, CastSame<Kind::kBoolean>);
  r.Add("cast_null", 1, CastSame<Kind::kNull>);
  r.Add("cast_object", 1, CastSame<Kind::kObject>);
  r.Add("base64.encode", 1, B64Encode<false, true>);
  r.Add("base64.decode", 1, B64Decode<false>);
  r.Add("base64.is_valid", 1, B64IsValid);
  r.Add("base64url.encode", 1, B64Encode<true, true>);
  r.Add("base64url.encode_no_pad", 1, B64Encode<true, false>);
  r.Add("base64url.decode", 1, B64Decode<true>);
  r.Add("hex.encode", 1, HexEncode);
  r.Add("hex.decode", 1, HexDecode);
  r.Add("strings.count", 2, StringsCount);
  r.Add("json.is_valid", 1, JsonIsValid);
  r.Add("object.subset", 2, ObjectSubset);
  r.Add("set_diff", 2, SetDiff);
}

}  // namespace sluice::policy
