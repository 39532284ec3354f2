// Builtins that address parts of a document by path, or read a string by
// a small grammar: json.filter / json.remove / json.patch (JSON-pointer-like
// paths, as OPA's topdown/json.go applies them), units.parse /
// units.parse_bytes (exact decimal scaling), semver.is_valid /
// semver.compare (SemVer 2.0.0) and urlquery.* (Go's net/url escaping).
//
// walk is not here: it is a relation (one call, many [path, value]
// outputs) and builtins return one value.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/builtins.h"
#include "policy/number_ops.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// --- json.filter / json.remove ---------------------------------------------

// OPA's pathsToObject as a tree: a leaf means "the whole value here"; a
// shorter path wins over a longer one through it.
struct PathNode {
  bool leaf = false;
  std::map<Value, std::unique_ptr<PathNode>> children;
};

// One path operand element as path segments (OPA's parsePath): a string is
// split on "/" (leading slashes dropped, "~1" and "~0" unescaped), an array
// is used as is.
std::optional<std::vector<Value>> ParsePath(const Value& p) {
  std::vector<Value> segs;
  if (p.IsString()) {
    std::string_view s = p.AsString();
    if (s.empty()) return segs;
    while (!s.empty() && s.front() == '/') s.remove_prefix(1);
    size_t start = 0;
    while (true) {
      size_t slash = s.find('/', start);
      std::string part(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
      std::string unescaped;
      for (size_t i = 0; i < part.size(); ++i) {
        if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '1' || part[i + 1] == '0')) {
          unescaped += part[i + 1] == '1' ? '/' : '~';
          ++i;
        } else {
          unescaped += part[i];
        }
      }
      segs.push_back(Value::String(unescaped));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return segs;
  }
  if (p.IsArray()) {
    for (const Value& v : p.ArrayElems()) segs.push_back(v);
    return segs;
  }
  return std::nullopt;
}

// The tree of operand 2's paths, or an error outcome.
std::optional<Out> BuildPathTree(const Value& paths, PathNode& root) {
  if (!paths.IsSet() && !paths.IsArray()) return Out::OperandError(2, "one of {set, array}", paths);
  std::span<const Value> elems = paths.IsSet() ? paths.SetElems() : paths.ArrayElems();
  for (const Value& p : elems) {
    std::optional<std::vector<Value>> segs = ParsePath(p);
    if (!segs) {
      return Out::TypeError(
          "operand 2 must be one of {set, array} containing string paths or array of path "
          "segments but got " +
          std::string(KindName(p.kind())));
    }
    if (segs->empty()) continue;
    PathNode* node = &root;
    bool done = false;
    for (size_t i = 0; i + 1 < segs->size() && !done; ++i) {
      std::unique_ptr<PathNode>& child = node->children[(*segs)[i]];
      if (!child) child = std::make_unique<PathNode>();
      if (child->leaf) done = true;
      node = child.get();
    }
    if (done) continue;
    std::unique_ptr<PathNode>& last = node->children[segs->back()];
    last = std::make_unique<PathNode>();
    last->leaf = true;
  }
  return std::nullopt;
}

const PathNode* Child(const PathNode& n, const Value& key) {
  auto it = n.children.find(key);
  return it == n.children.end() ? nullptr : it->second.get();
}

// OPA's filterObject: keep what the tree names; array elements are named
// by their index as a string.
Value FilterValue(const Value& v, const PathNode& f) {
  if (f.leaf) return v;
  if (v.IsArray()) {
    ArrayBuilder out;
    auto elems = v.ArrayElems();
    for (size_t i = 0; i < elems.size(); ++i) {
      if (const PathNode* c = Child(f, Value::String(std::to_string(i)))) {
        out.Push(FilterValue(elems[i], *c));
      }
    }
    return std::move(out).Build();
  }
  if (v.IsSet()) {
    SetBuilder out;
    for (const Value& e : v.SetElems()) {
      if (const PathNode* c = Child(f, e)) out.Push(FilterValue(e, *c));
    }
    return std::move(out).Build();
  }
  if (v.IsObject()) {
    ObjectBuilder out;
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (const PathNode* c = Child(f, e.key)) out.Insert(e.key, FilterValue(e.value, *c));
    }
    return std::move(out).Build();
  }
  return v;
}

