// SingleFieldSubscriptions: a subscription selects exactly one top-level
// field (fragments included), and not an introspection one.
#include <set>

#include "policy/graphql_rules.h"

namespace sluice::policy::graphql::internal {
namespace {

struct TopField {
  std::string name;
  Pos pos;
};

void CollectTopFields(const QueryDocument& doc, const std::vector<Selection>& set, std::set<std::string>& entered,
                      std::vector<TopField>& out) {
  for (const Selection& sel : set) {
    if (sel.kind == Selection::Kind::kField) {
      out.push_back({sel.name, sel.pos});
    } else if (sel.kind == Selection::Kind::kInlineFragment) {
      CollectTopFields(doc, sel.selection_set, entered, out);
    } else {
      const FragmentDefinition* frag = nullptr;
      for (const FragmentDefinition& f : doc.fragments) {
        if (f.name == sel.name) {
          frag = &f;
          break;
        }
      }
      if (!frag) return;  // sic: gqlparser stops looking at this selection set
      if (entered.insert(frag->name).second) CollectTopFields(doc, frag->selection_set, entered, out);
    }
  }
}

}  // namespace

void CheckSingleFieldSubscription(const Schema& schema, const QueryDocument& doc, const OperationDefinition& op,
                                  const ErrorSink& error) {
  if (!schema.subscription || op.operation != "subscription") return;
  std::vector<TopField> all;
  std::set<std::string> entered;
  CollectTopFields(doc, op.selection_set, entered, all);
  std::vector<TopField> fields;  // first of each name
  std::set<std::string> seen;
  for (TopField& f : all) {
    if (seen.insert(f.name).second) fields.push_back(std::move(f));
  }
  std::string name = op.name.empty() ? "Anonymous Subscription" : "Subscription \"" + op.name + "\"";
  if (fields.size() > 1) error(fields[1].pos, name + " must select only one top level field.");
  for (const TopField& f : fields) {
    if (f.name.substr(0, 2) == "__") error(f.pos, name + " must not select an introspection top level field.");
  }
}

}  // namespace sluice::policy::graphql::internal
