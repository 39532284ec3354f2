// strings.render_template: a Go text/template rendered with an object as
// its data, as OPA's topdown/template.go does (the engine: go_template.h).
#include <optional>
#include <string>

#include "policy/builtins.h"
#include "policy/go_template.h"

namespace sluice::policy {
namespace {

// The first character of a value's Rego text (OPA's Value.String()).
char FirstChar(const Value& v) {
  switch (v.kind()) {
    case Kind::kNull: return 'n';
    case Kind::kBoolean: return v.AsBool() ? 't' : 'f';
    case Kind::kNumber: return v.AsNumber().ToString()[0];
    case Kind::kString: return '"';
    case Kind::kArray: return '[';
    case Kind::kObject: return '{';
    case Kind::kSet: return v.size() == 0 ? 's' : '{';
  }
  return '?';
}

std::string BadKey(char c) {
  return std::string("invalid character '") + c + "' looking for beginning of object key string";
}

// OPA hands the variables to Go as the JSON decoding of their Rego text, so
// sets ({1, 2}, set()) and non-string object keys fail to decode; this is
// the decoder's error for the first of them in text order, if any.
std::optional<std::string> JsonDecodeError(const Value& v) {
  if (v.IsSet()) {
    if (v.size() == 0) return "invalid character 's' looking for beginning of value";
    const Value& first = v.SetElems()[0];
    if (!first.IsString()) return BadKey(FirstChar(first));
    return std::string("invalid character '") + (v.size() == 1 ? '}' : ',') + "' after object key";
  }
  if (v.IsArray()) {
    for (const Value& e : v.ArrayElems()) {
      if (auto err = JsonDecodeError(e)) return err;
    }
  }
  if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (!e.key.IsString()) return BadKey(FirstChar(e.key));
      if (auto err = JsonDecodeError(e.value)) return err;
    }
  }
  return std::nullopt;
}

BuiltinOutcome RenderTemplate(std::span<const Value> a) {
  if (!a[0].IsString()) return BuiltinOutcome::OperandError(1, "string", a[0]);
  if (!a[1].IsObject()) return BuiltinOutcome::OperandError(2, "object", a[1]);
  if (std::optional<std::string> err = JsonDecodeError(a[1])) return BuiltinOutcome::Error(*err);
  Result<std::string> out = RenderGoTemplate(a[0].AsString(), a[1]);
  if (!out.ok()) return BuiltinOutcome::Error(out.status().message());
  return Value::String(*out);
}

}  // namespace

void RegisterTemplateBuiltins(BuiltinRegistry& registry) {
  registry.Add("strings.render_template", 2, RenderTemplate);
}

}  // namespace sluice::policy