// OPA's jsonRemove: drop what the tree names (nullopt: v itself goes);
// array elements after a removed one shift left.
std::optional<Value> RemoveValue(const Value& v, const PathNode* f) {
  if (f == nullptr) return v;
  if (f->leaf) return std::nullopt;
  if (v.IsObject()) {
    ObjectBuilder out;
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (auto r = RemoveValue(e.value, Child(*f, e.key))) out.Insert(e.key, *r);
    }
    return std::move(out).Build();
  }
  if (v.IsSet()) {
    SetBuilder out;
    for (const Value& e : v.SetElems()) {
      if (auto r = RemoveValue(e, Child(*f, e))) out.Push(*r);
    }
    return std::move(out).Build();
  }
  if (v.IsArray()) {
    ArrayBuilder out;
    auto elems = v.ArrayElems();
    for (size_t i = 0; i < elems.size(); ++i) {
      if (auto r = RemoveValue(elems[i], Child(*f, Value::String(std::to_string(i))))) {
        out.Push(*r);
      }
    }
    return std::move(out).Build();
  }
  return v;
}

template <bool kFilter>
Out JsonFilterRemove(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  PathNode root;
  if (std::optional<Out> err = BuildPathTree(a[1], root)) return *err;
  if (kFilter) return FilterValue(a[0], root);
  std::optional<Value> r = RemoveValue(a[0], &root);
  if (!r) return Out::Undefined();
  return *r;
}

// --- json.patch ------------------------------------------------------------

enum class PatchOp { kAdd, kRemove, kReplace };

// An array index path segment: a string of digits without leading zeros or
// an integer number; "-" (one past the end) only when `dash_ok`.
std::optional<size_t> ArrayIndex(const Value& key, size_t len, bool dash_ok) {
  if (key.IsString()) {
    std::string_view s = key.AsString();
    if (s == "-" && dash_ok) return len;
    if (!AllDigits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 9) return std::nullopt;
    return static_cast<size_t>(std::stoul(std::string(s)));
  }
  if (key.IsNumber()) {
    std::optional<int64_t> i = key.AsNumber().ToInt64();
    if (!i || *i < 0) return std::nullopt;
    return static_cast<size_t>(*i);
  }
  return std::nullopt;
}

// The value at `path` (OPA's jsonPatchGet per segment), nullopt if absent.
std::optional<Value> PatchGet(const Value& doc, std::span<const Value> path) {
  Value cur = doc;
  for (const Value& key : path) {
    if (cur.IsObject()) {
      const Value* v = cur.Find(key);
      if (v == nullptr) return std::nullopt;
      cur = *v;
    } else if (cur.IsArray()) {
      std::optional<size_t> i = ArrayIndex(key, cur.size(), false);
      if (!i || *i >= cur.size()) return std::nullopt;
      cur = cur.ArrayElems()[*i];
    } else if (cur.IsSet()) {
      if (!cur.Contains(key)) return std::nullopt;
      cur = key;
    } else {
      return std::nullopt;
    }
  }
  return cur;
}

