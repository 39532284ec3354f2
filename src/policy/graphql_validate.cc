// Query validation against a schema: gqlparser's validator.Validate, which
// walks the document once (validator/walk.go) and lets each rule observe
// operations, fields, fragments, directives and values. Only the first
// error matters to OPA, so rules run in gqlparser's order (its rule files
// register alphabetically) at the same points of the walk, and the first
// error is kept.
//
// Implemented rules: FieldsOnCorrectType, FragmentsOnCompositeTypes,
// KnownArgumentNames, KnownDirectives, KnownFragmentNames, KnownRootType,
// KnownTypeNames, LoneAnonymousOperation, NoFragmentCycles,
// NoUndefinedVariables, NoUnusedFragments, NoUnusedVariables,
// PossibleFragmentSpreads, ProvidedRequiredArguments, ScalarLeafs,
// UniqueArgumentNames, UniqueDirectivesPerLocation, UniqueFragmentNames,
// UniqueOperationNames, UniqueVariableNames, VariablesAreInputTypes;
// ValuesOfCorrectType and VariablesInAllowedPosition (graphql_values.cc);
// SingleFieldSubscriptions (graphql_subscriptions.cc);
// OverlappingFieldsCanBeMerged (graphql_overlap.cc).
// "Did you mean" hints come from graphql_suggest.cc.
#include <algorithm>
#include <map>
#include <set>

#include "policy/graphql.h"
#include "policy/graphql_rules.h"

