// Rego values to syntax trees, the way OPA gets them: the value through
// encoding/json into gqlparser's structs. Go matches struct fields to keys
// case-insensitively, except in the hand-written decoders gqlparser has for
// operations, fragments and fields (exact keys). A selection set element
// always decodes as a field there (the first decoder tried accepts any
// object), so inline fragments and spreads come back as fields; we do the
// same. A JSON type mismatch fails the whole decoding.
#include <cctype>

#include "policy/graphql.h"

namespace sluice::policy::graphql {
namespace {

bool SameKey(std::string_view a, std::string_view b, bool exact) {
  if (exact) return a == b;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

class Decoder {
 public:
  const std::optional<Diagnostic>& error() const { return err_; }

  // The member of `obj` for `key`; nullptr when absent or JSON null.
  const Value* Field(const Value& obj, std::string_view key, bool exact = false) {
    if (const Value* v = obj.Find(key)) return v->IsNull() ? nullptr : v;
    if (exact) return nullptr;
    for (const ObjectEntry& e : obj.ObjectEntries()) {
      if (e.key.IsString() && SameKey(e.key.AsString(), key, false)) {
        return e.value.IsNull() ? nullptr : &e.value;
      }
    }
    return nullptr;
  }

  void Str(const Value& obj, std::string_view key, std::string& out, bool exact = false) {
    const Value* v = Field(obj, key, exact);
    if (!v) return;
    if (!v->IsString()) return Fail("cannot unmarshal into string field " + std::string(key));
    out = std::string(v->AsString());
  }

  void Bool(const Value& obj, std::string_view key, bool& out) {
    const Value* v = Field(obj, key);
    if (!v) return;
    if (!v->IsBoolean()) return Fail("cannot unmarshal into bool field " + std::string(key));
    out = v->AsBool();
  }

  void Strings(const Value& obj, std::string_view key, std::vector<std::string>& out) {
    const Value* v = Field(obj, key);
    if (!v) return;
    if (!v->IsArray()) return Fail("cannot unmarshal into array field " + std::string(key));
    for (const Value& e : v->ArrayElems()) {
      if (!e.IsNull() && !e.IsString()) return Fail("cannot unmarshal into string element of " + std::string(key));
      out.push_back(e.IsString() ? std::string(e.AsString()) : "");
    }
  }

  // An array of objects, each decoded by `item`.
  template <class T, class F>
  void List(const Value& obj, std::string_view key, std::vector<T>& out, F item, bool exact = false) {
    const Value* v = Field(obj, key, exact);
    if (!v) return;
    if (!v->IsArray()) return Fail("cannot unmarshal into array field " + std::string(key));
    for (const Value& e : v->ArrayElems()) {
      T t{};
      if (e.IsObject()) {
        item(e, t);
      } else if (!e.IsNull()) {
        return Fail("cannot unmarshal into object element of " + std::string(key));
      }
      out.push_back(std::move(t));
    }
  }

  TypeRef Type(const Value& obj, std::string_view key) {
    const Value* v = Field(obj, key);
    if (!v) return nullptr;
    if (!v->IsObject()) {
      Fail("cannot unmarshal into object field " + std::string(key));
      return nullptr;
    }
    auto t = std::make_shared<graphql::Type>();
    Str(*v, "NamedType", t->named_type);
    t->elem = Type(*v, "Elem");
    Bool(*v, "NonNull", t->non_null);
    return t;
  }

  ValueRef AstVal(const Value& obj, std::string_view key) {
    const Value* v = Field(obj, key);
    if (!v) return nullptr;
    if (!v->IsObject()) {
      Fail("cannot unmarshal into object field " + std::string(key));
      return nullptr;
    }
    auto out = std::make_shared<AstValue>();
    Str(*v, "Raw", out->raw);
    List(*v, "Children", out->children, [&](const Value& c, ChildValue& child) {
      Str(c, "Name", child.name);
      child.value = AstVal(c, "Value");
    });
    if (const Value* kind = Field(*v, "Kind")) {
      std::optional<int64_t> k = kind->IsNumber() && kind->AsNumber().IsInteger() ? kind->AsNumber().ToInt64() : std::nullopt;
      if (!k) {
        Fail("cannot unmarshal into int field Kind");
      } else {
        out->kind = static_cast<ValueKind>(*k);
      }
    }
    return out;
  }

  void Arguments(const Value& obj, std::vector<Argument>& out) {
    List(obj, "Arguments", out, [&](const Value& a, Argument& arg) {
      Str(a, "Name", arg.name);
      arg.value = AstVal(a, "Value");
    });
  }

  void Directives(const Value& obj, std::vector<Directive>& out) {
    List(obj, "Directives", out, [&](const Value& d, Directive& dir) {
      Str(d, "Name", dir.name);
      Arguments(d, dir.arguments);
      Str(d, "Location", dir.location);
    });
  }

  void Variables(const Value& obj, std::string_view key, std::vector<VariableDefinition>& out) {
    List(obj, key, out, [&](const Value& v, VariableDefinition& def) {
      Str(v, "Variable", def.variable);
      def.type = Type(v, "Type");
      def.default_value = AstVal(v, "DefaultValue");
      Directives(v, def.directives);
    });
  }

  void Selections(const Value& obj, std::vector<Selection>& out) {
    List(obj, "SelectionSet", out, [&](const Value& s, Selection& sel) {
      sel.kind = Selection::Kind::kField;
      Str(s, "Alias", sel.alias, true);
      Str(s, "Name", sel.name, true);
      Arguments(s, sel.arguments);
      Directives(s, sel.directives);
      Selections(s, sel.selection_set);
    }, true);
  }

  void ArgumentDefs(const Value& obj, std::vector<ArgumentDefinition>& out) {
    List(obj, "Arguments", out, [&](const Value& a, ArgumentDefinition& def) {
      Str(a, "Description", def.description);
      Str(a, "Name", def.name);
      def.default_value = AstVal(a, "DefaultValue");
      def.type = Type(a, "Type");
      Directives(a, def.directives);
    });
  }

  void Definitions(const Value& obj, std::string_view key, std::vector<Definition>& out) {
    List(obj, key, out, [&](const Value& d, Definition& def) {
      Str(d, "Kind", def.kind);
      Str(d, "Description", def.description);
      Str(d, "Name", def.name);
      Directives(d, def.directives);
      Strings(d, "Interfaces", def.interfaces);
      List(d, "Fields", def.fields, [&](const Value& f, FieldDefinition& field) {
        Str(f, "Description", field.description);
        Str(f, "Name", field.name);
        ArgumentDefs(f, field.arguments);
        field.default_value = AstVal(f, "DefaultValue");
        field.type = Type(f, "Type");
        Directives(f, field.directives);
      });
      Strings(d, "Types", def.types);
      List(d, "EnumValues", def.enum_values, [&](const Value& e, EnumValueDefinition& value) {
        Str(e, "Description", value.description);
        Str(e, "Name", value.name);
        Directives(e, value.directives);
      });
      Bool(d, "BuiltIn", def.built_in);
    });
  }

  void SchemaDefs(const Value& obj, std::string_view key, std::vector<SchemaDefinition>& out) {
    List(obj, key, out, [&](const Value& s, SchemaDefinition& def) {
      Str(s, "Description", def.description);
      Directives(s, def.directives);
      List(s, "OperationTypes", def.operation_types, [&](const Value& o, OperationTypeDefinition& op) {
        Str(o, "Operation", op.operation);
        Str(o, "Type", op.type);
      });
    });
  }

 private:
  void Fail(std::string message) {
    if (!err_) err_ = Diagnostic{"json: " + std::move(message), {}};
  }
  std::optional<Diagnostic> err_;
};

}  // namespace

std::optional<Diagnostic> QueryFromValue(const Value& value, QueryDocument& out) {
  Decoder d;
  out = QueryDocument{};
  d.List(value, "Operations", out.operations, [&](const Value& o, OperationDefinition& op) {
    d.Str(o, "Operation", op.operation, true);
    d.Str(o, "Name", op.name, true);
    d.Variables(o, "VariableDefinitions", op.variable_definitions);
    d.Directives(o, op.directives);
    d.Selections(o, op.selection_set);
  });
  d.List(value, "Fragments", out.fragments, [&](const Value& f, FragmentDefinition& frag) {
    d.Str(f, "Name", frag.name, true);
    d.Variables(f, "VariableDefinition", frag.variable_definition);
    d.Str(f, "TypeCondition", frag.type_condition, true);
    d.Directives(f, frag.directives);
    d.Selections(f, frag.selection_set);
  });
  return d.error();
}

std::optional<Diagnostic> SchemaFromValue(const Value& value, SchemaDocument& out) {
  Decoder d;
  out = SchemaDocument{};
  d.SchemaDefs(value, "Schema", out.schema);
  d.SchemaDefs(value, "SchemaExtension", out.schema_extension);
  d.List(value, "Directives", out.directives, [&](const Value& v, DirectiveDefinition& def) {
    d.Str(v, "Description", def.description);
    d.Str(v, "Name", def.name);
    d.ArgumentDefs(v, def.arguments);
    d.Strings(v, "Locations", def.locations);
    d.Bool(v, "IsRepeatable", def.is_repeatable);
  });
  d.Definitions(value, "Definitions", out.definitions);
  d.Definitions(value, "Extensions", out.extensions);
  return d.error();
}

}  // namespace sluice::policy::graphql