// Applies `op` at the last segment of `path` inside `doc`, rebuilding the
// containers on the way; nullopt when the operation does not apply.
std::optional<Value> PatchAt(const Value& doc, std::span<const Value> path, PatchOp op,
                             const Value& value) {
  const Value& key = path.front();
  bool last = path.size() == 1;
  if (doc.IsObject()) {
    const Value* child = doc.Find(key);
    std::vector<ObjectEntry> entries(doc.ObjectEntries().begin(), doc.ObjectEntries().end());
    if (!last) {
      if (child == nullptr) return std::nullopt;
      std::optional<Value> nv = PatchAt(*child, path.subspan(1), op, value);
      if (!nv) return std::nullopt;
      entries.push_back({key, *nv});
      return Value::Object(std::move(entries));
    }
    if (op != PatchOp::kAdd && child == nullptr) return std::nullopt;
    if (op == PatchOp::kRemove) {
      std::erase_if(entries, [&](const ObjectEntry& e) { return e.key == key; });
    } else {
      entries.push_back({key, value});
    }
    return Value::Object(std::move(entries));
  }
  if (doc.IsArray()) {
    std::vector<Value> elems(doc.ArrayElems().begin(), doc.ArrayElems().end());
    std::optional<size_t> i = ArrayIndex(key, elems.size(), last && op == PatchOp::kAdd);
    if (!i) return std::nullopt;
    if (!last) {
      if (*i >= elems.size()) return std::nullopt;
      std::optional<Value> nv = PatchAt(elems[*i], path.subspan(1), op, value);
      if (!nv) return std::nullopt;
      elems[*i] = *nv;
    } else if (op == PatchOp::kAdd) {
      if (*i > elems.size()) return std::nullopt;
      elems.insert(elems.begin() + static_cast<std::ptrdiff_t>(*i), value);
    } else {
      if (*i >= elems.size()) return std::nullopt;
      if (op == PatchOp::kRemove) {
        elems.erase(elems.begin() + static_cast<std::ptrdiff_t>(*i));
      } else {
        elems[*i] = value;
      }
    }
    return Value::Array(std::move(elems));
  }
  if (doc.IsSet()) {
    // A set element is its own key.
    std::vector<Value> elems(doc.SetElems().begin(), doc.SetElems().end());
    bool has = doc.Contains(key);
    if (!last) {
      if (!has) return std::nullopt;
      std::optional<Value> nv = PatchAt(key, path.subspan(1), op, value);
      if (!nv) return std::nullopt;
      std::erase_if(elems, [&](const Value& e) { return e == key; });
      elems.push_back(*nv);
      return Value::Set(std::move(elems));
    }
    if (op != PatchOp::kAdd && !has) return std::nullopt;
    if (op != PatchOp::kRemove && !(key == value)) return std::nullopt;
    if (op == PatchOp::kRemove) std::erase_if(elems, [&](const Value& e) { return e == key; });
    if (op == PatchOp::kAdd) elems.push_back(value);
    return Value::Set(std::move(elems));
  }
  return std::nullopt;
}

std::optional<Value> PatchApply(const Value& doc, std::span<const Value> path, PatchOp op,
                                const Value& value) {
  if (path.empty()) {
    if (op == PatchOp::kRemove) return std::nullopt;
    return value;
  }
  return PatchAt(doc, path, op, value);
}

Out JsonPatch(Args a) {
  if (!a[1].IsArray()) return Out::OperandError(2, "array", a[1]);
  Value target = a[0];
  const std::string bad = "operand 2 must be an array of JSON-Patch objects";
  for (const Value& p : a[1].ArrayElems()) {
    if (!p.IsObject()) return Out::TypeError(bad);
    auto attr = [&p](std::string_view name) { return p.Find(name); };
    auto missing = [](std::string_view name) {
      return Out::TypeError("operand 2 patch is missing '" + std::string(name) + "' attribute");
    };
    const Value* op = attr("op");
    if (op == nullptr) return missing("op");
    if (!op->IsString()) return Out::TypeError("operand 2 patch attribute 'op' must be a string");
    const Value* path_v = attr("path");
    if (path_v == nullptr) return missing("path");
    std::optional<std::vector<Value>> path = ParsePath(*path_v);
    if (!path) return Out::TypeError(bad);
    std::string_view name = op->AsString();
    std::optional<Value> next;
    if (name == "add" || name == "replace" || name == "test") {
      const Value* value = attr("value");
      if (value == nullptr) return missing("value");
      if (name == "test") {
        std::optional<Value> got = PatchGet(target, *path);
        if (got && *got == *value) next = target;
      } else {
        next = PatchApply(target, *path, name == "add" ? PatchOp::kAdd : PatchOp::kReplace, *value);
      }
    } else if (name == "remove") {
      next = PatchApply(target, *path, PatchOp::kRemove, Value());
    } else if (name == "move" || name == "copy") {
      const Value* from_v = attr("from");
      if (from_v == nullptr) return missing("from");
      std::optional<std::vector<Value>> from = ParsePath(*from_v);
      if (!from) return Out::TypeError(bad);
      std::optional<Value> moved = PatchGet(target, *from);
      if (moved) {
        std::optional<Value> base = target;
        if (name == "move") base = PatchApply(target, *from, PatchOp::kRemove, Value());
        if (base) next = PatchApply(*base, *path, PatchOp::kAdd, *moved);
      }
    } else {
      return Out::TypeError(bad);
    }
    // Patches apply atomically: one failing makes the result undefined.
    if (!next) return Out::Undefined();
    target = *next;
  }
  return target;
}

