// Schema compilation: the checks gojsonschema makes before validating.
#include <cctype>
#include <string>

#include "policy/go_regexp.h"
#include "policy/json_schema.h"
#include "policy/json_schema_internal.h"

namespace sluice::policy::internal {
namespace {

constexpr std::string_view kTypes[] = {"array", "boolean", "integer", "number", "null", "object", "string"};

bool ValidTypeName(std::string_view t) {
  for (std::string_view k : kTypes) {
    if (k == t) return true;
  }
  return false;
}

Status InvalidTypeName(std::string_view given) {
  std::string valid;
  for (std::string_view k : kTypes) valid += (valid.empty() ? "" : " ") + std::string(k);
  return Status::InvalidArgument("has a primitive type that is NOT VALID -- given: /" + std::string(given) +
                                 "/ Expected valid values are:[" + valid + "]");
}

Status CheckType(const Value& t) {
  if (t.IsString()) return ValidTypeName(t.AsString()) ? Status::Ok() : InvalidTypeName(t.AsString());
  if (!t.IsArray()) return Status::InvalidArgument("Invalid type. Expected: string/array of strings, given: type");
  for (const Value& e : t.ArrayElems()) {
    if (!e.IsString()) return Status::InvalidArgument("Invalid type. Expected: string, given: type");
    if (!ValidTypeName(e.AsString())) return InvalidTypeName(e.AsString());
  }
  return Status::Ok();
}

class Checker {
 public:
  explicit Checker(const Value& root) : root_(root) {}

  Status Check(const Value& s, int depth) {
    if (depth > 64) return Status::InvalidArgument("schema nests too deeply");
    if (s.IsBoolean()) return Status::Ok();
    if (!s.IsObject()) {
      return Status::InvalidArgument("Invalid type. Expected: object, given: " +
                                     std::string(KindName(s.kind())));
    }
    if (const Value* ref = s.Find("$ref")) {
      if (!ref->IsString()) return Status::InvalidArgument("$ref must be of type string");
      if (ResolveRef(root_, ref->AsString()) == nullptr) {
        return Status::InvalidArgument("Object has no key '" + std::string(ref->AsString()) + "'");
      }
    }
    if (const Value* t = s.Find("type")) {
      if (Status st = CheckType(*t); !st.ok()) return st;
    }
    for (std::string_view k : {"minimum", "maximum", "multipleOf", "minLength", "maxLength", "minItems",
                               "maxItems", "minProperties", "maxProperties"}) {
      const Value* v = s.Find(k);
      if (v != nullptr && !v->IsNumber()) {
        return Status::InvalidArgument(std::string(k) + " must be of a number");
      }
    }
    if (const Value* p = s.Find("pattern")) {
      if (!p->IsString() || !GoRegexp::Compile(p->AsString()).ok()) {
        return Status::InvalidArgument("Invalid regex pattern '" + (p->IsString() ? std::string(p->AsString()) : "") +
                                       "'");
      }
    }
    if (const Value* r = s.Find("required")) {
      if (!r->IsArray()) return Status::InvalidArgument("required must be of an array");
      for (const Value& e : r->ArrayElems()) {
        if (!e.IsString()) return Status::InvalidArgument("required items must be string");
      }
    }
    // Sub-schemas: single ones, lists, and maps of them.
    for (std::string_view k : {"not", "additionalProperties", "additionalItems", "propertyNames", "contains", "if",
                               "then", "else", "items"}) {
      const Value* v = s.Find(k);
      if (v == nullptr) continue;
      if (k == "items" && v->IsArray()) {
        for (const Value& e : v->ArrayElems()) SLUICE_RETURN_IF_ERROR(Check(e, depth + 1));
      } else {
        SLUICE_RETURN_IF_ERROR(Check(*v, depth + 1));
      }
    }
    for (std::string_view k : {"allOf", "anyOf", "oneOf"}) {
      const Value* v = s.Find(k);
      if (v == nullptr) continue;
      if (!v->IsArray() || v->size() == 0) return Status::InvalidArgument(std::string(k) + " must be of an array");
      for (const Value& e : v->ArrayElems()) SLUICE_RETURN_IF_ERROR(Check(e, depth + 1));
    }
    for (std::string_view k : {"properties", "patternProperties", "definitions", "dependencies"}) {
      const Value* v = s.Find(k);
      if (v == nullptr) continue;
      if (!v->IsObject()) return Status::InvalidArgument(std::string(k) + " must be of an object");
      for (const ObjectEntry& e : v->ObjectEntries()) {
        if (k == "patternProperties" && !GoRegexp::Compile(e.key.AsString()).ok()) {
          return Status::InvalidArgument("Invalid regex pattern '" + std::string(e.key.AsString()) + "'");
        }
        if (k == "dependencies" && e.value.IsArray()) continue;
        SLUICE_RETURN_IF_ERROR(Check(e.value, depth + 1));
      }
    }
    return Status::Ok();
  }

 private:
  const Value& root_;
};

// "~1" is "/", "~0" is "~", and %XX escapes as in a URI fragment.
std::string PointerToken(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && i + 1 < t.size() && (t[i + 1] == '0' || t[i + 1] == '1')) {
      out += t[++i] == '0' ? '~' : '/';
    } else if (t[i] == '%' && i + 2 < t.size() && std::isxdigit(static_cast<unsigned char>(t[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(t[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(t.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += t[i];
    }
  }
  return out;
}

}  // namespace

const Value* ResolveRef(const Value& root, std::string_view ref) {
  if (!ref.starts_with('#')) return nullptr;
  ref.remove_prefix(1);
  const Value* at = &root;
  while (!ref.empty()) {
    if (ref[0] != '/') return nullptr;
    ref.remove_prefix(1);
    size_t end = ref.find('/');
    std::string token = PointerToken(ref.substr(0, end));
    ref = end == std::string_view::npos ? std::string_view() : ref.substr(end);
    if (at->IsArray()) {
      size_t i = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        i = i * 10 + static_cast<size_t>(c - '0');
      }
      if (token.empty() || i >= at->size()) return nullptr;
      at = &at->ArrayElems()[i];
    } else {
      at = at->Find(token);
      if (at == nullptr) return nullptr;
    }
  }
  return at;
}

Result<JsonSchema> JsonSchema::Compile(const Value& schema) {
  SLUICE_RETURN_IF_ERROR(Checker(schema).Check(schema, 0));
  JsonSchema out;
  out.root_ = schema;
  return out;
}

}  // namespace sluice::policy::internal
