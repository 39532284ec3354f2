// OverlappingFieldsCanBeMerged (gqlparser's port of graphql-js): fields
// with the same response name must be the same field with the same
// arguments, or be mutually exclusive (on different object types), and
// must not return conflicting types; compared within each selection set,
// between a set and the fragments it spreads, and between fragments.
#include <map>
#include <set>

#include "policy/graphql_rules.h"

namespace sluice::policy::graphql::internal {
namespace {

struct Conflict {
  std::string response_name;
  std::string message;  // when there are no sub-conflicts
  std::vector<Conflict> sub;
  Pos pos;

  std::string Reason() const {
    if (sub.empty()) return message;
    std::string out;
    for (size_t i = 0; i < sub.size(); ++i) {
      if (i > 0) out += " and ";
      out += "subfields \"" + sub[i].response_name + "\" conflict because " + sub[i].Reason();
    }
    return out;
  }
};

// Fields by response name, in order of first appearance.
struct FieldsMap {
  std::vector<std::string> seq;
  std::map<std::string, std::vector<const Selection*>> data;

  void Push(const std::string& name, const Selection* field) {
    auto [it, added] = data.try_emplace(name);
    if (added) seq.push_back(name);
    it->second.push_back(field);
  }
  bool operator==(const FieldsMap& o) const { return seq == o.seq && data == o.data; }
};

void Collect(const std::vector<Selection>& set, FieldsMap& fields, std::vector<const Selection*>& spreads) {
  for (const Selection& sel : set) {
    switch (sel.kind) {
      case Selection::Kind::kField: fields.Push(sel.alias.empty() ? sel.name : sel.alias, &sel); break;
      case Selection::Kind::kInlineFragment: Collect(sel.selection_set, fields, spreads); break;
      case Selection::Kind::kFragmentSpread: spreads.push_back(&sel); break;
    }
  }
}

bool SameArguments(const std::vector<Argument>& a, const std::vector<Argument>& b) {
  if (a.size() != b.size()) return false;
  for (const Argument& x : a) {
    bool matched = false;
    for (const Argument& y : b) {
      if (x.name == y.name && x.value && y.value && x.value->kind == y.value->kind && x.value->raw == y.value->raw) {
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

}  // namespace

class OverlapChecker::Impl {
 public:
  Impl(const Schema& s, const QueryDocument& doc, const FieldInfos& infos) : s_(s), doc_(doc), infos_(infos) {}

  std::vector<Conflict> Within(const std::vector<Selection>& set) {
    std::vector<Conflict> out;
    if (set.empty()) return out;
    FieldsMap fields;
    std::vector<const Selection*> spreads;
    Collect(set, fields, spreads);
    for (const std::string& name : fields.seq) {
      const auto& list = fields.data[name];
      for (size_t i = 0; i < list.size(); ++i) {
        for (size_t j = i + 1; j < list.size(); ++j) Add(out, FindConflict(false, *list[i], *list[j]));
      }
    }
    compared_fragments_.clear();
    for (size_t i = 0; i < spreads.size(); ++i) {
      FieldsAndFragment(out, false, fields, *spreads[i]);
      for (size_t j = i + 1; j < spreads.size(); ++j) BetweenFragments(out, false, *spreads[i], *spreads[j]);
    }
    return out;
  }

 private:
  static void Add(std::vector<Conflict>& out, std::optional<Conflict> c) {
    if (c) out.push_back(std::move(*c));
  }

  const FragmentDefinition* Fragment(const std::string& name) const {
    for (const FragmentDefinition& f : doc_.fragments) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  FieldInfo Info(const Selection& field) const {
    auto it = infos_.find(&field);
    return it == infos_.end() ? FieldInfo{} : it->second;
  }

  void Between(std::vector<Conflict>& out, bool exclusive, const FieldsMap& a, const FieldsMap& b) {
    for (const std::string& name : a.seq) {
      auto it = b.data.find(name);
      if (it == b.data.end()) continue;
      for (const Selection* fa : a.data.at(name)) {
        for (const Selection* fb : it->second) Add(out, FindConflict(exclusive, *fa, *fb));
      }
    }
  }

  void FieldsAndFragment(std::vector<Conflict>& out, bool exclusive, const FieldsMap& fields,
                         const Selection& spread) {
    if (!compared_fragments_.insert(spread.name).second) return;
    const FragmentDefinition* frag = Fragment(spread.name);
    if (!frag) return;
    FieldsMap other;
    std::vector<const Selection*> spreads;
    Collect(frag->selection_set, other, spreads);
    if (fields == other) return;
    Between(out, exclusive, fields, other);
    for (const Selection* next : spreads) {
      if (next->name != spread.name) FieldsAndFragment(out, exclusive, fields, *next);
    }
  }

  void BetweenFragments(std::vector<Conflict>& out, bool exclusive, const Selection& a, const Selection& b) {
    if (a.name == b.name) return;
    auto seen = compared_pairs_.find({a.name, b.name});
    // A pair compared as mutually exclusive still needs a non-exclusive look.
    if (seen != compared_pairs_.end() && (exclusive || !seen->second)) return;
    compared_pairs_[{a.name, b.name}] = exclusive;
    compared_pairs_[{b.name, a.name}] = exclusive;
    const FragmentDefinition* fa = Fragment(a.name);
    const FragmentDefinition* fb = Fragment(b.name);
    if (!fa || !fb) return;
    FieldsMap ma, mb;
    std::vector<const Selection*> sa, sb;
    Collect(fa->selection_set, ma, sa);
    Collect(fb->selection_set, mb, sb);
    Between(out, exclusive, ma, mb);
    for (const Selection* s : sb) BetweenFragments(out, exclusive, a, *s);
    for (const Selection* s : sa) BetweenFragments(out, exclusive, *s, b);
  }

  std::vector<Conflict> BetweenSubSelections(bool exclusive, const std::vector<Selection>& a,
                                             const std::vector<Selection>& b) {
    std::vector<Conflict> out;
    FieldsMap ma, mb;
    std::vector<const Selection*> sa, sb;
    Collect(a, ma, sa);
    Collect(b, mb, sb);
    Between(out, exclusive, ma, mb);
    for (const Selection* s : sb) {
      compared_fragments_.clear();
      FieldsAndFragment(out, exclusive, ma, *s);
    }
    for (const Selection* s : sa) {
      compared_fragments_.clear();
      FieldsAndFragment(out, exclusive, mb, *s);
    }
    for (const Selection* x : sa) {
      for (const Selection* y : sb) BetweenFragments(out, exclusive, *x, *y);
    }
    return out;
  }

  bool TypesConflict(const Type& a, const Type& b) const {
    if (a.elem) return b.elem ? TypesConflict(*a.elem, *b.elem) : true;
    if (b.elem) return true;
    if (a.non_null != b.non_null) return true;
    const Definition* ta = s_.Type(a.named_type);
    const Definition* tb = s_.Type(b.named_type);
    auto leaf = [](const Definition* d) { return d && (d->kind == "SCALAR" || d->kind == "ENUM"); };
    return leaf(ta) && leaf(tb) && ta->name != tb->name;
  }

  std::optional<Conflict> FindConflict(bool parent_exclusive, const Selection& a, const Selection& b) {
    FieldInfo ia = Info(a), ib = Info(b);
    if (!ia.object || !ib.object) return std::nullopt;
    bool exclusive = parent_exclusive || (ia.object->name != ib.object->name && ia.object->kind == "OBJECT" &&
                                          ib.object->kind == "OBJECT" && ia.type && ib.type);
    Conflict c;
    c.response_name = a.alias.empty() ? a.name : a.alias;
    c.pos = b.pos;
    if (!exclusive) {
      if (a.name != b.name) {
        c.message = "\"" + a.name + "\" and \"" + b.name + "\" are different fields";
        return c;
      }
      if (!SameArguments(a.arguments, b.arguments)) {
        c.message = "they have differing arguments";
        return c;
      }
    }
    if (ia.type && ib.type && TypesConflict(*ia.type, *ib.type)) {
      c.message = "they return conflicting types \"" + ia.type->String() + "\" and \"" + ib.type->String() + "\"";
      return c;
    }
    c.sub = BetweenSubSelections(exclusive, a.selection_set, b.selection_set);
    if (c.sub.empty()) return std::nullopt;
    return c;
  }

  const Schema& s_;
  const QueryDocument& doc_;
  const FieldInfos& infos_;
  std::map<std::pair<std::string, std::string>, bool> compared_pairs_;  // -> mutually exclusive
  std::set<std::string> compared_fragments_;
};

OverlapChecker::OverlapChecker(const Schema& schema, const QueryDocument& doc, const FieldInfos& infos)
    : impl_(std::make_unique<Impl>(schema, doc, infos)) {}
OverlapChecker::~OverlapChecker() = default;

void OverlapChecker::Check(const std::vector<Selection>& set, const ErrorSink& error) {
  for (const Conflict& c : impl_->Within(set)) {
    error(c.pos, "Fields \"" + c.response_name + "\" conflict because " + c.Reason() +
                     ". Use different aliases on the fields to fetch both if this was intentional.");
  }
}

}  // namespace sluice::policy::graphql::internal