// --- units -----------------------------------------------------------------

// A number with an optional decimal exponent and a unit suffix, e.g.
// "2.5e3Ki" (OPA's extractNumAndUnit): "e"/"E" starts an exponent only
// when a digit (after an optional sign) follows, else it is the exa unit.
struct Amount {
  std::string mantissa;  // [-+]digits and dots, possibly empty
  std::string exponent;  // [-+]digits or empty
  std::string unit;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Amount SplitAmount(std::string_view s) {
  Amount a;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) ++i;
  a.mantissa = s.substr(0, i);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
    if (j < s.size() && IsDigit(s[j])) {
      while (j < s.size() && IsDigit(s[j])) ++j;
      a.exponent = s.substr(i + 1, j - i - 1);
      i = j;
    }
  }
  a.unit = s.substr(i);
  return a;
}

Number Pow(int64_t base, int times) {
  Number n = Number::FromInt(1);
  for (int i = 0; i < times; ++i) n = *Multiply(n, Number::FromInt(base));
  return n;
}

// mantissa * 10^exponent * multiplier (a negative multiplier divides),
// exactly: the digits are scaled as an integer, so "0.0005K" is 0.5.
Result<Number> ScaleAmount(const Amount& a, const Number& multiplier) {
  std::string m = a.mantissa;
  bool negative = false;
  if (!m.empty() && (m[0] == '-' || m[0] == '+')) {
    negative = m[0] == '-';
    m.erase(0, 1);
  }
  size_t dot = m.find('.');
  if (m.find_first_of("0123456789") == std::string::npos ||
      (dot != std::string::npos && m.find('.', dot + 1) != std::string::npos)) {
    return Status::InvalidArgument("parse");
  }
  int64_t scale = 0;  // value = digits * 10^scale
  if (dot != std::string::npos) {
    scale = -static_cast<int64_t>(m.size() - dot - 1);
    m.erase(dot, 1);
  }
  if (!a.exponent.empty()) {
    std::string digits = a.exponent;
    bool neg_exp = digits[0] == '-';
    if (digits[0] == '-' || digits[0] == '+') digits.erase(0, 1);
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    if (digits.size() > 4 || std::stoi(digits) > 1000) {
      return Status::InvalidArgument("exponent too large");
    }
    scale += neg_exp ? -std::stoi(digits) : std::stoi(digits);
  }
  while (m.size() > 1 && m[0] == '0') m.erase(0, 1);
  Result<Number> n = Number::Parse(m);
  if (!n.ok()) return Status::InvalidArgument("parse");
  Number v = negative ? Negate(*n) : *n;
  Result<Number> scaled = multiplier.Sign() < 0 ? Divide(v, Negate(multiplier))
                                                : Multiply(v, multiplier);
  if (!scaled.ok()) return scaled;
  if (scale >= 0) return Multiply(*scaled, Pow(10, static_cast<int>(scale)));
  return Divide(*scaled, Pow(10, static_cast<int>(-scale)));
}


