// Operators, comparison, numbers, aggregates, collections and JSON builtins.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/number_ops.h"
#include "policy/utf8.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

Out FromNumber(Result<Number> r) {
  if (!r.ok()) return Out::Error(r.status().message());
  return Value(std::move(r).value());
}

template <Result<Number> (*Op)(const Number&, const Number&)>
Out Arith(Args a) {
  if (!a[0].IsNumber()) return Out::OperandError(1, "number", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  return FromNumber(Op(a[0].AsNumber(), a[1].AsNumber()));
}

Out Minus(Args a) {
  if (a[0].IsSet() && a[1].IsSet()) return SetDifference(a[0], a[1]);
  if (a[0].IsNumber() && a[1].IsNumber()) return FromNumber(Subtract(a[0].AsNumber(), a[1].AsNumber()));
  if (!a[0].IsNumber() && !a[0].IsSet()) return Out::OperandError(1, "number or set", a[0]);
  return Out::OperandError(2, a[0].IsSet() ? "set" : "number", a[1]);
}

Out SetAnd(Args a) {
  if (!a[0].IsSet()) return Out::OperandError(1, "set", a[0]);
  if (!a[1].IsSet()) return Out::OperandError(2, "set", a[1]);
  return SetIntersection(a[0], a[1]);
}
Out SetOr(Args a) {
  if (!a[0].IsSet()) return Out::OperandError(1, "set", a[0]);
  if (!a[1].IsSet()) return Out::OperandError(2, "set", a[1]);
  return SetUnion(a[0], a[1]);
}

Out Equal(Args a) { return Value::Boolean(a[0] == a[1]); }
Out NotEqual(Args a) { return Value::Boolean(!(a[0] == a[1])); }
Out Lt(Args a) { return Value::Boolean(Compare(a[0], a[1]) < 0); }
Out Lte(Args a) { return Value::Boolean(Compare(a[0], a[1]) <= 0); }
Out Gt(Args a) { return Value::Boolean(Compare(a[0], a[1]) > 0); }
Out Gte(Args a) { return Value::Boolean(Compare(a[0], a[1]) >= 0); }

bool Member(const Value& x, const Value& coll) {
  if (coll.IsSet()) return coll.Contains(x);
  if (coll.IsArray()) {
    for (const Value& e : coll.ArrayElems()) {
      if (e == x) return true;
    }
    return false;
  }
  if (coll.IsObject()) {
    for (const ObjectEntry& e : coll.ObjectEntries()) {
      if (e.value == x) return true;
    }
  }
  return false;
}
Out Member2(Args a) { return Value::Boolean(Member(a[0], a[1])); }
// `k, v in coll`: a set's elements are their own keys.
Out Member3(Args a) {
  if (a[2].IsSet()) return Value::Boolean(a[0] == a[1] && a[2].Contains(a[0]));
  const Value* v = a[2].Get(a[0]);
  return Value::Boolean(v != nullptr && *v == a[1]);
}

// Runes as Go counts them: each byte of an invalid encoding is one rune.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    char32_t r;
    size_t w = internal::DecodeUtf8(s, i, &r);
    i += w == 0 ? 1 : w;
  }
  return n;
}

Out Count(Args a) {
  if (a[0].IsString()) return Value::Int(static_cast<int64_t>(CodePoints(a[0].AsString())));
  if (a[0].IsCollection()) return Value::Int(static_cast<int64_t>(a[0].size()));
  return Out::OperandError(1, "one of {array, object, set, string}", a[0]);
}

// The elements of an array or set, or an error for operand 1.
bool Elements(const Value& v, std::span<const Value>& out) {
  if (v.IsArray()) {
    out = v.ArrayElems();
    return true;
  }
  if (v.IsSet()) {
    out = v.SetElems();
    return true;
  }
  return false;
}

template <bool kProduct>
Out SumProduct(Args a) {
  std::span<const Value> elems;
  if (!Elements(a[0], elems)) return Out::OperandError(1, "one of {array, set}", a[0]);
  Number acc = Number::FromInt(kProduct ? 1 : 0);
  for (const Value& e : elems) {
    if (!e.IsNumber()) return Out::OperandError(1, "array or set of numbers", a[0]);
    Result<Number> r = kProduct ? Multiply(acc, e.AsNumber()) : Add(acc, e.AsNumber());
    if (!r.ok()) return Out::Error(r.status().message());
    acc = std::move(r).value();
  }
  return Value(std::move(acc));
}

template <bool kMax>
Out MaxMin(Args a) {
  std::span<const Value> elems;
  if (!Elements(a[0], elems)) return Out::OperandError(1, "one of {array, set}", a[0]);
  if (elems.empty()) return Out::Undefined();
  const Value* best = &elems[0];
  for (const Value& e : elems) {
    if (kMax ? Compare(e, *best) > 0 : Compare(e, *best) < 0) best = &e;
  }
  return *best;
}

