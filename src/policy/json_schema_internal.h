// Internal to json_schema*.cc: what compilation and validation share.
#pragma once

#include <string_view>

#include "policy/value.h"

namespace sluice::policy::internal {

// The schema a local reference ("#", "#/definitions/a") names inside root,
// nullptr when it names nothing or is not local.
const Value* ResolveRef(const Value& root, std::string_view ref);

}  // namespace sluice::policy::internal
