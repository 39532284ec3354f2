// What a run started by a trigger takes as its runtime inputs
// (harness-semantics §8.6, §5.8), and the entry points a server or a
// scheduler calls.
//
// inputYaml is a `pipeline:` runtime-input document held as a string. Its
// `<+trigger.*>` and `<+eventPayload.*>` expressions are resolved against
// the event (trigger_scope.h): a scalar that is exactly one expression gets
// the value's text (`<+trigger.prNumber>` → "42"), a longer text gets each
// expression spliced in. Expressions that read nothing of the trigger
// (`<+input>`, `<+pipeline.sequenceId>`, `<+secrets.getValue("x")>`) are
// left for the run to resolve. A trigger expression that cannot be resolved
// (a payload path the delivery does not have) is an error naming it.
//
// The result is pipeline::RuntimeInputValues: the input sets of
// inputSetRefs first, in order, then the resolved inputYaml (later wins,
// as `sluice run --input-set` applies them). An unknown input set is an
// error.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/inputs.h"
#include "pipeline/project.h"
#include "triggers/conditions.h"
#include "triggers/event.h"
#include "triggers/trigger.h"

namespace sluice::triggers {

// inputYaml resolved: the `pipeline:` mapping, or a null node when the
// trigger has no inputYaml. `event` is null for a scheduled fire.
Result<YAML::Node> ResolveInputYaml(const Trigger& trigger, const WebhookEvent* event);

// The runtime inputs of a run of `trigger` for `event` (null: a scheduled
// fire): inputSetRefs from `project`, then the resolved inputYaml.
Result<pipeline::RuntimeInputValues> ResolveTriggerInputs(const pipeline::Project& project,
                                                          const Trigger& trigger,
                                                          const WebhookEvent* event);

// One trigger's outcome for an event: the evaluation and, when it fired,
// the inputs its run takes (or why they could not be resolved — then the
// trigger must not start a run).
struct TriggerDecision {
  TriggerEvaluation evaluation;
  std::optional<pipeline::RuntimeInputValues> inputs;  // set when fired and resolved
  std::string input_error;                             // set when fired but not resolved
};

struct DecideOptions {
  // Called for each enabled GitHub trigger that names a signing secret,
  // before its conditions; a failure means the trigger does not fire (a
  // "signature" result carries the message). Unset: signatures are not
  // checked (`sluice trigger test`). A server passes a call of
  // VerifyTriggerSignature (signature.h) with the raw body.
  std::function<Status(const Trigger&)> check_signature;
};

// Evaluates every webhook trigger of `triggers` against `event`, in order
// (scheduled ones are skipped), and resolves the inputs of those that fire.
std::vector<TriggerDecision> DecideTriggers(const pipeline::Project& project,
                                            const std::vector<Trigger>& triggers,
                                            const WebhookEvent& event,
                                            const DecideOptions& options = {});

// The `pipeline:` inputs as YAML text (for people and for records).
std::string InputsToYaml(const pipeline::RuntimeInputValues& inputs);

}  // namespace sluice::triggers
