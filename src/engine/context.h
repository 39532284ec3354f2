// The document expressions are resolved against, and the Scope views of it
// that each stage and step sees.
//
// The engine keeps one JSON document per execution, shaped like the paths
// Harness expressions use:
//   pipeline: {identifier, name, executionId, sequenceId, startTs, triggerType,
//              variables: {...}, stages: {S: {identifier, name, type, status,
//              variables, spec: {execution: {steps: {T: {identifier, name, type,
//              status, retryCount, output: null | {outputVariables: {...}}},
//              G: {..., steps: {...}}}}}}}}
//   org, project, account: {identifier}; codebase: {...};
//   trigger: the execution record's trigger document (triggers'
//            TriggerDocument: type, event, branch, ..., payload, header),
//            null for a manual run
// `<+eventPayload.x>` reads trigger.payload.x; `<+trigger.header['Name']>`
// compares header names without case. Under a null trigger (a manual run)
// every trigger path is null, as Harness renders a missing value.
// A NodeScope maps the relative roots onto it: `stage` → the current stage,
// `execution` → its spec.execution, `steps` → the enclosing step list,
// `step` → the current step, `stepGroup` → the enclosing group; in a
// Deployment stage `service`, `serviceVariables`, `env`, `infra`, `artifact`
// and `artifacts` → what that stage deploys (deployment_context.h).
// Thread-safe: every access takes the document's mutex.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "expr/expr.h"
#include "secrets/masker.h"
#include "secrets/secret_store.h"

namespace sluice::engine {

using JsonPointer = nlohmann::json::json_pointer;

class ExpressionDocument {
 public:
  explicit ExpressionDocument(nlohmann::json root) : root_(std::move(root)) {}

  void Set(const JsonPointer& where, nlohmann::json value);
  nlohmann::json Get(const JsonPointer& where) const;
  // Walks `path` from `start`; NotFound names the first missing part.
  Result<nlohmann::json> Walk(const JsonPointer& start, const std::vector<std::string>& path,
                              size_t from) const;
  nlohmann::json Snapshot() const;

 private:
  mutable std::mutex mu_;
  nlohmann::json root_;  // guarded by mu_
};

// Serves secrets.getValue() from the store, registering every value with
// the masker before it is returned. Thread-safe.
class SecretResolver {
 public:
  SecretResolver(const secrets::SecretStore& store, secrets::Masker& masker)
      : store_(store), masker_(masker) {}
  Result<std::string> Get(std::string_view id);

 private:
  const secrets::SecretStore& store_;
  secrets::Masker& masker_;
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> cache_;  // guarded by mu_
};

// Where in the document a node sits.
struct ScopePosition {
  std::string stage_id;     // "" outside stages
  JsonPointer steps;        // the `steps` object of the enclosing list
  JsonPointer step;         // the current step ("" when evaluating a stage)
  JsonPointer step_group;   // the enclosing step group ("" when none)
};

class NodeScope final : public expr::Scope {
 public:
  NodeScope(const ExpressionDocument& doc, ScopePosition position, SecretResolver& secrets)
      : doc_(doc), pos_(std::move(position)), secrets_(secrets) {}
  Result<expr::Value> Lookup(const std::vector<std::string>& path) const override;
  Result<std::string> GetSecret(std::string_view id) const override;

 private:
  const ExpressionDocument& doc_;
  ScopePosition pos_;
  SecretResolver& secrets_;
};

JsonPointer StagePointer(const std::string& stage_id);

}  // namespace sluice::engine