namespace sluice::policy::graphql {
namespace {

bool IsLeaf(const Definition& d) { return d.kind == "ENUM" || d.kind == "SCALAR"; }
bool IsComposite(const Definition& d) {
  return d.kind == "OBJECT" || d.kind == "INTERFACE" || d.kind == "UNION";
}
bool IsInput(const Definition& d) {
  return d.kind == "SCALAR" || d.kind == "ENUM" || d.kind == "INPUT_OBJECT";
}

template <class T>
const T* ByName(const std::vector<T>& items, std::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

class Walker {
 public:
  Walker(const Schema& schema, const QueryDocument& doc) : s_(schema), doc_(doc), overlap_(schema, doc, infos_) {}

  std::optional<Diagnostic> Run() {
    for (const OperationDefinition& op : doc_.operations) {
      spread_walked_.clear();
      Operation(op);
    }
    for (const FragmentDefinition& frag : doc_.fragments) {
      spread_walked_.clear();
      Fragment(frag);
    }
    return first_;
  }

 private:
  void Error(Pos pos, std::string message) {
    if (!first_) first_ = Diagnostic{std::move(message), pos};
  }
  internal::ErrorSink Sink() {
    return [this](Pos pos, std::string message) { Error(pos, std::move(message)); };
  }
  const Definition* TypeOf(const TypeRef& t) const { return t ? s_.Type(t->Name()) : nullptr; }

  void Operation(const OperationDefinition& op) {
    op_ = &op;
    used_.clear();
    for (const VariableDefinition& var : op.variable_definitions) {
      if (!TypeOf(var.type)) {  // KnownTypeNames
        Error(var.pos, "Unknown type \"" + (var.type ? var.type->Name() : std::string()) + "\".");
      }
    }
    const Definition* root = op.operation == "mutation"       ? s_.mutation
                             : op.operation == "subscription" ? s_.subscription
                                                              : s_.query;
    std::string loc = op.operation == "mutation"       ? "MUTATION"
                      : op.operation == "subscription" ? "SUBSCRIPTION"
                                                       : "QUERY";
    for (const VariableDefinition& var : op.variable_definitions) {
      if (var.default_value) Val(*var.default_value, var.type, TypeOf(var.type));
      Directives(var.directives, "VARIABLE_DEFINITION");
    }
    Directives(op.directives, loc);
    SelectionSet(root, op.selection_set);

    if (!root) Error(op.pos, "Schema does not support operation type \"" + op.operation + "\"");
    if (op.name.empty() && doc_.operations.size() > 1) {
      Error(op.pos, "This anonymous operation must be the only defined operation.");
    }
    for (const VariableDefinition& var : op.variable_definitions) {
      if (used_.count(var.variable)) continue;
      Error(var.pos, "Variable \"$" + var.variable + "\" is never used" +
                         (op.name.empty() ? "." : " in operation \"" + op.name + "\"."));
    }
    overlap_.Check(op.selection_set, Sink());
    internal::CheckSingleFieldSubscription(s_, doc_, op, Sink());
    if (!operation_names_.insert(op.name).second) {
      Error(op.pos, "There can be only one operation named \"" + op.name + "\".");
    }
    std::map<std::string, int> seen;
    for (const VariableDefinition& var : op.variable_definitions) {
      if (seen[var.variable]++ == 1) {
        Error(var.pos, "There can be only one variable named \"$" + var.variable + "\".");
      }
    }
    for (const VariableDefinition& var : op.variable_definitions) {
      const Definition* def = TypeOf(var.type);
      if (def && !IsInput(*def)) {
        Error(var.pos, "Variable \"$" + var.variable + "\" cannot be non-input type \"" + var.type->String() + "\".");
      }
    }
    op_ = nullptr;
  }

  void Fragment(const FragmentDefinition& frag) {
    const Definition* def = s_.Type(frag.type_condition);
    Directives(frag.directives, "FRAGMENT_DEFINITION");
    SelectionSet(def, frag.selection_set);

    if (def && !frag.type_condition.empty() && !IsComposite(*def)) {
      Error(frag.pos, "Fragment \"" + frag.name + "\" cannot condition on non composite type \"" +
                          frag.type_condition + "\".");
    }
    if (!def) {
      std::vector<std::string> names;
      for (const Definition& d : s_.definitions) names.push_back(d.name);
      Error(frag.pos, "Unknown type \"" + frag.type_condition + "\"." +
                          internal::Suggest("Did you mean", frag.type_condition, names));
    }
    std::vector<const Selection*> path;
    std::map<std::string, size_t> path_index;
    Cycles(frag, path, path_index);
    in_fragment_definition_ = true;
    if (!spread_names_.count(frag.name)) Error(frag.pos, "Fragment \"" + frag.name + "\" is never used.");
    overlap_.Check(frag.selection_set, Sink());
    if (!fragment_names_.insert(frag.name).second) {
      Error(frag.pos, "There can be only one fragment named \"" + frag.name + "\".");
    }
  }

  // FieldsOnCorrectType's hint: for an abstract type, the types that have
  // the field (interfaces used most first), else similar field names.
  std::string FieldSuggestion(const Definition& parent, const std::string& name) const {
    if (parent.kind == "INTERFACE" || parent.kind == "UNION") {
      std::vector<std::string> objects, interfaces;
      std::map<std::string, int> uses;
      for (const Definition* t : s_.PossibleTypes(parent.name)) {
        if (!ByName(t->fields, name)) continue;
        objects.push_back(t->name);
        for (const std::string& intf : t->interfaces) {
          const Definition* i = s_.Type(intf);
          if (!i || !ByName(i->fields, name)) continue;
          if (uses[intf]++ == 0) interfaces.push_back(intf);
        }
      }
      interfaces.insert(interfaces.end(), objects.begin(), objects.end());
      std::stable_sort(interfaces.begin(), interfaces.end(), [&](const std::string& a, const std::string& b) {
        int ua = uses.count(a) ? uses.at(a) : 0, ub = uses.count(b) ? uses.at(b) : 0;
        return ua != ub ? ua > ub : a < b;
      });
      if (!interfaces.empty()) {
        return " Did you mean to use an inline fragment on " + internal::QuotedOrList(interfaces) + "?";
      }
    }
    if (parent.kind != "OBJECT" && parent.kind != "INTERFACE") return "";
    return internal::Suggest("Did you mean", name, Names(parent.fields));
  }

  template <class T>
  static std::vector<std::string> Names(const std::vector<T>& items) {
    std::vector<std::string> names;
    for (const T& item : items) names.push_back(item.name);
    return names;
  }

  const FragmentDefinition* FragmentNamed(std::string_view name) const {
    for (const FragmentDefinition& f : doc_.fragments) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  // PossibleFragmentSpreads: whether a fragment on `type_name` may apply
  // where objects of `parent` are selected (their possible types meet).
  bool CanSpread(const Definition* parent, const std::string& type_name) const {
    if (!parent) return true;
    std::vector<const Definition*> parents;
    if (parent->kind == "OBJECT") {
      parents = {parent};
    } else if (parent->kind == "INTERFACE" || parent->kind == "UNION") {
      parents = s_.PossibleTypes(parent->name);
    } else {
      return true;
    }
    const Definition* frag_type = s_.Type(type_name);
    if (!frag_type || !IsComposite(*frag_type)) return true;
    for (const Definition* f : s_.PossibleTypes(frag_type->name)) {
      for (const Definition* p : parents) {
        if (p->name == f->name) return true;
      }
    }
    return false;
  }

  // NoFragmentCycles: a depth-first search over fragment spreads, each
  // fragment entered once per document; `path` holds the spreads followed.
  void Cycles(const FragmentDefinition& frag, std::vector<const Selection*>& path,
              std::map<std::string, size_t>& path_index) {
    if (!cycle_visited_.insert(frag.name).second) return;
    std::vector<const Selection*> spreads;  // in gqlparser's (stack) order
    std::vector<const std::vector<Selection>*> to_visit{&frag.selection_set};
    while (!to_visit.empty()) {
      const std::vector<Selection>* set = to_visit.back();
      to_visit.pop_back();
      for (const Selection& sel : *set) {
        if (sel.kind == Selection::Kind::kFragmentSpread) {
          spreads.push_back(&sel);
        } else {
          to_visit.push_back(&sel.selection_set);
        }
      }
    }
    if (spreads.empty()) return;
    path_index[frag.name] = path.size();
    for (const Selection* spread : spreads) {
      auto cycle = path_index.find(spread->name);
      path.push_back(spread);
      if (cycle == path_index.end()) {
        if (const FragmentDefinition* next = FragmentNamed(spread->name)) Cycles(*next, path, path_index);
      } else {
        std::string via;
        for (size_t i = cycle->second; i + 1 < path.size(); ++i) {
          via += (via.empty() ? " via \"" : ", \"") + path[i]->name + "\"";
        }
        Error(spread->pos, "Cannot spread fragment \"" + spread->name + "\" within itself" + via + ".");
      }
      path.pop_back();
    }
    path_index.erase(frag.name);
  }

  void UniqueArguments(const std::vector<Argument>& args) {
    std::map<std::string, int> seen;
    for (const Argument& arg : args) {
      if (seen[arg.name]++ == 1) Error(arg.pos, "There can be only one argument named \"" + arg.name + "\".");
    }
  }

  // A missing required argument of a field or directive.
  void RequiredArguments(const std::vector<ArgumentDefinition>& defs, const std::vector<Argument>& args,
                         const std::string& what, Pos pos) {
    for (const ArgumentDefinition& def : defs) {
      if (!def.type || !def.type->non_null || def.default_value || ByName(args, def.name)) continue;
      Error(pos, what + " argument \"" + def.name + "\" of type \"" + def.type->String() +
                      "\" is required, but it was not provided.");
    }
  }

  void Directives(const std::vector<Directive>& dirs, const std::string& location) {
    for (const Directive& dir : dirs) {
      const DirectiveDefinition* def = s_.Directive(dir.name);
      for (const Argument& arg : dir.arguments) ArgumentValue(arg, def ? &def->arguments : nullptr);
      if (def) {  // KnownArgumentNames
        for (const Argument& arg : dir.arguments) {
          if (!ByName(def->arguments, arg.name)) {
            Error(dir.pos, "Unknown argument \"" + arg.name + "\" on directive \"@" + dir.name + "\"." +
                               internal::Suggest("Did you mean", arg.name, Names(def->arguments)));
          }
        }
      }
      if (!def) {
        Error(dir.pos, "Unknown directive \"@" + dir.name + "\".");
      } else if (std::find(def->locations.begin(), def->locations.end(), location) == def->locations.end()) {
        Error(dir.pos, "Directive \"@" + dir.name + "\" may not be used on " + location + ".");
      }
      if (def) {
        RequiredArguments(def->arguments, dir.arguments, "Directive \"@" + def->name + "\"", dir.pos);
      }
      UniqueArguments(dir.arguments);
    }
    std::set<std::string> seen;  // UniqueDirectivesPerLocation
    for (const Directive& dir : dirs) {
      if (!seen.insert(dir.name).second && dir.name != "repeatable") {
        Error(dir.pos, "The directive \"@" + dir.name + "\" can only be used once at this location.");
      }
    }
  }

  // Walks a value where `expected` (null when unknown) is wanted, `def`
  // its named type: marks the variables it uses; NoUndefinedVariables,
  // ValuesOfCorrectType, VariablesInAllowedPosition.
  void Val(const AstValue& v, const TypeRef& expected, const Definition* def) {
    const VariableDefinition* var = nullptr;
    if (v.kind == ValueKind::kVariable && op_) {
      for (const VariableDefinition& d : op_->variable_definitions) {
        if (d.variable == v.raw) {
          var = &d;
          break;
        }
      }
      if (var) used_.insert(v.raw);
    }
    for (const ChildValue& child : v.children) {
      if (!child.value) continue;
      TypeRef child_type;
      const Definition* child_def = nullptr;
      if (v.kind == ValueKind::kObject && def) {
        if (const FieldDefinition* field = ByName(def->fields, child.name)) {
          child_type = field->type;
          child_def = TypeOf(field->type);
        }
      } else if (v.kind == ValueKind::kList && expected && expected->elem) {
        child_type = expected->elem;
        child_def = def;
      }
      Val(*child.value, child_type, child_def);
    }
    if (v.kind == ValueKind::kVariable && op_ && !var) {
      Error(v.pos, "Variable \"$" + v.raw + "\" is not defined" +
                       (op_->name.empty() ? "." : " by operation \"" + op_->name + "\"."));
    }
    if (expected && def) internal::CheckValueType(v, *expected, *def, Sink());
    if (expected && var) internal::CheckVariablePosition(v, *expected, *var, Sink());
  }

  // An argument's value, given the definitions of the arguments allowed.
  void ArgumentValue(const Argument& arg, const std::vector<ArgumentDefinition>* defs) {
    if (!arg.value) return;
    const ArgumentDefinition* def = defs ? ByName(*defs, arg.name) : nullptr;
    Val(*arg.value, def ? def->type : nullptr, def ? TypeOf(def->type) : nullptr);
  }

  void SelectionSet(const Definition* parent, const std::vector<Selection>& set) {
    for (const Selection& sel : set) Select(parent, sel);
  }

  void Select(const Definition* parent, const Selection& sel) {
    switch (sel.kind) {
      case Selection::Kind::kField: return Field(parent, sel);
      case Selection::Kind::kInlineFragment: {
        const Definition* next = sel.type_condition.empty() ? parent : s_.Type(sel.type_condition);
        Directives(sel.directives, "INLINE_FRAGMENT");
        SelectionSet(next, sel.selection_set);
        const Definition* cond = s_.Type(sel.type_condition);
        if (cond && !IsComposite(*cond)) {
          Error(sel.pos, "Fragment cannot condition on non composite type \"" + sel.type_condition + "\".");
        }
        if (!sel.type_condition.empty() && !cond) Error(sel.pos, "Unknown type \"" + sel.type_condition + "\".");
        overlap_.Check(sel.selection_set, Sink());
        if (!CanSpread(parent, sel.type_condition)) {
          Error(sel.pos, "Fragment cannot be spread here as objects of type \"" + parent->name +
                             "\" can never be of type \"" + sel.type_condition + "\".");
        }
        return;
      }
      case Selection::Kind::kFragmentSpread: {
        const FragmentDefinition* frag = FragmentNamed(sel.name);
        const Definition* next = frag ? s_.Type(frag->type_condition) : nullptr;
        Directives(sel.directives, "FRAGMENT_SPREAD");
        if (frag && spread_walked_.insert(frag->name).second) SelectionSet(next, frag->selection_set);
        if (!frag) Error(sel.pos, "Unknown fragment \"" + sel.name + "\".");
        if (!in_fragment_definition_) spread_names_.insert(sel.name);
        if (frag && !CanSpread(parent, frag->type_condition)) {
          Error(sel.pos, "Fragment \"" + sel.name + "\" cannot be spread here as objects of type \"" +
                             parent->name + "\" can never be of type \"" + frag->type_condition + "\".");
        }
        return;
      }
    }
  }

  void Field(const Definition* parent, const Selection& field) {
    FieldDefinition typename_def;
    const FieldDefinition* def = nullptr;
    if (field.name == "__typename") {
      typename_def.name = "__typename";
      typename_def.type = std::make_shared<Type>(Type{"String", nullptr, false, {}});
      def = &typename_def;
    } else if (parent) {
      def = ByName(parent->fields, field.name);
    }
    const Definition* next = def ? TypeOf(def->type) : nullptr;
    infos_[&field] = internal::FieldInfo{parent, def ? def->type : nullptr};
    for (const Argument& arg : field.arguments) ArgumentValue(arg, def ? &def->arguments : nullptr);
    Directives(field.directives, "FIELD");
    SelectionSet(next, field.selection_set);

    if (parent && !def) {
      Error(field.pos, "Cannot query field \"" + field.name + "\" on type \"" + parent->name + "\"." +
                           FieldSuggestion(*parent, field.name));
    }
    if (def && parent) {
      for (const Argument& arg : field.arguments) {
        if (!ByName(def->arguments, arg.name)) {
          Error(field.pos, "Unknown argument \"" + arg.name + "\" on field \"" + parent->name + "." + field.name +
                               "\"." + internal::Suggest("Did you mean", arg.name, Names(def->arguments)));
        }
      }
    }
    if (op_) overlap_.Check(field.selection_set, Sink());
    if (def) {
      RequiredArguments(def->arguments, field.arguments, "Field \"" + field.name + "\"", field.pos);
      if (next && IsLeaf(*next) && !field.selection_set.empty()) {
        Error(field.pos, "Field \"" + field.name + "\" must not have a selection since type \"" + next->name +
                             "\" has no subfields.");
      }
      if (next && !IsLeaf(*next) && field.selection_set.empty()) {
        Error(field.pos, "Field \"" + field.name + "\" of type \"" + def->type->String() +
                             "\" must have a selection of subfields. Did you mean \"" + field.name + " { ... }\"?");
      }
    }
    UniqueArguments(field.arguments);
  }

  const Schema& s_;
  const QueryDocument& doc_;
  std::optional<Diagnostic> first_;
  const OperationDefinition* op_ = nullptr;  // while walking an operation
  std::set<std::string> used_;                // variables of op_ used so far
  std::set<std::string> spread_walked_;       // fragments already walked through a spread
  std::set<std::string> operation_names_, fragment_names_, spread_names_, cycle_visited_;
  bool in_fragment_definition_ = false;
  internal::FieldInfos infos_;  // filled as fields are walked
  internal::OverlapChecker overlap_;
};

}  // namespace

std::optional<Diagnostic> ValidateQuery(const Schema& schema, const QueryDocument& doc) {
  return Walker(schema, doc).Run();
}

}  // namespace sluice::policy::graphql
