// Shortening text for people to read (failure messages, the execution tree).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

// `text` unchanged when it has at most `max` bytes; otherwise its first `max`
// bytes (backing off so no UTF-8 sequence is cut) followed by
// "… (<size> bytes<note>)", e.g. note "; --json shows it all".
std::string Abbreviate(std::string_view text, size_t max, std::string_view note = "");

}  // namespace sluice
