// Deploying, shifting and rolling back function versions in the function
// store, the way Harness's AwsLambdaDeploy / AwsLambdaTrafficShift /
// AwsLambdaRollback drive AWS Lambda:
//
// Deploy:
//   1. records what is there now (DeployRecord: whether the function
//      existed, its $LATEST, the last version, every named alias as it was);
//   2. creates the function or replaces its $LATEST with the new
//      configuration;
//   3. publishes a version (an unchanged configuration gives the last one);
//   4. unless `canary`, points each named alias at it with all the traffic
//      (creating the alias when missing). With `canary` the aliases stay
//      where they are: ShiftTraffic moves them.
// ShiftTraffic: the alias keeps its current version and gives `percent`
//   (0..100) of its traffic to the new one; 100 makes the new version the
//   alias's only one; 0 gives it none.
// Rollback: undoes a Deploy from its record: aliases back as they were
//   (deleted when the deploy created them), $LATEST back to its previous
//   configuration; a function the deploy created is deleted. Versions it
//   published stay (they are immutable, as in Lambda) but serve nothing.
//
// A DeployRecord is kept as JSON (in the deploy step's output) so a
// rollback in a later process finds it. Errors are the store's; nothing
// is half-applied within one call's transactions except where said.
// Thread-compatible (the store is thread-safe).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/function_store.h"

namespace sluice::serve {

struct DeployPlan {
  std::string function;
  store::FunctionConfig config;
  std::vector<std::string> aliases;  // names to point at the new version
  std::string description;           // of the published version
  bool canary = false;               // publish only; ShiftTraffic moves the aliases
};

struct DeployRecord {
  std::string function;
  bool created = false;  // the function did not exist before
  store::FunctionConfig previous_latest;
  int64_t previous_last_version = 0;
  int64_t version = 0;       // what the deploy published
  bool new_version = false;  // false when the configuration was unchanged
  struct AliasBefore {
    std::string name;
    bool existed = false;
    store::FunctionAliasRecord alias;  // as it was, when it existed
  };
  std::vector<AliasBefore> aliases;

  nlohmann::json ToJson() const;
  static Result<DeployRecord> FromJson(const nlohmann::json& json);
};

Result<DeployRecord> Deploy(store::FunctionStore& functions, const DeployPlan& plan,
                            int64_t now_ms);

Status ShiftTraffic(store::FunctionStore& functions, const std::string& function,
                    const std::string& alias, int64_t new_version, double percent, int64_t now_ms);

Status Rollback(store::FunctionStore& functions, const DeployRecord& record, int64_t now_ms);

}  // namespace sluice::serve
