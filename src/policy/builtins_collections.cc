// More string, array and object builtins: trim*, replace, indexof,
// substring, format_int, strings.reverse, strings.any_prefix_match /
// any_suffix_match, array.reverse, object.remove / union / filter,
// any / all (deprecated in OPA, kept for v0 policies).
#include <gmp.h>

#include <string>
#include <vector>

#include "policy/builtins.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

std::string_view TrimSet(std::string_view s, std::string_view cut, bool left, bool right) {
  if (left) {
    while (!s.empty() && cut.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  }
  if (right) {
    while (!s.empty() && cut.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  }
  return s;
}

template <int kMode>  // 0 trim, 1 left, 2 right, 3 prefix, 4 suffix
Out Trim(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view s = a[0].AsString(), c = a[1].AsString();
  if (kMode == 3) return Value::String(s.starts_with(c) ? s.substr(c.size()) : s);
  if (kMode == 4) return Value::String(s.ends_with(c) ? s.substr(0, s.size() - c.size()) : s);
  return Value::String(TrimSet(s, c, kMode != 2, kMode != 1));
}

Out TrimSpace(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::String(TrimSet(a[0].AsString(), " \t\n\r\v\f", true, true));
}

std::string ReplaceAll(std::string_view s, std::string_view old, std::string_view with) {
  if (old.empty()) return std::string(s);
  std::string out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(old, start);
    if (pos == std::string_view::npos) break;
    out.append(s.substr(start, pos - start));
    out.append(with);
    start = pos + old.size();
  }
  out.append(s.substr(start));
  return out;
}

Out Replace(Args a) {
  for (int i = 0; i < 3; ++i) {
    if (!a[i].IsString()) return Out::OperandError(i + 1, "string", a[i]);
  }
  return Value::String(ReplaceAll(a[0].AsString(), a[1].AsString(), a[2].AsString()));
}

// Go's strings.Replacer, as OPA builds it from the pattern object: one pass
// over the text; at each position the first pattern (in key order) that
// matches is replaced, and replaced text is never scanned again.
Out ReplaceN(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  for (const ObjectEntry& e : a[0].ObjectEntries()) {
    if (!e.key.IsString()) return Out::TypeError("operand 1 non-string key found in pattern object");
    if (!e.value.IsString()) {
      return Out::TypeError("operand 1 non-string value found in pattern object");
    }
  }
  std::string_view s = a[1].AsString();
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const ObjectEntry* hit = nullptr;
    for (const ObjectEntry& e : a[0].ObjectEntries()) {
      std::string_view old = e.key.AsString();
      if (!old.empty() && s.substr(i).starts_with(old)) {
        hit = &e;
        break;
      }
    }
    if (hit == nullptr) {
      out += s[i++];
    } else {
      out += hit->value.AsString();
      i += hit->key.AsString().size();
    }
  }
  return Value::String(out);
}

// Code point index of byte offset `b` in s.
int64_t RuneIndex(std::string_view s, size_t b) {
  int64_t n = 0;
  for (size_t i = 0; i < b; ++i) n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return n;
}

Out IndexOf(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  size_t pos = a[0].AsString().find(a[1].AsString());
  if (pos == std::string_view::npos) return Value::Int(-1);
  return Value::Int(RuneIndex(a[0].AsString(), pos));
}

Out IndexOfN(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view s = a[0].AsString(), t = a[1].AsString();
  std::vector<Value> out;
  for (size_t pos = s.find(t); pos != std::string_view::npos; pos = s.find(t, pos + 1)) {
    out.push_back(Value::Int(RuneIndex(s, pos)));
    if (t.empty() && pos >= s.size()) break;
  }
  return Value::Array(std::move(out));
}

