// JUnit `reports` of Run and Plugin steps: {type: JUnit, spec: {paths:
// [glob, ...]}}, parsed after the step whatever its exit code, as Harness
// CI does. Paths are as the step's command saw them (relative to /harness,
// through the workspace mounts, or inside the step's image); a report with
// failing tests does not change the step's status.
#pragma once

#include "engine/step.h"
#include "steps/container_image.h"
#include "steps/spec_check.h"

namespace sluice::steps {

// Validates `spec.reports` when present.
void CheckJUnitReports(SpecChecker& check, const YAML::Node& spec);

// Parses the files `reports` names (`image`: the step's image, or null for
// a step on the host or in the stage sandbox), logs the totals and each
// failed case, and sets outcome->details["tests"]. A path whose expression
// fails, and unreadable or malformed files, are noted in the log (which
// path or file, and why) and skipped; the step's status stays as it is.
void CollectJUnitReports(engine::StepContext& ctx, const YAML::Node& reports,
                         const ImageRoot* image, engine::StepOutcome* outcome);

}  // namespace sluice::steps
