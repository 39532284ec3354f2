// Declared outputVariables of Run and ShellScript steps.
//   Run:         [{name: X}]  or  [{name: X, type: String|Secret|Number, value: SHELL_VAR}]
//   ShellScript: [{name: X, type: String|Secret|Number, value: SHELL_VAR}]
// `value` names the shell variable to read (default: the output's own name).
#pragma once

#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "steps/spec_check.h"

namespace sluice::steps {

struct OutputVariable {
  std::string name;      // what expressions use
  std::string variable;  // the shell variable read after the script
  bool secret = false;
};

// Reads the declarations; malformed entries are skipped (validation reports them).
std::vector<OutputVariable> ReadOutputVariables(const YAML::Node& list);

// Validates the list at `spec.outputVariables`.
void CheckOutputVariables(SpecChecker& check, const YAML::Node& spec);

}  // namespace sluice::steps