std::vector<std::string_view> Runes(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

Out Substring(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  if (!a[2].IsNumber()) return Out::OperandError(3, "number", a[2]);
  auto start = a[1].AsNumber().ToInt64();
  auto len = a[2].AsNumber().ToInt64();
  if (!start || !len) return Out::TypeError("operand 2 must be integer number");
  if (*start < 0) return Out::Error("negative offset");
  auto runes = Runes(a[0].AsString());
  if (*start >= static_cast<int64_t>(runes.size())) return Value::String("");
  size_t end = *len < 0 ? runes.size()
                        : static_cast<size_t>(std::min<int64_t>(*start + *len, runes.size()));
  std::string out;
  for (size_t i = static_cast<size_t>(*start); i < end; ++i) out.append(runes[i]);
  return Value::String(out);
}

Out Reverse(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  auto runes = Runes(a[0].AsString());
  std::string out;
  for (size_t i = runes.size(); i > 0; --i) out.append(runes[i - 1]);
  return Value::String(out);
}

// "" when v is a string or an array / set of strings, else the error text.
std::string CollectStrings(const Value& v, std::vector<std::string_view>& out) {
  if (v.IsString()) {
    out.push_back(v.AsString());
    return "";
  }
  if (!v.IsArray() && !v.IsSet()) {
    return std::string("must be one of {string, set, array} but got ") +
           std::string(KindName(v.kind()));
  }
  std::span<const Value> elems = v.IsArray() ? v.ArrayElems() : v.SetElems();
  for (const Value& e : elems) {
    if (!e.IsString()) {
      return std::string("must be ") + (v.IsArray() ? "array" : "set") + " of strings but got " +
             (v.IsArray() ? "array" : "set") + " containing " + std::string(KindName(e.kind()));
    }
    out.push_back(e.AsString());
  }
  return "";
}

template <bool kPrefix>
Out AnyMatch(Args a) {
  std::vector<std::string_view> xs, ps;
  std::string err = CollectStrings(a[0], xs);
  if (!err.empty()) return Out::TypeError("operand 1 " + err);
  err = CollectStrings(a[1], ps);
  if (!err.empty()) return Out::TypeError("operand 2 " + err);
  for (auto x : xs) {
    for (auto p : ps) {
      if (kPrefix ? x.starts_with(p) : x.ends_with(p)) return Value::Boolean(true);
    }
  }
  return Value::Boolean(false);
}

Out FormatInt(Args a) {
  if (!a[0].IsNumber()) return Out::OperandError(1, "number", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  auto base = a[1].AsNumber().ToInt64();
  if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16)) {
    return Out::TypeError("operand 2 must be one of {2, 8, 10, 16}");
  }
  const Number& x = a[0].AsNumber();
  std::optional<int64_t> v = x.ToInt64();
  if (!v && x.IsInteger()) {
    // Beyond int64: GMP converts the exact decimal digits.
    std::string dec = x.ToString();
    mpz_t z;
    if (mpz_init_set_str(z, dec.c_str(), 10) == 0) {
      std::string out(mpz_sizeinbase(z, static_cast<int>(*base)) + 2, '\0');
      mpz_get_str(out.data(), static_cast<int>(*base), z);
      mpz_clear(z);
      out.resize(std::char_traits<char>::length(out.c_str()));
      return Value::String(out);
    }
    mpz_clear(z);
  }
  std::optional<double> d = x.ToDouble();
  int64_t n = v ? *v : static_cast<int64_t>(d.value_or(0));  // truncates like OPA's big.Float.Int
  bool neg = n < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdef"[u % static_cast<uint64_t>(*base)]);
    u /= static_cast<uint64_t>(*base);
  } while (u != 0);
  if (neg) digits.insert(digits.begin(), '-');
  return Value::String(digits);
}

Out ArrayReverse(Args a) {
  if (!a[0].IsArray()) return Out::OperandError(1, "array", a[0]);
  std::vector<Value> v(a[0].ArrayElems().rbegin(), a[0].ArrayElems().rend());
  return Value::Array(std::move(v));
}

