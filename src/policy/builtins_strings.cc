// String builtins: concat, contains, startswith, endswith, lower, upper,
// split, sprintf (%v %s %d, basic), strings.replace_n, format_int.
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/number_ops.h"
#include "policy/value_json.h"
#include "policy/value_print.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

Out Concat(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::span<const Value> elems;
  if (a[1].IsArray()) {
    elems = a[1].ArrayElems();
  } else if (a[1].IsSet()) {
    elems = a[1].SetElems();
  } else {
    return Out::OperandError(2, "one of {array, set}", a[1]);
  }
  std::string out;
  bool first = true;
  for (const Value& e : elems) {
    if (!e.IsString()) return Out::OperandError(2, "array or set of strings", a[1]);
    if (!first) out += a[0].AsString();
    out += e.AsString();
    first = false;
  }
  return Value::String(out);
}

template <int kMode>  // 0 contains, 1 startswith, 2 endswith
Out StringTest(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view s = a[0].AsString(), t = a[1].AsString();
  bool r = kMode == 0 ? s.find(t) != std::string_view::npos
                      : (kMode == 1 ? s.starts_with(t) : s.ends_with(t));
  return Value::Boolean(r);
}

template <bool kUpper>
Out Case(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string s(a[0].AsString());
  for (char& c : s) {
    c = static_cast<char>(kUpper ? std::toupper(static_cast<unsigned char>(c))
                                 : std::tolower(static_cast<unsigned char>(c)));
  }
  return Value::String(s);
}

Out Split(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  std::string_view s = a[0].AsString(), d = a[1].AsString();
  std::vector<Value> parts;
  if (d.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      parts.push_back(Value::String(s.substr(i, n)));
      i += n;
    }
    return Value::Array(std::move(parts));
  }
  size_t start = 0;
  while (true) {
    size_t pos = s.find(d, start);
    if (pos == std::string_view::npos) break;
    parts.push_back(Value::String(s.substr(start, pos - start)));
    start = pos + d.size();
  }
  parts.push_back(Value::String(s.substr(start)));
  return Value::Array(std::move(parts));
}

// %v prints Rego-ish values (strings bare), %s strings bare and others as
// %v, %d integers; flags and widths are not supported.
Out Sprintf(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsArray()) return Out::OperandError(2, "array", a[1]);
  std::string_view f = a[0].AsString();
  auto args = a[1].ArrayElems();
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%' || i + 1 == f.size()) {
      out += f[i];
      continue;
    }
    size_t spec_start = i;
    while (i + 1 < f.size() && std::string_view("+- #0123456789.").find(f[i + 1]) != std::string_view::npos) ++i;
    std::string spec(f.substr(spec_start, i + 1 - spec_start));
    if (i + 1 >= f.size()) {
      out += spec;
      break;
    }
    char verb = f[++i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next >= args.size()) {
      out += "%!";
      out += verb;
      out += "(MISSING)";
      continue;
    }
    const Value& v = args[next++];
    char buf[128];
    if (v.IsNumber() && (verb == 'd' || verb == 'x' || verb == 'X') && v.AsNumber().ToInt64()) {
      std::string fmt = spec + "ll" + verb;
      std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<long long>(*v.AsNumber().ToInt64()));
      out += buf;
      continue;
    }
    if (v.IsNumber() && (verb == 'f' || verb == 'e' || verb == 'g') && v.AsNumber().ToDouble()) {
      std::string fmt = spec + verb;
      std::snprintf(buf, sizeof buf, fmt.c_str(), *v.AsNumber().ToDouble());
      out += buf;
      continue;
    }
    if (v.IsString() && (verb == 's' || verb == 'v')) {
      out += v.AsString();
    } else if (v.IsNumber()) {
      out += v.AsNumber().ToString();
    } else {
      AppendRego(out, v);
    }
  }
  return Value::String(out);
}

// strings.replace_n as Go's strings.Replacer with the pairs in key order:
// one pass over s; at each position the first key (in order) that matches
// wins, and replaced text is not looked at again. An empty key matches
// everywhere, so its value goes before every byte and at the end.
Out ReplaceN(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  for (const ObjectEntry& e : a[0].ObjectEntries()) {
    if (!e.key.IsString()) return Out::TypeError("operand 1 non-string key found in pattern object");
    if (!e.value.IsString()) return Out::TypeError("operand 1 non-string value found in pattern object");
  }
  std::string_view s = a[1].AsString();
  std::string out;
  for (size_t i = 0; i <= s.size();) {
    bool replaced = false;
    for (const ObjectEntry& e : a[0].ObjectEntries()) {
      std::string_view from = e.key.AsString();
      if (!s.substr(i).starts_with(from)) continue;
      out += e.value.AsString();
      if (!from.empty()) {
        i += from.size();
        replaced = true;
      }
      break;
    }
    if (!replaced) {
      if (i < s.size()) out += s[i];
      ++i;
    }
  }
  return Value::String(out);
}

// format_int(x, base): x truncated toward zero, in base 2, 8, 10 or 16.
Out FormatInt(Args a) {
  if (!a[0].IsNumber()) return Out::OperandError(1, "number", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  auto base = a[1].AsNumber().ToInt64();
  if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16)) {
    return Out::TypeError("operand 2 must be one of {2, 8, 10, 16}");
  }
  // Truncated toward zero exactly (OPA's big.Float.Int), then converted
  // from its decimal digits by long division, so any size works.
  const Number& x = a[0].AsNumber();
  Result<Number> whole = x.Sign() < 0 ? Ceil(x) : Floor(x);
  if (!whole.ok()) return Out::Error(whole.status().message());
  std::string decimal = whole->ToString();
  bool neg = !decimal.empty() && decimal[0] == '-';
  if (neg) decimal.erase(0, 1);
  const auto b = static_cast<unsigned>(*base);
  std::string digits;
  while (true) {
    std::string quotient;
    unsigned rem = 0;
    for (char c : decimal) {
      rem = rem * 10 + static_cast<unsigned>(c - '0');
      if (!quotient.empty() || rem / b != 0) quotient += static_cast<char>('0' + rem / b);
      rem %= b;
    }
    digits.insert(digits.begin(), "0123456789abcdef"[rem]);
    if (quotient.empty()) break;
    decimal = std::move(quotient);
  }
  if (neg && digits != "0") digits.insert(digits.begin(), '-');
  return Value::String(digits);
}

}  // namespace

void RegisterStringBuiltins(BuiltinRegistry& r) {
  r.Add("concat", 2, Concat);
  r.Add("contains", 2, StringTest<0>);
  r.Add("startswith", 2, StringTest<1>);
  r.Add("endswith", 2, StringTest<2>);
  r.Add("lower", 1, Case<false>);
  r.Add("upper", 1, Case<true>);
  r.Add("split", 2, Split);
  r.Add("sprintf", 2, Sprintf);
  r.Add("strings.replace_n", 2, ReplaceN);
  r.Add("format_int", 2, FormatInt);
}

}  // namespace sluice::policy
