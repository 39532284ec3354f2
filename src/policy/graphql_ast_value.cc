// Syntax trees to Rego values, as OPA builds them: gqlparser's structs
// through encoding/json (Go field names), then pruned of Position, nulls and
// empty arrays / objects (topdown/graphql.go pruneIrrelevantGraphQLASTNodes).
// Strings, booleans and numbers are kept even when zero.
#include "policy/graphql.h"

namespace sluice::policy::graphql {
namespace {

class Obj {
 public:
  Obj& Str(std::string_view key, std::string_view s) { return Put(key, Value::String(s)); }
  Obj& Bool(std::string_view key, bool b) { return Put(key, Value::Boolean(b)); }
  Obj& Int(std::string_view key, int64_t i) { return Put(key, Value::Int(i)); }
  // Dropped when null or empty, as the pruning does.
  Obj& Maybe(std::string_view key, Value v) {
    if (v.IsNull() || (v.IsCollection() && v.size() == 0)) return *this;
    return Put(key, std::move(v));
  }
  Value Build() { return std::move(b_).Build(); }  // once

 private:
  Obj& Put(std::string_view key, Value v) {
    b_.Insert(Value::String(key), std::move(v));
    return *this;
  }
  ObjectBuilder b_;
};

template <class T, class F>
Value List(const std::vector<T>& items, F convert) {
  ArrayBuilder out;
  for (const T& item : items) out.Push(convert(item));
  return std::move(out).Build();
}

Value Strings(const std::vector<std::string>& items) {
  return List(items, [](const std::string& s) { return Value::String(s); });
}

Value FromType(const TypeRef& t) {
  if (!t) return Value::Null();
  return Obj()
      .Str("NamedType", t->named_type)
      .Maybe("Elem", FromType(t->elem))
      .Bool("NonNull", t->non_null)
      .Build();
}

Value FromAstValue(const ValueRef& v) {
  if (!v) return Value::Null();
  return Obj()
      .Str("Raw", v->raw)
      .Maybe("Children", List(v->children,
                              [](const ChildValue& c) {
                                return Obj().Str("Name", c.name).Maybe("Value", FromAstValue(c.value)).Build();
                              }))
      .Int("Kind", static_cast<int>(v->kind))
      .Bool("ExpectedTypeHasDefault", false)
      .Build();
}

Value Arguments(const std::vector<Argument>& args) {
  return List(args, [](const Argument& a) {
    return Obj().Str("Name", a.name).Maybe("Value", FromAstValue(a.value)).Build();
  });
}

Value Directives(const std::vector<Directive>& dirs) {
  return List(dirs, [](const Directive& d) {
    return Obj().Str("Name", d.name).Maybe("Arguments", Arguments(d.arguments)).Str("Location", d.location).Build();
  });
}

Value Variables(const std::vector<VariableDefinition>& vars) {
  return List(vars, [](const VariableDefinition& v) {
    return Obj()
        .Str("Variable", v.variable)
        .Maybe("Type", FromType(v.type))
        .Maybe("DefaultValue", FromAstValue(v.default_value))
        .Maybe("Directives", Directives(v.directives))
        .Bool("Used", false)
        .Build();
  });
}

Value Selections(const std::vector<Selection>& set) {
  return List(set, [](const Selection& s) {
    Obj o;
    switch (s.kind) {
      case Selection::Kind::kField:
        o.Str("Alias", s.alias).Str("Name", s.name).Maybe("Arguments", Arguments(s.arguments));
        break;
      case Selection::Kind::kFragmentSpread:
        o.Str("Name", s.name);
        break;
      case Selection::Kind::kInlineFragment:
        o.Str("TypeCondition", s.type_condition);
        break;
    }
    o.Maybe("Directives", Directives(s.directives));
    if (s.kind != Selection::Kind::kFragmentSpread) o.Maybe("SelectionSet", Selections(s.selection_set));
    return o.Build();
  });
}

Value ArgumentDefs(const std::vector<ArgumentDefinition>& args) {
  return List(args, [](const ArgumentDefinition& a) {
    return Obj()
        .Str("Description", a.description)
        .Str("Name", a.name)
        .Maybe("DefaultValue", FromAstValue(a.default_value))
        .Maybe("Type", FromType(a.type))
        .Maybe("Directives", Directives(a.directives))
        .Build();
  });
}

Value Definitions(const std::vector<Definition>& defs) {
  return List(defs, [](const Definition& d) {
    return Obj()
        .Str("Kind", d.kind)
        .Str("Description", d.description)
        .Str("Name", d.name)
        .Maybe("Directives", Directives(d.directives))
        .Maybe("Interfaces", Strings(d.interfaces))
        .Maybe("Fields", List(d.fields,
                              [](const FieldDefinition& f) {
                                return Obj()
                                    .Str("Description", f.description)
                                    .Str("Name", f.name)
                                    .Maybe("Arguments", ArgumentDefs(f.arguments))
                                    .Maybe("DefaultValue", FromAstValue(f.default_value))
                                    .Maybe("Type", FromType(f.type))
                                    .Maybe("Directives", Directives(f.directives))
                                    .Build();
                              }))
        .Maybe("Types", Strings(d.types))
        .Maybe("EnumValues", List(d.enum_values,
                                  [](const EnumValueDefinition& e) {
                                    return Obj()
                                        .Str("Description", e.description)
                                        .Str("Name", e.name)
                                        .Maybe("Directives", Directives(e.directives))
                                        .Build();
                                  }))
        .Bool("BuiltIn", d.built_in)
        .Build();
  });
}

Value SchemaDefs(const std::vector<SchemaDefinition>& defs) {
  return List(defs, [](const SchemaDefinition& s) {
    return Obj()
        .Str("Description", s.description)
        .Maybe("Directives", Directives(s.directives))
        .Maybe("OperationTypes", List(s.operation_types,
                                      [](const OperationTypeDefinition& o) {
                                        return Obj().Str("Operation", o.operation).Str("Type", o.type).Build();
                                      }))
        .Build();
  });
}

}  // namespace

Value QueryToValue(const QueryDocument& doc) {
  return Obj()
      .Maybe("Operations", List(doc.operations,
                                [](const OperationDefinition& op) {
                                  return Obj()
                                      .Str("Operation", op.operation)
                                      .Str("Name", op.name)
                                      .Maybe("VariableDefinitions", Variables(op.variable_definitions))
                                      .Maybe("Directives", Directives(op.directives))
                                      .Maybe("SelectionSet", Selections(op.selection_set))
                                      .Build();
                                }))
      .Maybe("Fragments", List(doc.fragments,
                               [](const FragmentDefinition& f) {
                                 return Obj()
                                     .Str("Name", f.name)
                                     .Maybe("VariableDefinition", Variables(f.variable_definition))
                                     .Str("TypeCondition", f.type_condition)
                                     .Maybe("Directives", Directives(f.directives))
                                     .Maybe("SelectionSet", Selections(f.selection_set))
                                     .Build();
                               }))
      .Build();
}

Value SchemaToValue(const SchemaDocument& doc) {
  return Obj()
      .Maybe("Schema", SchemaDefs(doc.schema))
      .Maybe("SchemaExtension", SchemaDefs(doc.schema_extension))
      .Maybe("Directives", List(doc.directives,
                                [](const DirectiveDefinition& d) {
                                  return Obj()
                                      .Str("Description", d.description)
                                      .Str("Name", d.name)
                                      .Maybe("Arguments", ArgumentDefs(d.arguments))
                                      .Maybe("Locations", Strings(d.locations))
                                      .Bool("IsRepeatable", d.is_repeatable)
                                      .Build();
                                }))
      .Maybe("Definitions", Definitions(doc.definitions))
      .Maybe("Extensions", Definitions(doc.extensions))
      .Build();
}

}  // namespace sluice::policy::graphql
