// Output variables of a script step: the shell lines that capture them and
// the parsers for the files those lines (and the script) write. Internal to
// the runner module.
//
// Two files in the step's scratch directory (file formats, version 1):
//  - the *user file* ($HARNESS_OUTPUT_FILE = $DRONE_OUTPUT): dotenv lines
//    KEY=VALUE the script or its tools write themselves;
//  - the *capture file*: one NAME=<base64 of the value> line per declared
//    name that was set when the script finished, written only by the lines
//    from CaptureLines(). Kept apart so a user value is never mistaken for
//    base64.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::runner {

// True for a POSIX shell variable name: [A-Za-z_][A-Za-z0-9_]*.
bool IsShellVariableName(std::string_view name);

// Shell text appended after the user's script (which must end with a
// newline). It keeps the script's exit status, turns off xtrace silently
// and, for each name in `names` that is set (${NAME+x}), appends
// NAME=<base64 -w0 of the value> to `capture_file`. Names must satisfy
// IsShellVariableName.
std::string CaptureLines(const std::vector<std::string>& names, const std::string& capture_file);

// Parses dotenv-style text: KEY=VALUE lines, optional "export " prefix,
// blank and '#' lines skipped, matching surrounding quotes removed, a '\r'
// before the newline dropped. Later keys win.
std::map<std::string, std::string> ParseDotenv(std::string_view text);

// Parses the capture file; a line whose value is not valid base64 is
// skipped.
std::map<std::string, std::string> ParseCaptureFile(std::string_view text);

// Standard base64 (with or without '=' padding); nullopt if malformed.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sluice::runner
