#include "expr/value_ops.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace sluice::expr {
namespace {

struct Number {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
};

std::optional<Number> AsNumber(const Value& v) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Number{true, static_cast<int64_t>(u), static_cast<double>(u)};
    }
    return Number{false, 0, static_cast<double>(u)};
  }
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    return Number{true, i, static_cast<double>(i)};
  }
  if (v.is_number_float()) return Number{false, 0, v.get<double>()};
  return std::nullopt;
}

// A number, or a string that holds one (JEXL's coercion for arithmetic).
std::optional<Number> AsLooseNumber(const Value& v) {
  if (v.is_string()) {
    std::optional<Value> parsed = ParseNumber(v.get_ref<const std::string&>());
    if (!parsed) return std::nullopt;
    return AsNumber(*parsed);
  }
  return AsNumber(v);
}

// <0, 0, >0 like strcmp.
int CompareNumbers(const Number& a, const Number& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  return a.d < b.d ? -1 : (a.d > b.d ? 1 : 0);
}

bool StringAsBool(const std::string& s) {
  if (s.empty()) return false;
  if (s.size() != 5) return true;
  for (size_t i = 0; i < 5; ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "false"[i]) return true;
  }
  return false;
}

// Integer arithmetic that falls back to double on overflow.
template <typename IntOp>
Value IntegerOrDouble(IntOp int_op, int64_t a, int64_t b, double fallback) {
  int64_t result = 0;
  if (int_op(a, b, &result)) return fallback;
  return result;
}

}  // namespace

std::string ToText(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Value::value_t::string:
      return v.get<std::string>();
    case Value::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case Value::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case Value::value_t::number_float: {
      double d = v.get<double>();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
      return std::string(buf, r.ptr);
    }
    default:
      // Compact JSON; invalid UTF-8 is replaced rather than thrown about.
      return v.dump(-1, ' ', false, Value::error_handler_t::replace);
  }
}

bool IsTruthy(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return StringAsBool(v.get_ref<const std::string&>());
  if (std::optional<Number> n = AsNumber(v)) return n->is_int ? n->i != 0 : n->d != 0;
  return true;
}

std::optional<Value> ParseNumber(std::string_view text) {
  // [+-]?digits(.digits)?([eE][+-]?digits)? and nothing else.
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (!digits()) return std::nullopt;
  bool is_float = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return std::nullopt;
    is_float = true;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return std::nullopt;
    is_float = true;
  }
  if (i != text.size()) return std::nullopt;
  // from_chars does not accept a leading '+'.
  std::string_view body = text[0] == '+' ? text.substr(1) : text;
  if (!is_float) {
    int64_t n = 0;
    auto r = std::from_chars(body.data(), body.data() + body.size(), n);
    if (r.ec == std::errc() && r.ptr == body.data() + body.size()) return Value(n);
  }
  double d = 0;
  std::from_chars(body.data(), body.data() + body.size(), d);
  return Value(d);
}

std::string DescribeValue(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return std::string("boolean ") + (v.get<bool>() ? "true" : "false");
    case Value::value_t::string:
      return "string \"" + v.get<std::string>() + "\"";
    case Value::value_t::array:
      return "array";
    case Value::value_t::object:
      return "object";
    default:
      return "number " + ToText(v);
  }
}

bool LooseEquals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_boolean() || b.is_boolean()) {
    if (a.is_boolean() && b.is_boolean()) return a.get<bool>() == b.get<bool>();
    const Value& other = a.is_boolean() ? b : a;
    if (!other.is_string() && !other.is_number()) return false;
    bool flag = a.is_boolean() ? a.get<bool>() : b.get<bool>();
    return IsTruthy(other) == flag;
  }
  std::optional<Number> na = AsNumber(a);
  std::optional<Number> nb = AsNumber(b);
  if (na && nb) return CompareNumbers(*na, *nb) == 0;
  if ((na && b.is_string()) || (nb && a.is_string())) {
    std::optional<Number> sa = AsLooseNumber(a);
    std::optional<Number> sb = AsLooseNumber(b);
    if (sa && sb) return CompareNumbers(*sa, *sb) == 0;
    return ToText(a) == ToText(b);
  }
  return a == b;
}

Result<bool> Compare(Op op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return false;
  int c = 0;
  std::optional<Number> na = AsNumber(a);
  std::optional<Number> nb = AsNumber(b);
  if (a.is_string() && b.is_string()) {
    const auto& sa = a.get_ref<const std::string&>();
    const auto& sb = b.get_ref<const std::string&>();
    c = sa < sb ? -1 : (sa > sb ? 1 : 0);
  } else if ((na || a.is_string()) && (nb || b.is_string())) {
    // One number, one string: numbers if the string is numeric, else text.
    std::optional<Number> la = AsLooseNumber(a);
    std::optional<Number> lb = AsLooseNumber(b);
    if (la && lb) {
      c = CompareNumbers(*la, *lb);
    } else {
      std::string ta = ToText(a), tb = ToText(b);
      c = ta < tb ? -1 : (ta > tb ? 1 : 0);
    }
  } else {
    return Status::InvalidArgument(std::string("cannot compare ") + DescribeValue(a) + " " +
                                   OpSpelling(op) + " " + DescribeValue(b));
  }
  switch (op) {
    case Op::kLess:
      return c < 0;
    case Op::kLessEqual:
      return c <= 0;
    case Op::kGreater:
      return c > 0;
    case Op::kGreaterEqual:
      return c >= 0;
    default:
      return Status::Internal("Compare called with a non-ordering operator");
  }
}

Result<Value> Arithmetic(Op op, const Value& a, const Value& b) {
  if (op == Op::kAdd && !(a.is_number() && b.is_number())) return Value(ToText(a) + ToText(b));
  std::optional<Number> na = AsLooseNumber(a);
  std::optional<Number> nb = AsLooseNumber(b);
  if (!na || !nb) {
    return Status::InvalidArgument(std::string("operator ") + OpSpelling(op) +
                                   " needs numbers, got " + DescribeValue(na ? b : a));
  }
  const bool ints = na->is_int && nb->is_int;
  auto add = [](int64_t x, int64_t y, int64_t* r) { return __builtin_add_overflow(x, y, r); };
  auto sub = [](int64_t x, int64_t y, int64_t* r) { return __builtin_sub_overflow(x, y, r); };
  auto mul = [](int64_t x, int64_t y, int64_t* r) { return __builtin_mul_overflow(x, y, r); };
  switch (op) {
    case Op::kAdd:
      if (ints) return IntegerOrDouble(add, na->i, nb->i, na->d + nb->d);
      return Value(na->d + nb->d);
    case Op::kSubtract:
      if (ints) return IntegerOrDouble(sub, na->i, nb->i, na->d - nb->d);
      return Value(na->d - nb->d);
    case Op::kMultiply:
      if (ints) return IntegerOrDouble(mul, na->i, nb->i, na->d * nb->d);
      return Value(na->d * nb->d);
    case Op::kDivide:
    case Op::kModulo: {
      if (ints ? nb->i == 0 : nb->d == 0) {
        return Status::InvalidArgument(std::string(op == Op::kDivide ? "division" : "modulo") +
                                       " by zero");
      }
      if (ints && !(na->i == std::numeric_limits<int64_t>::min() && nb->i == -1)) {
        return Value(op == Op::kDivide ? na->i / nb->i : na->i % nb->i);
      }
      return Value(op == Op::kDivide ? na->d / nb->d : std::fmod(na->d, nb->d));
    }
    default:
      return Status::Internal("Arithmetic called with a non-arithmetic operator");
  }
}

}  // namespace sluice::expr
