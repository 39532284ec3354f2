// The one place step types are registered (STYLE: plugins through one
// explicit registration function). Add a new step type here.
#pragma once

#include "engine/step.h"

namespace sluice::steps {

void RegisterBuiltinSteps(engine::StepRegistry* registry);

}  // namespace sluice::steps
