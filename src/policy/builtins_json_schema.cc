// Rego builtins: json.verify_schema, json.match_schema (json_schema.h).
#include <string>

#include "policy/builtins.h"
#include "policy/json_schema.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;
using internal::JsonSchema;

// A schema or document given as a JSON string, an object or an array.
Result<Value> Document(const Value& v) {
  if (v.IsString()) {
    Result<Value> parsed = ParseJson(v.AsString());
    if (!parsed.ok()) return Status::InvalidArgument("invalid JSON string");
    return parsed;
  }
  if (v.IsObject() || v.IsArray()) return v;
  return Status::InvalidArgument("wrong type, expected string or object");
}

Result<JsonSchema> Schema(const Value& v) {
  Result<Value> doc = Document(v);
  if (!doc.ok()) return doc.status();
  return JsonSchema::Compile(*doc);
}

// [true, null], or [false, "jsonschema: <why>"].
Out VerifySchema(Args a) {
  Result<JsonSchema> schema = Schema(a[0]);
  if (!schema.ok()) {
    return Value::Array({Value::Boolean(false), Value::String("jsonschema: " + schema.status().message())});
  }
  return Value::Array({Value::Boolean(true), Value::Null()});
}

// [valid, [{error, type, field, desc}, ...]]; an unusable document or
// schema is an error.
Out MatchSchema(Args a) {
  Result<Value> doc = Document(a[0]);
  if (!doc.ok()) return Out::Error(doc.status().message());
  Result<JsonSchema> schema = Schema(a[1]);
  if (!schema.ok()) return Out::Error(schema.status().message());
  ArrayBuilder errors;
  for (const internal::SchemaError& e : schema->Validate(*doc)) {
    ObjectBuilder o;
    o.Insert(Value::String("error"), Value::String(e.field + ": " + e.description));
    o.Insert(Value::String("type"), Value::String(e.type));
    o.Insert(Value::String("field"), Value::String(e.field));
    o.Insert(Value::String("desc"), Value::String(e.description));
    errors.Push(std::move(o).Build());
  }
  bool valid = errors.size() == 0;
  return Value::Array({Value::Boolean(valid), std::move(errors).Build()});
}

}  // namespace

void RegisterJsonSchemaBuiltins(BuiltinRegistry& r) {
  r.Add("json.verify_schema", 1, VerifySchema);
  r.Add("json.match_schema", 2, MatchSchema);
}

}  // namespace sluice::policy
