// The predefined functions of Go text/template (go_template_internal.h),
// with Go's error messages.
#include <cstdio>
#include <string>

#include "policy/go_template_internal.h"

namespace sluice::policy::gotmpl {
namespace {

using Args = std::span<const TVal>;

[[noreturn]] void Fail(std::string_view fn, std::string_view message) {
  throw ExecError("error calling " + std::string(fn) + ": " + std::string(message));
}

void WantArgs(std::string_view fn, Args a, size_t n, bool at_least = false) {
  if (a.size() == n || (at_least && a.size() > n)) return;
  throw ExecError("wrong number of args for " + std::string(fn) + ": want " + (at_least ? "at least " : "") +
                  std::to_string(n) + " got " + std::to_string(a.size()));
}

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString };

BasicKind KindOf(const TVal& v) {
  switch (v.t) {
    case TVal::T::kBool: return BasicKind::kBool;
    case TVal::T::kInt: return BasicKind::kInt;
    case TVal::T::kFloat: return BasicKind::kFloat;
    case TVal::T::kString:
    case TVal::T::kNumber: return BasicKind::kString;
    default: return BasicKind::kInvalid;
  }
}

constexpr std::string_view kBadComparison = "incompatible types for comparison";
constexpr std::string_view kBadComparisonType = "invalid type for comparison";

bool Eq(std::string_view fn, Args a) {
  if (a.size() < 2) Fail(fn, "missing argument for comparison");
  const TVal& x = a[0];
  for (const TVal& y : a.subspan(1)) {
    BasicKind kx = KindOf(x), ky = KindOf(y);
    bool truth = false;
    if (kx != ky || (kx == BasicKind::kInvalid && (x.IsInvalid() != y.IsInvalid()))) {
      if (!x.IsInvalid() && !y.IsInvalid()) Fail(fn, kBadComparison);
    } else {
      switch (kx) {
        case BasicKind::kBool: truth = x.b == y.b; break;
        case BasicKind::kInt: truth = x.i == y.i; break;
        case BasicKind::kFloat: truth = x.f == y.f; break;
        case BasicKind::kString: truth = x.s == y.s; break;
        case BasicKind::kInvalid:
          if (x.IsInvalid() && y.IsInvalid()) {
            truth = true;
          } else if (x.t != y.t) {
            Fail(fn, "non-comparable types " + FormatV(x) + ": " + std::string(GoTypeName(x)) + ", " +
                         std::string(GoTypeName(y)) + ": " + FormatV(y));
          } else {
            Fail(fn, "non-comparable type " + FormatV(y) + ": " + std::string(GoTypeName(y)));
          }
          break;
      }
    }
    if (truth) return true;
  }
  return false;
}

bool Less(std::string_view fn, const TVal& x, const TVal& y) {
  BasicKind kx = KindOf(x), ky = KindOf(y);
  if (kx == BasicKind::kInvalid || ky == BasicKind::kInvalid) Fail(fn, kBadComparisonType);
  if (kx != ky) Fail(fn, kBadComparison);
  switch (kx) {
    case BasicKind::kInt: return x.i < y.i;
    case BasicKind::kFloat: return x.f < y.f;
    case BasicKind::kString: return x.s < y.s;
    default: Fail(fn, kBadComparisonType);
  }
}

TVal Len(Args a) {
  WantArgs("len", a, 1);
  const TVal& v = a[0];
  if (v.IsInvalid()) Fail("len", "len of nil pointer");
  if (v.IsStringKind()) return TVal::Int(static_cast<int64_t>(v.s.size()));
  if (v.t == TVal::T::kArray || v.t == TVal::T::kMap) return TVal::Int(static_cast<int64_t>(v.v.size()));
  Fail("len", "len of type " + std::string(GoTypeName(v)));
}

TVal Index(Args a) {
  WantArgs("index", a, 1, true);
  TVal item = a[0];
  if (item.IsInvalid()) Fail("index", "index of untyped nil");
  for (const TVal& key : a.subspan(1)) {
    if (item.IsInvalid()) Fail("index", "index of nil pointer");
    if (item.t == TVal::T::kArray || item.IsStringKind()) {
      if (key.IsInvalid()) Fail("index", "cannot index slice/array with nil");
      if (key.t != TVal::T::kInt) Fail("index", "cannot index slice/array with type " + std::string(GoTypeName(key)));
      int64_t n = item.IsStringKind() ? static_cast<int64_t>(item.s.size()) : static_cast<int64_t>(item.v.size());
      if (key.i < 0 || key.i >= n) Fail("index", "index out of range: " + std::to_string(key.i));
      size_t i = static_cast<size_t>(key.i);
      item = item.IsStringKind() ? TVal::Int(static_cast<unsigned char>(item.s[i])) : Elements(item)[i];
    } else if (item.t == TVal::T::kMap) {
      if (key.IsInvalid()) Fail("index", "value is nil; should be of type string");
      if (key.t != TVal::T::kString) {
        Fail("index", "value has type " + std::string(GoTypeName(key)) + "; should be string");
      }
      const Value* found = item.v.Find(key.s);
      item = found ? TVal::From(*found) : TVal::Nil();  // Go's zero value of `any`
    } else {
      Fail("index", "can't index item of type " + std::string(GoTypeName(item)));
    }
  }
  return item;
}

// An index argument of slice: an int within [0, cap].
size_t SliceIndex(const TVal& key, size_t cap) {
  if (key.IsInvalid()) Fail("slice", "cannot index slice/array with nil");
  if (key.t != TVal::T::kInt) Fail("slice", "cannot index slice/array with type " + std::string(GoTypeName(key)));
  if (key.i < 0 || static_cast<uint64_t>(key.i) > cap) Fail("slice", "index out of range: " + std::to_string(key.i));
  return static_cast<size_t>(key.i);
}

TVal Slice(Args a) {
  WantArgs("slice", a, 1, true);
  const TVal& item = a[0];
  if (item.IsInvalid()) Fail("slice", "slice of untyped nil");
  if (a.size() > 4) Fail("slice", "too many slice indexes: " + std::to_string(a.size() - 1));
  if (!item.IsStringKind() && item.t != TVal::T::kArray) {
    Fail("slice", "can't slice item of type " + std::string(GoTypeName(item)));
  }
  if (item.IsStringKind() && a.size() == 4) Fail("slice", "cannot 3-index slice a string");
  size_t len = item.IsStringKind() ? item.s.size() : item.v.size();
  size_t idx[3] = {0, len, len};
  for (size_t i = 1; i < a.size(); ++i) idx[i - 1] = SliceIndex(a[i], len);
  // item[i:j] needs i <= j; item[i:j:k] also j <= k.
  for (size_t i = 0; i < (a.size() == 4 ? 2u : 1u); ++i) {
    if (idx[i] > idx[i + 1]) {
      Fail("slice", "invalid slice index: " + std::to_string(idx[i]) + " > " + std::to_string(idx[i + 1]));
    }
  }
  TVal out = item;
  if (item.IsStringKind()) {
    out.s = item.s.substr(idx[0], idx[1] - idx[0]);
    return out;
  }
  std::span<const Value> elems = item.v.IsSet() ? item.v.SetElems() : item.v.ArrayElems();
  out.v = Value::Array(std::vector<Value>(elems.begin() + static_cast<std::ptrdiff_t>(idx[0]),
                                          elems.begin() + static_cast<std::ptrdiff_t>(idx[1])));
  return out;
}

// The text the escapers work on: a lone string as is, else fmt.Sprint.
std::string EscaperInput(Args a) {
  if (a.size() == 1 && a[0].t == TVal::T::kString) return a[0].s;
  return Sprint(a);
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\uFFFD"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Js(std::string_view s) {
  std::string out;
  char buf[8];
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '<': out += "\\u003C"; break;
      case '>': out += "\\u003E"; break;
      case '&': out += "\\u0026"; break;
      case '=': out += "\\u003D"; break;
      default:
        if (c < ' ') {
          snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string UrlQuery(std::string_view s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

constexpr std::string_view kFunctions[] = {"not", "len",   "index", "eq",   "ne", "lt",       "le", "gt",
                                           "ge",  "print", "println", "printf", "html", "js", "urlquery", "slice"};

}  // namespace

bool IsFunction(std::string_view name) {
  for (std::string_view f : kFunctions) {
    if (f == name) return true;
  }
  return false;
}

TVal CallFunction(std::string_view name, std::span<const TVal> a) {
  if (name == "not") {
    WantArgs(name, a, 1);
    return TVal::Bool(!Truth(a[0]));
  }
  if (name == "len") return Len(a);
  if (name == "index") return Index(a);
  if (name == "slice") return Slice(a);
  if (name == "eq") {
    WantArgs(name, a, 1, true);
    return TVal::Bool(Eq(name, a));
  }
  if (name == "ne") {
    WantArgs(name, a, 2);
    return TVal::Bool(!Eq(name, a));
  }
  if (name == "lt" || name == "le" || name == "gt" || name == "ge") {
    WantArgs(name, a, 2);
    bool less = Less(name, a[0], a[1]);
    if (name == "lt") return TVal::Bool(less);
    if (name == "ge") return TVal::Bool(!less);
    bool equal = Eq(name, a);
    return TVal::Bool(name == "le" ? less || equal : !less && !equal);
  }
  if (name == "print") return TVal::Str(Sprint(a));
  if (name == "println") return TVal::Str(Sprintln(a));
  if (name == "printf") {
    WantArgs(name, a, 1, true);
    if (a[0].t != TVal::T::kString) {
      throw ExecError("wrong type for value; expected string; got " + std::string(GoTypeName(a[0])));
    }
    return TVal::Str(Sprintf(a[0].s, a.subspan(1)));
  }
  if (name == "html") return TVal::Str(Html(EscaperInput(a)));
  if (name == "js") return TVal::Str(Js(EscaperInput(a)));
  return TVal::Str(UrlQuery(EscaperInput(a)));
}

}  // namespace sluice::policy::gotmpl
