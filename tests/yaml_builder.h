// Small builders for the pipeline YAML the integration tests run, so each
// test states only what it is about (its steps, strategies, conditions)
// and not the boilerplate around them.
//
// Every builder returns YAML text at indentation 0; callers nest it and the
// builders indent. Scripts become block literals (`|-`), so they may hold
// quotes, `$` and `<+...>` as written. The `fields` / `spec` / `execution`
// parts are extra YAML lines added at that level, e.g.
//   ShellStep("a", "exit 1", {.fields = OnFailure("type: Ignore")})
#pragma once

#include <string>
#include <vector>

namespace sluice::testing {

// Indents every non-empty line of `yaml` by `n` spaces.
std::string Indent(const std::string& yaml, int n);

struct StepParts {
  std::string fields;  // beside type/name/identifier (when, failureStrategies, timeout)
  std::string spec;    // inside spec (outputVariables, envVariables, reports)
};

// A ShellScript step (shell Bash) and a Run step (shell Sh).
std::string ShellStep(const std::string& id, const std::string& script, const StepParts& more = {});
std::string RunStep(const std::string& id, const std::string& command, const StepParts& more = {});
// A step group holding `steps`.
std::string StepGroup(const std::string& id, const std::vector<std::string>& steps,
                      const std::string& fields = "");
// A parallel block of steps, step groups or stages.
std::string Parallel(const std::vector<std::string>& members);

struct StageParts {
  std::string fields;     // beside type/name/identifier (when, failureStrategies, timeout)
  std::string spec;       // inside spec (sharedPaths, cloneCodebase for CI)
  std::string execution;  // inside spec.execution (rollbackSteps)
};

std::string CustomStage(const std::string& id, const std::vector<std::string>& steps,
                        const StageParts& more = {});
// A CI stage on Linux/Cloud; cloneCodebase is false unless `more.spec` says otherwise.
std::string CiStage(const std::string& id, const std::vector<std::string>& steps,
                    const StageParts& more = {});

// The whole document. `fields` go beside name/identifier (properties, variables, timeout).
std::string Pipeline(const std::string& id, const std::vector<std::string>& stages,
                     const std::string& fields = "");

// `failureStrategies:` with one onFailure entry for `errors` and the action
// whose YAML (type and spec) is `action`.
std::string OnFailure(const std::string& action, const std::string& errors = "[AllErrors]");

}  // namespace sluice::testing
