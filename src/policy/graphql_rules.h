// Internal to src/policy: validation rules the query walker
// (graphql_validate.cc) delegates, and the suggestions in its messages.
// Each reports through `error`, which keeps the first report.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/graphql.h"

namespace sluice::policy::graphql::internal {

using ErrorSink = std::function<void(Pos, std::string)>;

// The options within a typo's reach of `input`, closest first
// (graphql_suggest.cc).
std::vector<std::string> SuggestionList(std::string_view input, const std::vector<std::string>& options);
// `"a", "b", or "c"` (at most five; unquoted unless `quoted`).
std::string QuotedOrList(std::vector<std::string> items, bool quoted = true);
// " <prefix> <list>?" for the suggestions for `typed`, or "" if none.
std::string Suggest(std::string_view prefix, std::string_view typed, const std::vector<std::string>& options,
                    bool quoted = true);

// gqlparser's Value.String(): "$v", "1", "\"s\"", "[1,2]", "{a:1}".
std::string ValueString(const AstValue& v);

// ValuesOfCorrectType for `v`, where the walker expects `expected`, whose
// named type is `def`.
void CheckValueType(const AstValue& v, const Type& expected, const Definition& def, const ErrorSink& error);

// VariablesInAllowedPosition for the variable `v`, defined by `var`, where
// `expected` is wanted.
void CheckVariablePosition(const AstValue& v, const Type& expected, const VariableDefinition& var,
                           const ErrorSink& error);

// What the walk learnt about a field: the type it was selected on (null if
// unknown) and its definition's type (null if the field is unknown).
struct FieldInfo {
  const Definition* object = nullptr;
  TypeRef type;
};
using FieldInfos = std::map<const Selection*, FieldInfo>;

// OverlappingFieldsCanBeMerged (graphql_overlap.cc). Remembers the fragment
// pairs it compared across calls, as gqlparser does within one validation;
// `infos` must cover the fields walked so far.
class OverlapChecker {
 public:
  OverlapChecker(const Schema& schema, const QueryDocument& doc, const FieldInfos& infos);
  ~OverlapChecker();
  OverlapChecker(const OverlapChecker&) = delete;
  OverlapChecker& operator=(const OverlapChecker&) = delete;

  // Reports the conflicts within `set` (and the fragments it spreads).
  void Check(const std::vector<Selection>& set, const ErrorSink& error);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// SingleFieldSubscriptions for `op` (graphql_subscriptions.cc).
void CheckSingleFieldSubscription(const Schema& schema, const QueryDocument& doc, const OperationDefinition& op,
                                  const ErrorSink& error);

}  // namespace sluice::policy::graphql::internal
