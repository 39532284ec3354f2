// The environment variables every step process starts with.
//
// Steps do not inherit sluice's own environment (it may hold
// SLUICE_MASTER_KEY or cloud credentials); they get a small host base (PATH,
// HOME, USER, LANG, LC_ALL, TZ, TMPDIR, TERM when set) plus the variables
// Harness CI sets for every step: CI, DRONE, HARNESS_* and DRONE_* identity
// and codebase variables. Pipeline variables and then stage variables are
// added on top by the engine (later wins), and a step's own envVariables last.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace sluice::engine {

struct EnvironmentFacts {
  std::string execution_id;
  int64_t sequence_id = 0;
  std::string pipeline_id;
  std::string pipeline_name;
  std::string org_id;
  std::string project_id;
  std::string stage_id;
  std::string stage_name;
  std::string workspace;     // as steps see it ("/harness")
  nlohmann::json codebase;   // the `codebase` expression object (may be null)
  std::string trigger_type;  // MANUAL, WEBHOOK...
};

// `host` is the environment to take the base variables from (environ).
std::map<std::string, std::string> StepEnvironment(const EnvironmentFacts& facts,
                                                   const std::map<std::string, std::string>& host);

// The current process environment as a map.
std::map<std::string, std::string> HostEnvironment();

}  // namespace sluice::engine
