// Runtime values of the Go template engine and their formatting as Go's fmt
// prints them (go_template_internal.h).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "policy/go_template_internal.h"
#include "policy/value_json.h"

namespace sluice::policy::gotmpl {

TVal TVal::From(const Value& value) {
  switch (value.kind()) {
    case Kind::kNull: return Nil();
    case Kind::kBoolean: return Bool(value.AsBool());
    case Kind::kNumber: {
      TVal r = Make(T::kNumber);
      r.s = value.AsNumber().ToString();
      return r;
    }
    case Kind::kString: return Str(std::string(value.AsString()));
    case Kind::kArray:
    case Kind::kSet: {
      TVal r = Make(T::kArray);
      r.v = value;
      return r;
    }
    case Kind::kObject: {
      TVal r = Make(T::kMap);
      r.v = value;
      return r;
    }
  }
  return Nil();
}

std::vector<TVal> Elements(const TVal& array) {
  std::vector<TVal> out;
  std::span<const Value> elems = array.v.IsSet() ? array.v.SetElems() : array.v.ArrayElems();
  out.reserve(elems.size());
  for (const Value& e : elems) out.push_back(TVal::From(e));
  return out;
}

std::vector<std::pair<std::string, TVal>> Entries(const TVal& map) {
  // JSON object keys are strings; a Rego object's other keys are written as
  // their JSON text. Go's fmt and range both go in key order.
  std::vector<std::pair<std::string, TVal>> out;
  for (const ObjectEntry& e : map.v.ObjectEntries()) {
    out.emplace_back(e.key.IsString() ? std::string(e.key.AsString()) : ToJson(e.key), TVal::From(e.value));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string_view GoTypeName(const TVal& v) {
  switch (v.t) {
    case TVal::T::kMissing:
    case TVal::T::kNil: return "<nil>";
    case TVal::T::kBool: return "bool";
    case TVal::T::kInt: return "int";
    case TVal::T::kFloat: return "float64";
    case TVal::T::kString: return "string";
    case TVal::T::kNumber: return "json.Number";
    case TVal::T::kArray: return "[]interface {}";
    case TVal::T::kMap: return "map[string]interface {}";
  }
  return "";
}

std::string FormatFloatG(double f) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, end);
  if (sci == "inf" || sci == "-inf" || sci == "nan") return sci == "inf" ? "+Inf" : sci == "-inf" ? "-Inf" : "NaN";
  int exp = std::stoi(sci.substr(sci.find('e') + 1));
  // With the shortest precision, 'g' takes the exponent form below 1e-4
  // and from 1e6 (so fmt prints 1e+06).
  if (exp < -4 || exp >= 6) return sci;
  auto [fend, fec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::fixed);
  return std::string(buf, fend);
}

std::string FormatV(const TVal& v) {
  switch (v.t) {
    case TVal::T::kMissing: return "<undefined>";
    case TVal::T::kNil: return "<nil>";
    case TVal::T::kBool: return v.b ? "true" : "false";
    case TVal::T::kInt: return std::to_string(v.i);
    case TVal::T::kFloat: return FormatFloatG(v.f);
    case TVal::T::kString:
    case TVal::T::kNumber: return v.s;
    case TVal::T::kArray: {
      std::string out = "[";
      bool first = true;
      for (const TVal& e : Elements(v)) {
        if (!first) out += ' ';
        first = false;
        out += FormatV(e);
      }
      return out + "]";
    }
    case TVal::T::kMap: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : Entries(v)) {
        if (!first) out += ' ';
        first = false;
        out += k + ":" + FormatV(e);
      }
      return out + "]";
    }
  }
  return "";
}

bool Truth(const TVal& v) {
  switch (v.t) {
    case TVal::T::kMissing:
    case TVal::T::kNil: return false;
    case TVal::T::kBool: return v.b;
    case TVal::T::kInt: return v.i != 0;
    case TVal::T::kFloat: return v.f != 0;
    case TVal::T::kString:
    case TVal::T::kNumber: return !v.s.empty();
    case TVal::T::kArray:
    case TVal::T::kMap: return v.v.size() > 0;
  }
  return false;
}

std::string Sprint(std::span<const TVal> args) {
  // fmt.Sprint puts a space between operands when neither is a string.
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0 && !args[i].IsStringKind() && !args[i - 1].IsStringKind()) out += ' ';
    out += FormatV(args[i]);
  }
  return out;
}

std::string Sprintln(std::span<const TVal> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += FormatV(args[i]);
  }
  return out + "\n";
}

}  // namespace sluice::policy::gotmpl
