// The rules on input values: gqlparser's ValuesOfCorrectType and
// VariablesInAllowedPosition (validator/rules), for one value of the walk
// with the type the walker expects there.
#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "policy/graphql_rules.h"

namespace sluice::policy::graphql::internal {
namespace {

bool OneOf(const Definition& d, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (d.name == n) return true;
  }
  return false;
}

std::string Quote(std::string_view s) {  // strconv.Quote for printable text
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// Whether Go's value.Value(nil) converts `v` without error: integers must
// fit int64 and floats a float64, also inside lists and objects.
bool Converts(const AstValue& v) {
  errno = 0;
  if (v.kind == ValueKind::kInt) {
    (void)std::strtoll(v.raw.c_str(), nullptr, 10);
    return errno != ERANGE;
  }
  if (v.kind == ValueKind::kFloat) {
    double d = std::strtod(v.raw.c_str(), nullptr);
    return !(errno == ERANGE && d != 0);  // Go only fails on overflow
  }
  for (const ChildValue& c : v.children) {
    if (c.value && !Converts(*c.value)) return false;
  }
  return true;
}

std::vector<std::string> EnumNames(const Definition& def) {
  std::vector<std::string> names;
  for (const EnumValueDefinition& e : def.enum_values) names.push_back(e.name);
  return names;
}

bool FitsInt32(const std::string& raw) {
  errno = 0;
  long long n = std::strtoll(raw.c_str(), nullptr, 10);
  return errno != ERANGE && n >= -2147483648LL && n <= 2147483647LL;
}

std::string UnexpectedType(const AstValue& v, const Type& expected, const Definition& def) {
  std::string type = expected.String();
  std::string shown = ValueString(v);
  if (type == "Int" || type == "Int!") {
    if (v.kind == ValueKind::kInt && !FitsInt32(v.raw)) {
      return "Int cannot represent non 32-bit signed integer value: " + shown;
    }
    return "Int cannot represent non-integer value: " + shown;
  }
  if (type == "String" || type == "String!" || type == "[String]") {
    return "String cannot represent a non string value: " + shown;
  }
  if (type == "Boolean" || type == "Boolean!") return "Boolean cannot represent a non boolean value: " + shown;
  if (type == "Float" || type == "Float!") return "Float cannot represent non numeric value: " + shown;
  if (type == "ID" || type == "ID!") return "ID cannot represent a non-string and non-integer value: " + shown;
  if (def.kind == "ENUM") return "Enum \"" + type + "\" cannot represent non-enum value: " + shown + ".";
  return "Expected value of type \"" + type + "\", found " + shown + ".";
}

}  // namespace

std::string ValueString(const AstValue& v) {
  switch (v.kind) {
    case ValueKind::kVariable: return "$" + v.raw;
    case ValueKind::kString:
    case ValueKind::kBlock: return Quote(v.raw);
    case ValueKind::kList:
    case ValueKind::kObject: {
      bool list = v.kind == ValueKind::kList;
      std::string out = list ? "[" : "{";
      for (size_t i = 0; i < v.children.size(); ++i) {
        if (i > 0) out += ",";
        if (!list) out += v.children[i].name + ":";
        out += v.children[i].value ? ValueString(*v.children[i].value) : "<nil>";
      }
      return out + (list ? "]" : "}");
    }
    default: return v.raw;
  }
}

void CheckValueType(const AstValue& v, const Type& expected, const Definition& def, const ErrorSink& error) {
  if (v.kind == ValueKind::kNull && expected.non_null) {
    error(v.pos, "Expected value of type \"" + expected.String() + "\", found " + ValueString(v) + ".");
  }
  if (def.kind == "SCALAR" && !OneOf(def, {"Int", "Float", "String", "Boolean", "ID"})) return;
  auto unexpected = [&] { error(v.pos, UnexpectedType(v, expected, def)); };
  if (!Converts(v)) unexpected();
  switch (v.kind) {
    case ValueKind::kNull:
    case ValueKind::kVariable:
      return;
    case ValueKind::kList:
      if (!expected.elem) unexpected();
      return;
    case ValueKind::kInt:
      if (!OneOf(def, {"Int", "Float", "ID"})) unexpected();
      return;
    case ValueKind::kFloat:
      if (!OneOf(def, {"Float"})) unexpected();
      return;
    case ValueKind::kString:
    case ValueKind::kBlock:
      if (def.kind == "ENUM") {
        error(v.pos, "Enum \"" + expected.String() + "\" cannot represent non-enum value: " + ValueString(v) + "." +
                         Suggest("Did you mean the enum value", v.raw, EnumNames(def)));
      } else if (!OneOf(def, {"String", "ID"})) {
        unexpected();
      }
      return;
    case ValueKind::kEnum:
      if (def.kind != "ENUM") {
        unexpected();
      } else if (std::none_of(def.enum_values.begin(), def.enum_values.end(),
                              [&](const EnumValueDefinition& e) { return e.name == v.raw; })) {
        error(v.pos, "Value \"" + ValueString(v) + "\" does not exist in \"" + expected.String() + "\" enum." +
                         Suggest("Did you mean the enum value", v.raw, EnumNames(def)));
      }
      return;
    case ValueKind::kBoolean:
      if (!OneOf(def, {"Boolean"})) unexpected();
      return;
    case ValueKind::kObject:
      for (const FieldDefinition& field : def.fields) {
        if (!field.type || !field.type->non_null || field.default_value) continue;
        bool given = std::any_of(v.children.begin(), v.children.end(),
                                 [&](const ChildValue& c) { return c.name == field.name; });
        if (!given) {
          error(v.pos, "Field \"" + def.name + "." + field.name + "\" of required type \"" + field.type->String() +
                           "\" was not provided.");
        }
      }
      for (const ChildValue& c : v.children) {
        bool known = std::any_of(def.fields.begin(), def.fields.end(),
                                 [&](const FieldDefinition& f) { return f.name == c.name; });
        if (known) continue;
        std::vector<std::string> names;
        for (const FieldDefinition& f : def.fields) names.push_back(f.name);
        error(c.pos, "Field \"" + c.name + "\" is not defined by type \"" + def.name + "\"." +
                         Suggest("Did you mean", c.name, names));
      }
      return;
  }
}

void CheckVariablePosition(const AstValue& v, const Type& expected, const VariableDefinition& var,
                           const ErrorSink& error) {
  Type allowed = expected;
  // A variable with a (non-null) default may fill a non-null position.
  if (var.default_value && var.default_value->kind != ValueKind::kNull) allowed.non_null = false;
  if (!TypeCompatible(var.type, std::make_shared<Type>(allowed))) {
    error(v.pos, "Variable \"" + ValueString(v) + "\" of type \"" + (var.type ? var.type->String() : "") +
                     "\" used in position expecting type \"" + expected.String() + "\".");
  }
}

}  // namespace sluice::policy::graphql::internal
