#include "common/text.h"

namespace sluice {

std::string Abbreviate(std::string_view text, size_t max, std::string_view note) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "… (" + std::to_string(text.size()) + " bytes" +
         std::string(note) + ")";
}

}  // namespace sluice
