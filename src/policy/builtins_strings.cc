// String builtins: concat, contains, startswith, endswith, lower, upper,
// split, sprintf (%v %s %d, basic).
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "policy/builtins.h"
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
}

}  // namespace sluice::policy
