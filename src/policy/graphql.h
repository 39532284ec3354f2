// GraphQL documents for the graphql.* builtins: a parser for queries and
// schemas (SDL), the conversion of their syntax trees to and from Rego
// values, schema validation and the validation of a query against a schema.
//
// OPA implements these builtins with its copy of vektah/gqlparser (a port of
// graphql-js), so this module follows that library: the syntax tree below
// mirrors its ast package field by field, because the Rego values the
// builtins return are those structs serialised to JSON (field names are the
// Go names; Position fields, null pointers and empty lists are dropped, the
// way OPA prunes them), and error messages are gqlparser's.
//
// Errors are values: a Diagnostic with gqlparser's message and, when the
// node had one, the 1-based line and column (in code points) it refers to.
// Everything here is a pure function of its inputs; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/value.h"

namespace sluice::policy::graphql {

struct Pos {
  int line = 0;  // 0: no position (nodes decoded from Rego values)
  int column = 0;
};

struct Diagnostic {
  std::string message;
  Pos pos;
};

// A type reference: a named type or a list of `elem`, maybe non-null.
struct Type {
  std::string named_type;  // empty for lists
  std::shared_ptr<Type> elem;
  bool non_null = false;
  Pos pos;

  const std::string& Name() const { return named_type.empty() && elem ? elem->Name() : named_type; }
  std::string String() const;  // "[Int!]!"
};
using TypeRef = std::shared_ptr<Type>;  // null where gqlparser's *Type is nil

// gqlparser's Type.IsCompatible: a value of type `a` may be used where `b`
// is wanted (same names and nesting; non-null where `b` is).
bool TypeCompatible(const TypeRef& a, const TypeRef& b);

// gqlparser's ValueKind numbering, which is visible in the Rego values.
enum class ValueKind { kVariable, kInt, kFloat, kString, kBlock, kBoolean, kNull, kEnum, kList, kObject };

struct AstValue;
using ValueRef = std::shared_ptr<AstValue>;

struct ChildValue {
  std::string name;  // empty for list elements
  ValueRef value;
  Pos pos;
};

// A literal or variable. Raw is the variable name without "$", the
// unescaped string, or the source text of a number, boolean, null or enum.
struct AstValue {
  std::string raw;
  std::vector<ChildValue> children;
  ValueKind kind = ValueKind::kVariable;
  Pos pos;
};

struct Argument {
  std::string name;
  ValueRef value;
  Pos pos;
};

struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  std::string location;  // gqlparser's validator fills it in; always "" here
  Pos pos;
};

struct VariableDefinition {
  std::string variable;
  TypeRef type;
  ValueRef default_value;
  std::vector<Directive> directives;
  Pos pos;
};

// Field, fragment spread or inline fragment (gqlparser's Selection
// implementations), told apart by `kind`.
struct Selection {
  enum class Kind { kField, kFragmentSpread, kInlineFragment };
  Kind kind = Kind::kField;
  std::string alias;           // field
  std::string name;            // field, fragment spread
  std::vector<Argument> arguments;  // field
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;  // field, inline fragment
  std::string type_condition;            // inline fragment
  Pos pos;
};

struct OperationDefinition {
  std::string operation;  // "query", "mutation", "subscription"
  std::string name;
  std::vector<VariableDefinition> variable_definitions;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Pos pos;
};

struct FragmentDefinition {
  std::string name;
  std::vector<VariableDefinition> variable_definition;  // sic: gqlparser's name
  std::string type_condition;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Pos pos;
};

struct QueryDocument {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
};

struct ArgumentDefinition {
  std::string description;
  std::string name;
  ValueRef default_value;
  TypeRef type;
  std::vector<Directive> directives;
  Pos pos;
};

// A field of an object or interface, or an input field of an input object.
struct FieldDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;
  ValueRef default_value;
  TypeRef type;
  std::vector<Directive> directives;
  Pos pos;
};

struct EnumValueDefinition {
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  Pos pos;
};

// A type definition or extension; kind is "SCALAR", "OBJECT", "INTERFACE",
// "UNION", "ENUM" or "INPUT_OBJECT".
struct Definition {
  std::string kind;
  std::string description;
  std::string name;
  std::vector<Directive> directives;
  std::vector<std::string> interfaces;
  std::vector<FieldDefinition> fields;
  std::vector<std::string> types;
  std::vector<EnumValueDefinition> enum_values;
  Pos pos;
  bool built_in = false;
};

struct DirectiveDefinition {
  std::string description;
  std::string name;
  std::vector<ArgumentDefinition> arguments;
  std::vector<std::string> locations;
  bool is_repeatable = false;
  Pos pos;
};

struct OperationTypeDefinition {
  std::string operation;
  std::string type;
  Pos pos;
};

struct SchemaDefinition {
  std::string description;
  std::vector<Directive> directives;
  std::vector<OperationTypeDefinition> operation_types;
  Pos pos;
};

struct SchemaDocument {
  std::vector<SchemaDefinition> schema;
  std::vector<SchemaDefinition> schema_extension;
  std::vector<DirectiveDefinition> directives;
  std::vector<Definition> definitions;
  std::vector<Definition> extensions;
};

// Parsing (graphql_parse_query.cc, graphql_parse_schema.cc): the first
// syntax error, as gqlparser reports it ("Expected Name, found <EOF>").
std::optional<Diagnostic> ParseQuery(std::string_view source, QueryDocument& out);
std::optional<Diagnostic> ParseSchema(std::string_view source, SchemaDocument& out);

// Syntax trees as OPA returns them (graphql_ast_value.cc), and back: the
// decoding follows Go's encoding/json into gqlparser's structs (field names
// match case-insensitively, unknown fields are ignored, a value of the wrong
// JSON type is an error).
Value QueryToValue(const QueryDocument& doc);
Value SchemaToValue(const SchemaDocument& doc);
std::optional<Diagnostic> QueryFromValue(const Value& value, QueryDocument& out);
std::optional<Diagnostic> SchemaFromValue(const Value& value, SchemaDocument& out);

// A validated schema (graphql_schema.cc): the document merged with the
// built-in prelude (scalars, @include / @skip / @deprecated / @specifiedBy,
// introspection types), extensions folded into their types, and the root
// operation types resolved. Definitions are referred to by index into
// `definitions`, which never changes after validation.
struct Schema {
  Schema() = default;
  Schema(const Schema&) = delete;  // the pointers below point into it
  Schema& operator=(const Schema&) = delete;

  std::vector<Definition> definitions;
  std::vector<DirectiveDefinition> directives;
  const Definition* query = nullptr;
  const Definition* mutation = nullptr;
  const Definition* subscription = nullptr;
  std::map<std::string, size_t, std::less<>> type_index;       // into definitions
  std::map<std::string, size_t, std::less<>> directive_index;  // into directives
  // For a union its members, for an object itself, for an interface the
  // types that declare they implement it (gqlparser's PossibleTypes).
  std::map<std::string, std::vector<size_t>, std::less<>> possible_types;

  const Definition* Type(std::string_view name) const;
  const DirectiveDefinition* Directive(std::string_view name) const;
  std::vector<const Definition*> PossibleTypes(std::string_view name) const;
};

// gqlparser's ValidateSchemaDocument over prelude + doc.
std::optional<Diagnostic> ValidateSchema(const SchemaDocument& doc, Schema& out);

// gqlparser's validator.Validate (graphql_validate*.cc): the first error of
// the graphql-js rules it implements.
std::optional<Diagnostic> ValidateQuery(const Schema& schema, const QueryDocument& doc);

}  // namespace sluice::policy::graphql