// Keys given as an array, set or object (its keys).
bool KeySet(const Value& v, std::vector<Value>& out) {
  if (v.IsArray()) {
    out.assign(v.ArrayElems().begin(), v.ArrayElems().end());
  } else if (v.IsSet()) {
    out.assign(v.SetElems().begin(), v.SetElems().end());
  } else if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) out.push_back(e.key);
  } else {
    return false;
  }
  return true;
}

template <bool kKeep>
Out ObjectFilter(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  std::vector<Value> keys;
  if (!KeySet(a[1], keys)) return Out::OperandError(2, "one of {object, set, array}", a[1]);
  Value ks = Value::Set(std::move(keys));
  ObjectBuilder b;
  for (const ObjectEntry& e : a[0].ObjectEntries()) {
    if (ks.Contains(e.key) == kKeep) b.Insert(e.key, e.value);
  }
  return std::move(b).Build();
}

Value MergeObjects(const Value& a, const Value& b) {
  ObjectBuilder out;
  for (const ObjectEntry& e : a.ObjectEntries()) {
    const Value* other = b.Find(e.key);
    if (other == nullptr) {
      out.Insert(e.key, e.value);
    } else if (e.value.IsObject() && other->IsObject()) {
      out.Insert(e.key, MergeObjects(e.value, *other));
    } else {
      out.Insert(e.key, *other);
    }
  }
  for (const ObjectEntry& e : b.ObjectEntries()) {
    if (a.Find(e.key) == nullptr) out.Insert(e.key, e.value);
  }
  return std::move(out).Build();
}

Out ObjectUnion(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (!a[1].IsObject()) return Out::OperandError(2, "object", a[1]);
  return MergeObjects(a[0], a[1]);
}

Out ObjectUnionN(Args a) {
  if (!a[0].IsArray()) return Out::OperandError(1, "array", a[0]);
  Value acc = Value::Object({});
  for (const Value& o : a[0].ArrayElems()) {
    if (!o.IsObject()) return Out::OperandError(1, "array of objects", a[0]);
    acc = MergeObjects(acc, o);
  }
  return acc;
}

template <bool kAll>
Out AnyAll(Args a) {
  std::span<const Value> elems;
  if (a[0].IsArray()) {
    elems = a[0].ArrayElems();
  } else if (a[0].IsSet()) {
    elems = a[0].SetElems();
  } else {
    return Out::OperandError(1, "one of {array, set}", a[0]);
  }
  for (const Value& e : elems) {
    bool t = e.IsBoolean() && e.AsBool();
    if (kAll && !t) return Value::Boolean(false);
    if (!kAll && t) return Value::Boolean(true);
  }
  return Value::Boolean(kAll);
}

}  // namespace

void RegisterCollectionBuiltins(BuiltinRegistry& r) {
  r.Add("trim", 2, Trim<0>);
  r.Add("trim_left", 2, Trim<1>);
  r.Add("trim_right", 2, Trim<2>);
  r.Add("trim_prefix", 2, Trim<3>);
  r.Add("trim_suffix", 2, Trim<4>);
  r.Add("trim_space", 1, TrimSpace);
  r.Add("replace", 3, Replace);
  r.Add("strings.replace_n", 2, ReplaceN);
  r.Add("indexof", 2, IndexOf);
  r.Add("indexof_n", 2, IndexOfN);
  r.Add("substring", 3, Substring);
  r.Add("strings.reverse", 1, Reverse);
  r.Add("strings.any_prefix_match", 2, AnyMatch<true>);
  r.Add("strings.any_suffix_match", 2, AnyMatch<false>);
  r.Add("format_int", 2, FormatInt);
  r.Add("array.reverse", 1, ArrayReverse);
  r.Add("object.remove", 2, ObjectFilter<false>);
  r.Add("object.filter", 2, ObjectFilter<true>);
  r.Add("object.union", 2, ObjectUnion);
  r.Add("object.union_n", 1, ObjectUnionN);
  r.Add("any", 1, AnyAll<false>);
  r.Add("all", 1, AnyAll<true>);
}

}  // namespace sluice::policy
