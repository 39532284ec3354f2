// Internal to src/pipeline: locations inside YAML scalars.
//
// yaml-cpp marks a node where its text starts: the first character of a
// plain scalar, the opening quote of a quoted one, the `|`/`>` indicator of a
// block scalar. Errors found inside a scalar's value (an expression at byte
// 40, a shell error on line 3) are mapped back to the file by re-reading the
// scalar's source text, which the caller hands in when it has it; without it
// the scalar's own mark is the best we can do.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

#include "common/diagnostic.h"

namespace sluice::pipeline::internal {

// The file location of byte `offset` of `scalar`'s value. `source` is the
// text of the file the node was parsed from, or null.
SourceLocation LocationInScalar(const YAML::Node& scalar, size_t offset, const std::string& file,
                                const std::string* source);

// The file location of the start of line `line` (1-based) of `scalar`'s value.
SourceLocation LocationOfScalarLine(const YAML::Node& scalar, int line, const std::string& file,
                                    const std::string* source);

}  // namespace sluice::pipeline::internal