Out Sort(Args a) {
  std::span<const Value> elems;
  if (!Elements(a[0], elems)) return Out::OperandError(1, "one of {array, set}", a[0]);
  std::vector<Value> v(elems.begin(), elems.end());
  std::stable_sort(v.begin(), v.end(), [](const Value& x, const Value& y) { return Compare(x, y) < 0; });
  return Value::Array(std::move(v));
}

template <Result<Number> (*Op)(const Number&)>
Out Unary(Args a) {
  if (!a[0].IsNumber()) return Out::OperandError(1, "number", a[0]);
  return FromNumber(Op(a[0].AsNumber()));
}

Out ToNumber(Args a) {
  const Value& v = a[0];
  if (v.IsNull()) return Value::Int(0);
  if (v.IsBoolean()) return Value::Int(v.AsBool() ? 1 : 0);
  if (v.IsNumber()) return v;
  if (v.IsString()) {
    Result<Number> n = Number::Parse(v.AsString());
    if (!n.ok()) {
      std::string t(v.AsString());
      std::string msg = "strconv.ParseFloat: parsing \"" + t + "\": invalid syntax";
      // Go parses NaN and infinities, which OPA then rejects as a type error.
      std::string low;
      for (char c : t) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!low.empty() && (low[0] == '+' || low[0] == '-')) low.erase(0, 1);
      if (low == "nan" || low == "inf" || low == "infinity") return Out::TypeError(msg);
      return Out::Error(msg);
    }
    return Value(std::move(n).value());
  }
  return Out::OperandError(1, "one of {boolean, null, number, string}", v);
}

template <Kind K>
Out IsKind(Args a) {
  return Value::Boolean(a[0].kind() == K);
}
Out TypeName(Args a) { return Value::String(KindName(a[0].kind())); }

Out ArrayConcat(Args a) {
  if (!a[0].IsArray()) return Out::OperandError(1, "array", a[0]);
  if (!a[1].IsArray()) return Out::OperandError(2, "array", a[1]);
  std::vector<Value> v(a[0].ArrayElems().begin(), a[0].ArrayElems().end());
  v.insert(v.end(), a[1].ArrayElems().begin(), a[1].ArrayElems().end());
  return Value::Array(std::move(v));
}

Out ArraySlice(Args a) {
  if (!a[0].IsArray()) return Out::OperandError(1, "array", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  if (!a[2].IsNumber()) return Out::OperandError(3, "number", a[2]);
  auto lo = a[1].AsNumber().ToInt64();
  auto hi = a[2].AsNumber().ToInt64();
  if (!lo || !hi) return Out::Error("operands must be integers");
  int64_t n = static_cast<int64_t>(a[0].size());
  int64_t s = std::clamp<int64_t>(*lo, 0, n), e = std::clamp<int64_t>(*hi, 0, n);
  if (s > e) s = e;
  auto elems = a[0].ArrayElems();
  return Value::Array(std::vector<Value>(elems.begin() + s, elems.begin() + e));
}

Out ObjectGet(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  if (a[1].IsArray()) {
    const Value* cur = &a[0];
    for (const Value& k : a[1].ArrayElems()) {
      cur = cur->Get(k);
      if (cur == nullptr) return a[2];
    }
    return *cur;
  }
  const Value* v = a[0].Find(a[1]);
  return v != nullptr ? *v : a[2];
}

Out ObjectKeys(Args a) {
  if (!a[0].IsObject()) return Out::OperandError(1, "object", a[0]);
  SetBuilder b;
  for (const ObjectEntry& e : a[0].ObjectEntries()) b.Push(e.key);
  return std::move(b).Build();
}

Out Union(Args a) {
  if (!a[0].IsSet()) return Out::OperandError(1, "set", a[0]);
  Value acc = Value::Set({});
  for (const Value& s : a[0].SetElems()) {
    if (!s.IsSet()) return Out::OperandError(1, "set of sets", a[0]);
    acc = SetUnion(acc, s);
  }
  return acc;
}

Out Intersection(Args a) {
  if (!a[0].IsSet()) return Out::OperandError(1, "set", a[0]);
  if (a[0].size() == 0) return Value::Set({});
  bool first = true;
  Value acc;
  for (const Value& s : a[0].SetElems()) {
    if (!s.IsSet()) return Out::OperandError(1, "set of sets", a[0]);
    acc = first ? s : SetIntersection(acc, s);
    first = false;
  }
  return acc;
}

Out NumbersRange(Args a) {
  for (int i = 0; i < 2; ++i) {
    if (!a[i].IsNumber()) return Out::OperandError(i + 1, "number", a[i]);
  }
  auto lo = a[0].AsNumber().ToInt64();
  auto hi = a[1].AsNumber().ToInt64();
  if (!lo) return Out::TypeError("operand 1 must be integer number but got floating-point number");
  if (!hi) return Out::TypeError("operand 2 must be integer number but got floating-point number");
  std::vector<Value> v;
  int64_t step = *lo <= *hi ? 1 : -1;
  for (int64_t i = *lo;; i += step) {
    v.push_back(Value::Int(i));
    if (i == *hi) break;
  }
  return Value::Array(std::move(v));
}

// numbers.range_step(lo, hi, step): lo, lo ± step, ... while not past hi.
// A step beyond int64 is larger than any int64 range, so it acts as the
// int64 maximum.
Out NumbersRangeStep(Args a) {
  for (int i = 0; i < 3; ++i) {
    if (!a[i].IsNumber()) return Out::OperandError(i + 1, "number", a[i]);
    if (!a[i].AsNumber().IsInteger()) {
      return Out::TypeError("operand " + std::to_string(i + 1) +
                            " must be integer number but got floating-point number");
    }
  }
  auto lo = a[0].AsNumber().ToInt64();
  auto hi = a[1].AsNumber().ToInt64();
  if (!lo || !hi) return Out::Error("range bounds must fit in 64 bits");
  if (Compare(a[2].AsNumber(), Number::FromInt(0)) <= 0) {
    return Out::Error("step must be a positive integer");
  }
  uint64_t step = static_cast<uint64_t>(a[2].AsNumber().ToInt64().value_or(INT64_MAX));
  bool up = *lo <= *hi;
  // Distances in uint64 cannot overflow: the range spans at most 2^64 - 1.
  uint64_t span = up ? static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo)
                     : static_cast<uint64_t>(*lo) - static_cast<uint64_t>(*hi);
  std::vector<Value> v;
  for (uint64_t d = 0;; d += step) {
    uint64_t i = up ? static_cast<uint64_t>(*lo) + d : static_cast<uint64_t>(*lo) - d;
    v.push_back(Value::Int(static_cast<int64_t>(i)));
    if (span - d < step) break;
  }
  return Value::Array(std::move(v));
}

