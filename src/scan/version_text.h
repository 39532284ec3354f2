// Internal to src/scan's version orderings: the character and number rules
// the schemes share. Not part of the module's API.
#pragma once

#include <string_view>

namespace sluice::scan::version_text {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }

// `text` without leading and trailing spaces, tabs and line breaks.
std::string_view TrimSpace(std::string_view text);

// Compares two runs of decimal digits by their value, at any length (no
// overflow): leading zeros do not count and an empty run is 0. <0, 0, >0.
int CompareDigitRuns(std::string_view a, std::string_view b);

// Byte order of the two strings: <0, 0, >0.
int CompareBytes(std::string_view a, std::string_view b);

// -1, 0 or 1 for a < b, a == b, a > b.
template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace sluice::scan::version_text
