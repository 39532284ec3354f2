// Schema validation: gqlparser's ValidateSchemaDocument over its prelude
// and the given document (validator/schema.go), with its messages.
#include <algorithm>

#include "policy/graphql.h"

namespace sluice::policy::graphql {
namespace {

// The types and directives every schema has (the GraphQL spec's built-in
// scalars and directives and the introspection types), without the
// descriptions, which validation never reads.
constexpr std::string_view kPrelude = R"(
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields: [__InputValue!]
  ofType: __Type
  specifiedByURL: String
}
type __Field {
  name: String!
  description: String
  args: [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
}
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive {
  name: String!
  description: String
  locations: [__DirectiveLocation!]!
  args: [__InputValue!]!
  isRepeatable: Boolean!
}
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT
  VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION
  ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
)";

using Err = std::optional<Diagnostic>;

Err Fail(Pos pos, std::string message) { return Diagnostic{std::move(message), pos}; }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool IsInputKind(std::string_view kind) {
  return kind == "SCALAR" || kind == "ENUM" || kind == "INPUT_OBJECT";
}

Err ValidateName(Pos pos, std::string_view name) {
  if (name.substr(0, 2) == "__") {
    return Fail(pos, "Name \"" + std::string(name) +
                         "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
  }
  return std::nullopt;
}

class SchemaChecker {
 public:
  explicit SchemaChecker(const Schema& s) : s_(s) {}

  Err TypeRefDefined(const TypeRef& t) {
    if (!t || !s_.Type(t->Name())) {
      return Fail(t ? t->pos : Pos{}, "Undefined type " + (t ? t->Name() : std::string()) + ".");
    }
    return std::nullopt;
  }

  Err Directives(const std::vector<Directive>& dirs, std::string_view location,
                 const DirectiveDefinition* current) {
    for (const Directive& dir : dirs) {
      if (Err e = ValidateName(dir.pos, dir.name)) return e;
      if (current && dir.name == current->name) {
        return Fail(dir.pos, "Directive " + current->name + " cannot refer to itself.");
      }
      const DirectiveDefinition* def = s_.Directive(dir.name);
      if (!def) return Fail(dir.pos, "Undefined directive " + dir.name + ".");
      if (std::find(def->locations.begin(), def->locations.end(), location) == def->locations.end()) {
        return Fail(dir.pos, "Directive " + dir.name + " is not applicable on " + std::string(location) + ".");
      }
    }
    return std::nullopt;
  }

  Err Args(const std::vector<ArgumentDefinition>& args, const DirectiveDefinition* current) {
    for (const ArgumentDefinition& arg : args) {
      if (Err e = ValidateName(arg.pos, arg.name)) return e;
      if (Err e = TypeRefDefined(arg.type)) return e;
      const Definition* def = s_.Type(arg.type->Name());
      if (!IsInputKind(def->kind)) {
        return Fail(arg.pos, "cannot use " + arg.type->String() + " as argument " + arg.name +
                                 " because " + def->kind + " is not a valid input type");
      }
      if (Err e = Directives(arg.directives, "ARGUMENT_DEFINITION", current)) return e;
    }
    return std::nullopt;
  }

  bool Covariant(const TypeRef& required, const TypeRef& actual) {
    if (!required || !actual) return false;
    if (required->non_null && !actual->non_null) return false;
    if (!required->named_type.empty()) {
      if (required->named_type == actual->named_type) return true;
      for (const Definition* pt : s_.PossibleTypes(required->named_type)) {
        if (pt->name == actual->named_type) return true;
      }
      return false;
    }
    if (required->elem && !actual->elem) return false;
    return Covariant(required->elem, actual->elem);
  }

  Err Implements(const Definition& def, const std::string& intf_name) {
    const Definition* intf = s_.Type(intf_name);
    if (!intf) return Fail(def.pos, "Undefined type " + Quote(intf_name) + ".");
    if (intf->kind != "INTERFACE") {
      return Fail(def.pos, Quote(intf_name) + " is a non interface type " + intf->kind + ".");
    }
    std::string prefix = "For " + def.name + " to implement " + intf->name;
    for (const FieldDefinition& required : intf->fields) {
      auto found = std::find_if(def.fields.begin(), def.fields.end(),
                                [&](const FieldDefinition& f) { return f.name == required.name; });
      if (found == def.fields.end()) {
        return Fail(def.pos, prefix + " it must have a field called " + required.name + ".");
      }
      if (!Covariant(required.type, found->type)) {
        return Fail(found->pos, prefix + " the field " + required.name + " must have type " +
                                    (required.type ? required.type->String() : "") + ".");
      }
      for (const ArgumentDefinition& req_arg : required.arguments) {
        auto arg = std::find_if(found->arguments.begin(), found->arguments.end(),
                                [&](const ArgumentDefinition& a) { return a.name == req_arg.name; });
        if (arg == found->arguments.end()) {
          return Fail(found->pos, prefix + " the field " + required.name +
                                      " must have the same arguments but it is missing " + req_arg.name + ".");
        }
        if (!TypeCompatible(req_arg.type, arg->type)) {
          return Fail(arg->pos, prefix + " the field " + required.name + " must have the same arguments but " +
                                    req_arg.name + " has the wrong type.");
        }
      }
      for (const ArgumentDefinition& arg : found->arguments) {
        bool declared = std::any_of(required.arguments.begin(), required.arguments.end(),
                                    [&](const ArgumentDefinition& a) { return a.name == arg.name; });
        if (!declared && arg.type && arg.type->non_null && !arg.default_value) {
          return Fail(arg.pos, prefix + " any additional arguments on " + found->name +
                                   " must be optional or have a default value but " + arg.name + " is required.");
        }
      }
    }
    for (const std::string& transitive : intf->interfaces) {
      if (std::find(def.interfaces.begin(), def.interfaces.end(), transitive) != def.interfaces.end()) continue;
      if (transitive == def.name) {
        return Fail(def.pos, "Type " + def.name + " cannot implement " + intf_name +
                                 " because it would create a circular reference.");
      }
      return Fail(def.pos, "Type " + def.name + " must implement " + transitive +
                               " because it is implemented by " + intf_name + ".");
    }
    return std::nullopt;
  }

  Err TypeDefinition(const Definition& def) {
    for (const FieldDefinition& field : def.fields) {
      if (Err e = ValidateName(field.pos, field.name)) return e;
      if (Err e = TypeRefDefined(field.type)) return e;
      if (Err e = Args(field.arguments, nullptr)) return e;
      std::string_view where = def.kind == "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION";
      if (Err e = Directives(field.directives, where, nullptr)) return e;
    }
    for (const std::string& type : def.types) {
      const Definition* member = s_.Type(type);
      if (!member) return Fail(def.pos, "Undefined type " + Quote(type) + ".");
      if (member->kind != "OBJECT") {
        return Fail(def.pos, def.kind + " type " + Quote(type) + " must be OBJECT.");
      }
    }
    for (const std::string& intf : def.interfaces) {
      if (Err e = Implements(def, intf)) return e;
    }
    if (def.kind == "OBJECT" || def.kind == "INTERFACE") {
      if (def.fields.empty()) return Fail(def.pos, def.kind + " " + def.name + ": must define one or more fields.");
      for (const FieldDefinition& field : def.fields) {
        const Definition* t = s_.Type(field.type->Name());
        if (t && t->kind == "INPUT_OBJECT") {
          return Fail(field.pos, def.kind + " " + def.name +
                                     ": field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
        }
      }
    } else if (def.kind == "ENUM") {
      if (def.enum_values.empty()) {
        return Fail(def.pos, def.kind + " " + def.name + ": must define one or more unique enum values.");
      }
      for (const EnumValueDefinition& value : def.enum_values) {
        if (value.name == "true" || value.name == "false" || value.name == "null") {
          return Fail(def.pos, def.kind + " " + def.name + ": non-enum value " + value.name + ".");
        }
      }
    } else if (def.kind == "INPUT_OBJECT") {
      if (def.fields.empty()) {
        return Fail(def.pos, def.kind + " " + def.name + ": must define one or more input fields.");
      }
      for (const FieldDefinition& field : def.fields) {
        const Definition* t = s_.Type(field.type->Name());
        if (t && !IsInputKind(t->kind)) {
          return Fail(field.pos, t->kind + " " + field.name + ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
        }
      }
    }
    for (size_t i = 0; i < def.fields.size(); ++i) {
      for (size_t j = i + 1; j < def.fields.size(); ++j) {
        if (def.fields[i].name == def.fields[j].name) {
          return Fail(def.fields[j].pos, "Field " + def.name + "." + def.fields[j].name + " can only be defined once.");
        }
      }
    }
    if (!def.built_in) {
      if (Err e = ValidateName(def.pos, def.name)) return e;
    }
    return Directives(def.directives, def.kind, nullptr);
  }

 private:
  const Schema& s_;
};

// Adds `defs` (prelude first, then the document) to the schema, folds in
// the extensions; the first redeclaration or kind mismatch.
Err Assemble(const SchemaDocument& doc, Schema& s) {
  for (const Definition& def : doc.definitions) {
    if (s.type_index.count(def.name)) return Fail(def.pos, "Cannot redeclare type " + def.name + ".");
    s.type_index.emplace(def.name, s.definitions.size());
    s.definitions.push_back(def);
  }
  for (const Definition& ext : doc.extensions) {
    auto it = s.type_index.find(ext.name);
    if (it == s.type_index.end()) {
      Definition created;
      created.kind = ext.kind;
      created.name = ext.name;
      created.pos = ext.pos;
      it = s.type_index.emplace(ext.name, s.definitions.size()).first;
      s.definitions.push_back(std::move(created));
    }
    Definition& def = s.definitions[it->second];
    if (def.kind != ext.kind) {
      return Fail(ext.pos, "Cannot extend type " + ext.name + " because the base type is a " + def.kind +
                               ", not " + ext.kind + ".");
    }
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(def.directives, ext.directives);
    append(def.interfaces, ext.interfaces);
    append(def.fields, ext.fields);
    append(def.types, ext.types);
    append(def.enum_values, ext.enum_values);
  }
  for (size_t i = 0; i < s.definitions.size(); ++i) {
    const Definition& def = s.definitions[i];
    if (def.kind == "UNION") {
      for (const std::string& t : def.types) {
        if (auto m = s.type_index.find(t); m != s.type_index.end()) s.possible_types[def.name].push_back(m->second);
      }
    } else if (def.kind == "OBJECT" || def.kind == "INPUT_OBJECT" || def.kind == "INTERFACE") {
      for (const std::string& intf : def.interfaces) s.possible_types[intf].push_back(i);
      if (def.kind != "INTERFACE") s.possible_types[def.name].push_back(i);
    }
  }
  for (const DirectiveDefinition& dir : doc.directives) {
    if (auto it = s.directive_index.find(dir.name); it != s.directive_index.end()) {
      if (dir.name != "include" && dir.name != "skip" && dir.name != "deprecated" && dir.name != "specifiedBy") {
        return Fail(dir.pos, "Cannot redeclare directive " + dir.name + ".");
      }
      s.directives[it->second] = dir;  // gqlparser's map keeps the last one
      continue;
    }
    s.directive_index.emplace(dir.name, s.directives.size());
    s.directives.push_back(dir);
  }
  return std::nullopt;
}

// Resolves `schema { ... }` and `extend schema { ... }` root types.
Err Roots(const SchemaDocument& doc, Schema& s) {
  if (doc.schema.size() > 1) {
    return Fail(doc.schema[1].pos, "Cannot have multiple schema entry points, consider schema extensions instead.");
  }
  std::vector<const SchemaDefinition*> defs;
  for (const SchemaDefinition& d : doc.schema) defs.push_back(&d);
  for (const SchemaDefinition& d : doc.schema_extension) defs.push_back(&d);
  for (const SchemaDefinition* d : defs) {
    for (const OperationTypeDefinition& op : d->operation_types) {
      const Definition* def = s.Type(op.type);
      if (!def) {
        return Fail(op.pos, "Schema root " + op.operation + " refers to a type " + op.type + " that does not exist.");
      }
      if (op.operation == "query") s.query = def;
      if (op.operation == "mutation") s.mutation = def;
      if (op.operation == "subscription") s.subscription = def;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string Type::String() const {
  std::string out = named_type.empty() ? "[" + (elem ? elem->String() : std::string()) + "]" : named_type;
  return non_null ? out + "!" : out;
}

bool TypeCompatible(const TypeRef& a, const TypeRef& b) {
  if (!a || !b) return a == b;
  if (a->named_type != b->named_type) return false;
  if (a->elem && !b->elem) return false;
  if (a->elem && !TypeCompatible(a->elem, b->elem)) return false;
  return b->non_null ? a->non_null : true;
}

const Definition* Schema::Type(std::string_view name) const {
  auto it = type_index.find(name);
  return it == type_index.end() ? nullptr : &definitions[it->second];
}

const DirectiveDefinition* Schema::Directive(std::string_view name) const {
  auto it = directive_index.find(name);
  return it == directive_index.end() ? nullptr : &directives[it->second];
}

std::vector<const Definition*> Schema::PossibleTypes(std::string_view name) const {
  std::vector<const Definition*> out;
  if (auto it = possible_types.find(name); it != possible_types.end()) {
    for (size_t i : it->second) out.push_back(&definitions[i]);
  }
  return out;
}

std::optional<Diagnostic> ValidateSchema(const SchemaDocument& doc, Schema& s) {
  SchemaDocument merged;
  if (Err e = ParseSchema(kPrelude, merged)) return e;  // cannot happen: the prelude is fixed
  for (Definition& def : merged.definitions) def.built_in = true;
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(merged.schema, doc.schema);
  append(merged.schema_extension, doc.schema_extension);
  append(merged.directives, doc.directives);
  append(merged.definitions, doc.definitions);
  append(merged.extensions, doc.extensions);

  if (Err e = Assemble(merged, s)) return e;
  if (Err e = Roots(merged, s)) return e;
  SchemaChecker check(s);
  for (const auto& [name, index] : s.type_index) {  // sorted by name, as gqlparser goes
    if (Err e = check.TypeDefinition(s.definitions[index])) return e;
  }
  for (const auto& [name, index] : s.directive_index) {
    const DirectiveDefinition& dir = s.directives[index];
    if (Err e = ValidateName(dir.pos, dir.name)) return e;
    if (Err e = check.Args(dir.arguments, &dir)) return e;
  }
  if (merged.schema.empty()) {
    if (!s.query) s.query = s.Type("Query");
    if (!s.mutation) s.mutation = s.Type("Mutation");
    if (!s.subscription) s.subscription = s.Type("Subscription");
  }
  if (s.query) {
    // Introspection entry points, as gqlparser adds them to the query type.
    auto& query = s.definitions[s.type_index.find(s.query->name)->second];
    FieldDefinition schema_field;
    schema_field.name = "__schema";
    schema_field.type = std::make_shared<graphql::Type>(graphql::Type{"__Schema", nullptr, true, {}});
    FieldDefinition type_field;
    type_field.name = "__type";
    type_field.type = std::make_shared<graphql::Type>(graphql::Type{"__Type", nullptr, false, {}});
    ArgumentDefinition name_arg;
    name_arg.name = "name";
    name_arg.type = std::make_shared<graphql::Type>(graphql::Type{"String", nullptr, true, {}});
    type_field.arguments.push_back(std::move(name_arg));
    query.fields.push_back(std::move(schema_field));
    query.fields.push_back(std::move(type_field));
  }
  return std::nullopt;
}

}  // namespace sluice::policy::graphql
