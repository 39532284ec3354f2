// Harness duration strings: "10s", "1m30s", "2h", "1d", "1w", "500ms".
//
// Units: ms, s, m, h, d, w; components must appear largest first, each at most
// once; whitespace between components is allowed ("1h 30m"). A bare number is
// rejected (Harness requires a unit).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

using Millis = std::chrono::milliseconds;

Result<Millis> ParseDuration(std::string_view text);

// Renders a duration compactly for humans: "850ms", "12.3s", "2m05s", "1h02m".
std::string FormatDuration(Millis d);

}  // namespace sluice
