#include "policy/yaml_value.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sluice::policy {

namespace {

// As ParseJson: deeper documents are refused rather than overflowing the
// stack (yaml-cpp can also hand back alias cycles, which would never end).
constexpr int kMaxDepth = 10000;

// yaml-cpp expands !!x to this; "?" marks a plain scalar (or an untagged
// collection), "!" a quoted or block scalar.
constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

bool HasTag(const std::string& tag, std::string_view name) {
  return tag.size() == kTagPrefix.size() + name.size() &&
         std::string_view(tag).substr(0, kTagPrefix.size()) == kTagPrefix &&
         std::string_view(tag).substr(kTagPrefix.size()) == name;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t SkipDigits(std::string_view s, size_t i) {
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i;
}

// "-007" -> "-7", "+0" -> "0": the JSON spelling of a decimal integer part.
std::string JsonIntegerPart(bool negative, std::string_view digits) {
  size_t first = digits.find_first_not_of('0');
  std::string out = negative ? "-" : "";
  if (first == std::string_view::npos) return out + "0";
  out.append(digits.substr(first));
  return out;
}

std::optional<uint64_t> ParseRadix(std::string_view digits, int radix) {
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (IsDigit(c)) {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= radix) return std::nullopt;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(radix)) {
      return std::nullopt;
    }
    v = v * static_cast<uint64_t>(radix) + static_cast<uint64_t>(d);
  }
  return v;
}

// The JSON text of a core-schema int or float, or nullopt when `s` is not
// one. Grammar: [-+]? ( \.[0-9]+ | [0-9]+ (\.[0-9]*)? ) ([eE][-+]?[0-9]+)?
std::optional<std::string> CoreNumberText(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  size_t int_begin = i;
  i = SkipDigits(s, i);
  std::string_view int_digits = s.substr(int_begin, i - int_begin);
  bool has_point = i < s.size() && s[i] == '.';
  std::string_view frac_digits;
  if (has_point) {
    size_t frac_begin = ++i;
    i = SkipDigits(s, i);
    frac_digits = s.substr(frac_begin, i - frac_begin);
  }
  if (int_digits.empty() && frac_digits.empty()) return std::nullopt;
  std::string_view exponent;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t exp_begin = i++;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t digits_begin = i;
    i = SkipDigits(s, i);
    if (i == digits_begin) return std::nullopt;
    exponent = s.substr(exp_begin);
  }
  if (i != s.size()) return std::nullopt;
  std::string out = JsonIntegerPart(negative, int_digits);
  if (has_point) {
    out += '.';
    out += frac_digits.empty() ? std::string_view("0") : frac_digits;
  }
  out += exponent;
  return out;
}

bool IsInfOrNan(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
    return s == ".inf" || s == ".Inf" || s == ".INF";
  }
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

bool IsNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> BoolText(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// A core-schema integer or float; nullopt when `s` is neither.
std::optional<Result<Value>> NumberOf(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    std::optional<uint64_t> v = ParseRadix(s.substr(2), s[1] == 'x' ? 16 : 8);
    if (!v) {
      bool digits_ok = ParseRadix(s.substr(2, 1), s[1] == 'x' ? 16 : 8).has_value();
      if (!digits_ok) return std::nullopt;  // e.g. "0xyz": a string
      return Result<Value>(
          Status::InvalidArgument("integer " + std::string(s) + " is beyond 2^64 - 1"));
    }
    return Result<Value>(Value(Number::FromUint(*v)));
  }
  std::optional<std::string> text = CoreNumberText(s);
  if (!text) return std::nullopt;
  Result<Number> n = Number::Parse(*text);
  if (!n.ok()) return Result<Value>(n.status());
  return Result<Value>(Value(std::move(n).value()));
}

class Converter {
 public:
  explicit Converter(std::string_view file) : file_(file) {}