// The multiplier of a unit: "k" 1000, "ki" 1024, ... "ei" 1024^6.
std::optional<Number> BinaryOrDecimal(std::string_view unit) {
  static constexpr std::string_view kPrefixes = "kmgtpe";
  if (unit.empty() || unit.size() > 2) return std::nullopt;
  size_t power = kPrefixes.find(unit[0]);
  if (power == std::string_view::npos) return std::nullopt;
  if (unit.size() == 1) return Pow(1000, static_cast<int>(power) + 1);
  if (unit[1] != 'i') return std::nullopt;
  return Pow(1024, static_cast<int>(power) + 1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

template <bool kBytes>
Out UnitsParse(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string s;
  for (char c : a[0].AsString()) {
    if (c != '"') s += c;
  }
  if (kBytes) s = Lower(s);
  if (s.find(' ') != std::string::npos) return Out::Error("spaces not allowed in resource strings");
  Amount amount = SplitAmount(s);
  if (amount.mantissa.empty() || amount.mantissa == "-" || amount.mantissa == "+") return Out::Error(kBytes ? "no byte amount provided" : "no amount provided");
  std::optional<Number> mult;
  if (kBytes) {
    std::string u = amount.unit;
    if (u.ends_with('b') && u.size() > 1) u.pop_back();  // "kb", "kib"
    mult = u.empty() ? std::optional<Number>(Number::FromInt(1)) : BinaryOrDecimal(u);
    if (!mult) return Out::Error("byte unit " + amount.unit + " not recognized");
  } else {
    // Only the first letter keeps its case: "m" is milli, "M" mega.
    std::string u = amount.unit;
    if (u.size() > 1) u = u.substr(0, 1) + Lower(u.substr(1));
    if (u.empty()) {
      mult = Number::FromInt(1);
    } else if (u == "m") {
      mult = Number::FromInt(-1000);  // milli: divide (0.001 is not exact)
    } else {
      mult = BinaryOrDecimal(Lower(u));  // "M" is mega here
    }
    if (!mult) return Out::Error("unit " + amount.unit + " not recognized");
  }
  Result<Number> n = ScaleAmount(amount, *mult);
  if (!n.ok()) {
    if (n.status().message() == "exponent too large") return Out::Error("exponent too large");
    return Out::Error(kBytes ? "could not parse byte amount to a number"
                             : "could not parse amount to a number");
  }
  if (!kBytes) return Value(*n);
  Result<Number> whole = n->Sign() < 0 ? Ceil(*n) : Floor(*n);  // truncate like big.Float.Int
  if (!whole.ok()) return Out::Error("could not parse byte amount to a number");
  return Value(*whole);
}

// --- semver ----------------------------------------------------------------

struct SemVer {
  std::string major, minor, patch;  // digits, no leading zeros
  std::vector<std::string> pre;
};

bool IdentChars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

// SemVer 2.0.0: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
std::optional<SemVer> ParseSemVer(std::string_view s) {
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    for (std::string_view id : Split(s.substr(plus + 1), '.')) {
      if (!IdentChars(id)) return std::nullopt;
    }
    s = s.substr(0, plus);
  }
  SemVer v;
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    for (std::string_view id : Split(s.substr(dash + 1), '.')) {
      if (!IdentChars(id)) return std::nullopt;
      if (AllDigits(id) && id.size() > 1 && id[0] == '0') return std::nullopt;
      v.pre.emplace_back(id);
    }
    s = s.substr(0, dash);
  }
  std::vector<std::string_view> nums = Split(s, '.');
  if (nums.size() != 3) return std::nullopt;
  for (std::string_view n : nums) {
    if (!AllDigits(n) || (n.size() > 1 && n[0] == '0')) return std::nullopt;
  }
  v.major = nums[0];
  v.minor = nums[1];
  v.patch = nums[2];
  return v;
}

// Digit strings without leading zeros, compared as numbers.
int CompareDigits(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (int c = CompareDigits(a.major, b.major)) return c;
  if (int c = CompareDigits(a.minor, b.minor)) return c;
  if (int c = CompareDigits(a.patch, b.patch)) return c;
  if (a.pre.empty() || b.pre.empty()) {
    if (a.pre.empty() == b.pre.empty()) return 0;
    return a.pre.empty() ? 1 : -1;  // a release is after its pre-releases
  }
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    bool an = AllDigits(a.pre[i]), bn = AllDigits(b.pre[i]);
    int c = 0;
    if (an && bn) {
      c = CompareDigits(a.pre[i], b.pre[i]);
    } else if (an != bn) {
      c = an ? -1 : 1;  // numeric identifiers sort first
    } else {
      int s = a.pre[i].compare(b.pre[i]);
      c = s < 0 ? -1 : (s > 0 ? 1 : 0);
    }
    if (c != 0) return c;
  }
  if (a.pre.size() == b.pre.size()) return 0;
  return a.pre.size() < b.pre.size() ? -1 : 1;
}