// opa.runtime(): OPA's runtime information (config, env, version) is only
// set when OPA runs as a server or CLI with it; embedded, as here, the
// object is empty.
Out OpaRuntime(Args) { return Value::Object({}); }

Out JsonMarshal(Args a) { return Value::String(ToJson(a[0], JsonOptions{.escape_html = false})); }
Out JsonUnmarshal(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<Value> v = ParseJson(a[0].AsString());
  if (!v.ok()) return Out::Error(v.status().message());
  return std::move(v).value();
}

}  // namespace

void RegisterCoreBuiltins(BuiltinRegistry& r) {
  r.Add("eq", 2, nullptr);
  r.Add("assign", 2, nullptr);
  r.Add("print", -1, nullptr);  // variadic; handled by the evaluator
  r.Add("plus", 2, Arith<Add>);
  r.Add("minus", 2, Minus);
  r.Add("mul", 2, Arith<Multiply>);
  r.Add("div", 2, Arith<Divide>);
  r.Add("rem", 2, Arith<Remainder>);
  r.Add("and", 2, SetAnd);
  r.Add("or", 2, SetOr);
  r.Add("equal", 2, Equal);
  r.Add("neq", 2, NotEqual);
  r.Add("lt", 2, Lt);
  r.Add("lte", 2, Lte);
  r.Add("gt", 2, Gt);
  r.Add("gte", 2, Gte);
  r.Add("internal.member_2", 2, Member2);
  r.Add("internal.member_3", 3, Member3);
  r.Add("count", 1, Count);
  r.Add("sum", 1, SumProduct<false>);
  r.Add("product", 1, SumProduct<true>);
  r.Add("max", 1, MaxMin<true>);
  r.Add("min", 1, MaxMin<false>);
  r.Add("sort", 1, Sort);
  r.Add("abs", 1, Unary<Abs>);
  r.Add("round", 1, Unary<Round>);
  r.Add("ceil", 1, Unary<Ceil>);
  r.Add("floor", 1, Unary<Floor>);
  r.Add("to_number", 1, ToNumber);
  r.Add("is_null", 1, IsKind<Kind::kNull>);
  r.Add("is_boolean", 1, IsKind<Kind::kBoolean>);
  r.Add("is_number", 1, IsKind<Kind::kNumber>);
  r.Add("is_string", 1, IsKind<Kind::kString>);
  r.Add("is_array", 1, IsKind<Kind::kArray>);
  r.Add("is_object", 1, IsKind<Kind::kObject>);
  r.Add("is_set", 1, IsKind<Kind::kSet>);
  r.Add("type_name", 1, TypeName);
  r.Add("array.concat", 2, ArrayConcat);
  r.Add("array.slice", 3, ArraySlice);
  r.Add("object.get", 3, ObjectGet);
  r.Add("object.keys", 1, ObjectKeys);
  r.Add("union", 1, Union);
  r.Add("intersection", 1, Intersection);
  r.Add("numbers.range", 2, NumbersRange);
  r.Add("numbers.range_step", 3, NumbersRangeStep);
  // Answered by the evaluator from the compiled policy's annotations.
  r.Add("rego.metadata.rule", 0, nullptr);
  r.Add("rego.metadata.chain", 0, nullptr);
  r.Add("opa.runtime", 0, OpaRuntime);
  r.Add("json.marshal", 1, JsonMarshal);
  r.Add("json.unmarshal", 1, JsonUnmarshal);
}

}  // namespace sluice::policy