  Result<Value> Convert(const YAML::Node& node, int depth) {
    if (!node.IsDefined()) return Error(node, "no value");
    if (depth > kMaxDepth) return Error(node, "exceeded max depth of " + std::to_string(kMaxDepth));
    const std::string& tag = node.Tag();
    switch (node.Type()) {
      case YAML::NodeType::Null:
        if (HasTag(tag, "str")) return Value::String("");
        return Value::Null();
      case YAML::NodeType::Scalar:
        return Scalar(node, tag);
      case YAML::NodeType::Sequence:
        if (tag != "?" && tag != "!" && !HasTag(tag, "seq")) {
          return Error(node, "unsupported YAML tag " + tag + " on a sequence");
        }
        return Sequence(node, depth);
      case YAML::NodeType::Map:
        if (tag != "?" && tag != "!" && !HasTag(tag, "map")) {
          return Error(node, "unsupported YAML tag " + tag + " on a mapping");
        }
        return Mapping(node, depth);
      case YAML::NodeType::Undefined:
        break;
    }
    return Error(node, "no value");
  }

 private:
  Result<Value> Scalar(const YAML::Node& node, const std::string& tag) {
    const std::string& s = node.Scalar();
    if (tag == "!") return Value::String(s);  // quoted or block scalar
    if (tag == "?") {
      Result<Value> v = PlainScalarToValue(s);
      if (!v.ok()) return Error(node, v.status().message());
      return v;
    }
    std::string_view name = tag;
    if (name.substr(0, kTagPrefix.size()) != kTagPrefix) {
      return Error(node, "unsupported YAML tag " + tag);
    }
    name.remove_prefix(kTagPrefix.size());
    if (name == "str") return Value::String(s);
    if (name == "null") {
      if (IsNullText(s)) return Value::Null();
    } else if (name == "bool") {
      if (std::optional<bool> b = BoolText(s)) return Value::Boolean(*b);
    } else if (name == "int" || name == "float") {
      if (IsInfOrNan(s)) return Error(node, NonFinite(s));
      if (std::optional<Result<Value>> n = NumberOf(s)) {
        if (!n->ok()) return Error(node, n->status().message());
        return std::move(*n);
      }
    } else {
      return Error(node, "unsupported YAML tag !!" + std::string(name));
    }
    return Error(node, "\"" + s + "\" is not a valid !!" + std::string(name));
  }

  Result<Value> Sequence(const YAML::Node& node, int depth) {
    ArrayBuilder out;
    out.Reserve(node.size());
    for (const YAML::Node& child : node) {
      Result<Value> v = Convert(child, depth + 1);
      if (!v.ok()) return v;
      out.Push(std::move(v).value());
    }
    return std::move(out).Build();
  }

  Result<Value> Mapping(const YAML::Node& node, int depth) {
    ObjectBuilder out;
    out.Reserve(node.size());
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const YAML::Node& key = kv.first;
      // OPA's YAML-to-JSON step refuses null keys too ("Unsupported map key").
      if (!key.IsScalar()) {
        return Error(key, "a mapping key must be a non-null scalar (JSON object keys are strings)");
      }
      std::string name = key.Scalar();
      if (!seen.insert(name).second) return Error(key, "key \"" + name + "\" given twice");
      Result<Value> v = Convert(kv.second, depth + 1);
      if (!v.ok()) return v;
      out.Insert(Value::String(name), std::move(v).value());
    }
    return std::move(out).Build();
  }

  static std::string NonFinite(std::string_view s) {
    return std::string(s) + " is not a number JSON or Rego can hold";
  }

  Status Error(const YAML::Node& node, const std::string& message) const {
    std::string where(file_);
    YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
    if (!mark.is_null() && mark.line >= 0) {
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    return Status::InvalidArgument(where + ": " + message);
  }

  std::string_view file_;
};

}  // namespace

Result<Value> PlainScalarToValue(std::string_view text) {
  if (IsNullText(text)) return Value::Null();
  if (std::optional<bool> b = BoolText(text)) return Value::Boolean(*b);
  if (IsInfOrNan(text)) {
    return Status::InvalidArgument(std::string(text) + " is not a number JSON or Rego can hold");
  }
  if (std::optional<Result<Value>> n = NumberOf(text)) return std::move(*n);
  return Value::String(text);
}

Result<Value> YamlToValue(const YAML::Node& node, std::string_view file) {
  return Converter(file).Convert(node, 0);
}

Result<Value> ParseYaml(std::string_view text, std::string_view file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where(file);
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::InvalidArgument(where + ": " + e.msg);
  }
  if (!root.IsDefined()) return Value::Null();
  return YamlToValue(root, file);
}

}  // namespace sluice::policy