Out SemVerIsValid(Args a) {
  return Value::Boolean(a[0].IsString() && ParseSemVer(a[0].AsString()).has_value());
}

Out SemVerCompare(Args a) {
  std::optional<SemVer> v[2];
  for (int i = 0; i < 2; ++i) {
    if (!a[i].IsString()) return Out::OperandError(i + 1, "string", a[i]);
    v[i] = ParseSemVer(a[i].AsString());
    if (!v[i]) {
      return Out::Error("operand " + std::to_string(i + 1) + ": string \"" +
                        std::string(a[i].AsString()) + "\" is not a valid SemVer");
    }
  }
  return Value::Int(CompareSemVer(*v[0], *v[1]));
}

// --- urlquery --------------------------------------------------------------

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape; on failure *err holds Go's message.
std::optional<std::string> QueryUnescape(std::string_view s, std::string* err) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexDigit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *err = "invalid URL escape \"" + std::string(s.substr(i, 3)) + "\"";
        return std::nullopt;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Out UrlEncode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::String(QueryEscape(a[0].AsString()));
}

Out UrlDecode(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string err;
  std::optional<std::string> s = QueryUnescape(a[0].AsString(), &err);
  if (!s) return Out::Error(err);
  return Value::String(*s);
}

// Go's url.Values.Encode: keys in order (objects are sorted already), each
// value as key=value, joined by "&".
Out UrlEncodeObject(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  std::string out;
  auto add = [&out](std::string_view k, std::string_view v) {
    if (!out.empty()) out += '&';
    out += QueryEscape(k);
    out += '=';
    out += QueryEscape(v);
  };
  for (const ObjectEntry& e : a[0].ObjectEntries()) {
    if (!e.key.IsString()) return Out::OperandError(1, "object[string: any]", a[0]);
    std::string_view k = e.key.AsString();
    if (e.value.IsString()) {
      add(k, e.value.AsString());
      continue;
    }
    if (!e.value.IsArray() && !e.value.IsSet()) {
      return Out::OperandError(1, "object[string: string|array|set]", a[0]);
    }
    auto elems = e.value.IsArray() ? e.value.ArrayElems() : e.value.SetElems();
    for (const Value& v : elems) {
      if (!v.IsString()) return Out::OperandError(1, "object[string: array[string]]", a[0]);
      add(k, v.AsString());
    }
  }
  return Value::String(out);
}

// Go's url.ParseQuery: "&"-separated key=value pairs, values collected per
// key in order.
Out UrlDecodeObject(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::map<std::string, std::vector<Value>> values;
  std::string_view s = a[0].AsString();
  if (!s.empty()) {
    for (std::string_view pair : Split(s, '&')) {
      if (pair.empty()) continue;
      if (pair.find(';') != std::string_view::npos) {
        return Out::Error("invalid semicolon separator in query");
      }
      size_t eq = pair.find('=');
      std::string_view k = pair.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      std::string err;
      std::optional<std::string> key = QueryUnescape(k, &err);
      if (!key) return Out::Error(err);
      std::optional<std::string> val = QueryUnescape(v, &err);
      if (!val) return Out::Error(err);
      values[*key].push_back(Value::String(*val));
    }
  }
  ObjectBuilder out;
  for (auto& [k, vs] : values) out.Insert(Value::String(k), Value::Array(std::move(vs)));
  return std::move(out).Build();
}

}  // namespace

void RegisterJsonPathBuiltins(BuiltinRegistry& r) {
  r.Add("json.filter", 2, JsonFilterRemove<true>);
  r.Add("json.remove", 2, JsonFilterRemove<false>);
  r.Add("json.patch", 2, JsonPatch);
  r.Add("semver.is_valid", 1, SemVerIsValid);
  r.Add("semver.compare", 2, SemVerCompare);
  r.Add("units.parse", 1, UnitsParse<false>);
  r.Add("units.parse_bytes", 1, UnitsParse<true>);
  r.Add("urlquery.encode", 1, UrlEncode);
  r.Add("urlquery.decode", 1, UrlDecode);
  r.Add("urlquery.encode_object", 1, UrlEncodeObject);
  r.Add("urlquery.decode_object", 1, UrlDecodeObject);
}

}  // namespace sluice::policy
