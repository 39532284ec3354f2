// Evaluating a project's policy sets against one input document, as the
// Policy step does (harness-semantics §9.3), and checking the project's
// policies before anything runs.
//
// Each policy is compiled on its own (policies of a set never see each
// other's rules) and its `deny` rule, `data.<package>.deny`, is evaluated
// with the input. A policy passes when `deny` is undefined or empty; with
// messages it takes its severity in the set: `warning` or `error`. A Rego
// parse, compile or evaluation error is an `error` whatever the severity,
// with the error text kept. A set's status is the worst of its policies, the
// overall status the worst of its enabled sets (error > warning > pass). A
// disabled set is reported but not evaluated.
//
// The dialect of a policy comes from its set's `regoVersion` (v0 or v1),
// else from the file itself (policy/parser.h: `import rego.v1` or v1-only
// keywords make it v1, v0-only rule forms make it v0).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"
#include "pipeline/project.h"
#include "policy/query.h"
#include "policy/value.h"

namespace sluice::steps {

enum class PolicyStatus { kPass, kWarning, kError };  // in order of severity
std::string_view PolicyStatusName(PolicyStatus status);  // "pass", "warning", "error"

struct PolicyOutcome {
  std::string identifier;
  std::string file;  // as the project names it
  pipeline::PolicySeverity severity = pipeline::PolicySeverity::kError;
  PolicyStatus status = PolicyStatus::kPass;
  std::vector<std::string> deny_messages;  // strings as written; other values as JSON
  std::string error;                       // "<file>:<row>: <code>: <message>" or ""
  int64_t duration_us = 0;                 // evaluation only, without compiling
};

struct PolicySetOutcome {
  std::string identifier;
  std::string name;
  bool enabled = true;
  PolicyStatus status = PolicyStatus::kPass;
  std::vector<PolicyOutcome> policies;  // empty for a disabled set
};

struct PolicySetsOutcome {
  PolicyStatus status = PolicyStatus::kPass;
  std::vector<PolicySetOutcome> sets;
};

// Evaluates the sets named in `set_ids` ("account.gate" and "org.gate"
// name the project's "gate": WithoutScope of common/text.h), in that
// order. An unknown set is NotFound naming the sets the project has; a
// policy of a set with no file is NotFound naming the file to add.
// `limits` stops a long evaluation (the policy then errors with
// eval_cancel_error, and later policies are not evaluated).
Result<PolicySetsOutcome> EvaluatePolicySets(const pipeline::Project& project,
                                             const std::vector<std::string>& set_ids,
                                             const policy::Value& input,
                                             const policy::EvalLimits& limits = {});

// Parses and compiles every policy of the project with the dialect of the
// sets that use it; problems point at file:line:col. They are errors for
// policies a set uses and warnings for the others (tests, drafts), which no
// run evaluates. Sets that give the same policy different dialects are
// errors too.
void CheckProjectPolicies(const pipeline::Project& project, DiagnosticList* diags);

// Checks the policySets of every Policy step of `pipeline` against the
// project: an unknown set is an error, a set of another entity type than
// custom or a disabled set a warning. Identifiers given as expressions are
// checked when the step runs.
void CheckPolicyStepReferences(const pipeline::Project& project, const pipeline::Pipeline& pipeline,
                               DiagnosticList* diags);

}  // namespace sluice::steps
