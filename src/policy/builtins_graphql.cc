// Rego builtins: graphql.* (OPA's topdown/graphql.go over graphql.h).
//
// Queries and schemas are given as strings (parsed) or as the AST objects
// the parse builtins return (decoded). Errors carry gqlparser's message and
// the location in the GraphQL text; the *is_valid / parse_and_verify
// variants turn every failure into false / [false, {}, {}].
#include <string>

#include "policy/builtins.h"
#include "policy/graphql.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;
namespace gql = graphql;

std::string Located(const gql::Diagnostic& d, std::string_view what) {
  return d.message + " in GraphQL " + std::string(what) + " at location " +
         std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
}

// Parses a string or decodes an AST object into `doc`; the error message
// if that fails. `operand` is OPA's (0-based) index in its type error.
template <class Doc>
std::optional<std::string> Load(const Value& v, int operand, Doc& doc,
                                std::optional<gql::Diagnostic> (*parse)(std::string_view, Doc&),
                                std::optional<gql::Diagnostic> (*decode)(const Value&, Doc&)) {
  if (v.IsString()) {
    if (auto err = parse(v.AsString(), doc)) return Located(*err, "string");
    return std::nullopt;
  }
  if (v.IsObject()) {
    if (auto err = decode(v, doc)) return err->message;
    return std::nullopt;
  }
  return "operand " + std::to_string(operand) + " must be one of {string, object} but got " +
         std::string(KindName(v.kind()));
}

std::optional<std::string> LoadQuery(const Value& v, int operand, gql::QueryDocument& doc) {
  return Load(v, operand, doc, gql::ParseQuery, gql::QueryFromValue);
}

std::optional<std::string> LoadSchema(const Value& v, int operand, gql::SchemaDocument& doc) {
  return Load(v, operand, doc, gql::ParseSchema, gql::SchemaFromValue);
}

// Loads both documents, validates the schema and the query against it;
// the error message if any step fails.
std::optional<std::string> LoadAndVerify(Args a, gql::QueryDocument& query,
                                         gql::SchemaDocument& schema_doc) {
  if (auto err = LoadQuery(a[0], 0, query)) return err;
  if (auto err = LoadSchema(a[1], 1, schema_doc)) return err;
  gql::Schema schema;
  if (auto err = gql::ValidateSchema(schema_doc, schema)) {
    return "Error in gqlparser SchemaDocument to Schema conversion: " + err->message;
  }
  if (auto err = gql::ValidateQuery(schema, query)) {
    std::string message = err->message;
    if (!message.empty() && message.back() == '.') message.pop_back();
    return Located(gql::Diagnostic{message, err->pos}, "query string");
  }
  return std::nullopt;
}

Out Parse(Args a) {
  gql::QueryDocument query;
  gql::SchemaDocument schema;
  if (auto err = LoadAndVerify(a, query, schema)) return Out::Error(*err);
  return Value::Array({gql::QueryToValue(query), gql::SchemaToValue(schema)});
}

Out ParseAndVerify(Args a) {
  gql::QueryDocument query;
  gql::SchemaDocument schema;
  if (LoadAndVerify(a, query, schema)) {
    return Value::Array({Value::Boolean(false), Value::Object({}), Value::Object({})});
  }
  return Value::Array({Value::Boolean(true), gql::QueryToValue(query), gql::SchemaToValue(schema)});
}

Out IsValid(Args a) {
  gql::QueryDocument query;
  gql::SchemaDocument schema;
  return Value::Boolean(!LoadAndVerify(a, query, schema));
}

Out ParseQuery(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  gql::QueryDocument doc;
  if (auto err = gql::ParseQuery(a[0].AsString(), doc)) return Out::Error(Located(*err, "string"));
  return gql::QueryToValue(doc);
}

Out ParseSchema(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  gql::SchemaDocument doc;
  if (auto err = gql::ParseSchema(a[0].AsString(), doc)) return Out::Error(Located(*err, "string"));
  return gql::SchemaToValue(doc);
}

Out SchemaIsValid(Args a) {
  gql::SchemaDocument doc;
  if (LoadSchema(a[0], 0, doc)) return Value::Boolean(false);
  gql::Schema schema;
  return Value::Boolean(!gql::ValidateSchema(doc, schema));
}

}  // namespace

void RegisterGraphqlBuiltins(BuiltinRegistry& registry) {
  registry.Add("graphql.parse", 2, Parse);
  registry.Add("graphql.parse_and_verify", 2, ParseAndVerify);
  registry.Add("graphql.is_valid", 2, IsValid);
  registry.Add("graphql.parse_query", 1, ParseQuery);
  registry.Add("graphql.parse_schema", 1, ParseSchema);
  registry.Add("graphql.schema_is_valid", 1, SchemaIsValid);
}

}  // namespace sluice::policy
