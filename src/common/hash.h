// Content hashes (SHA-256, OpenSSL) for caches and content addresses, and hex.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Lower-case hex of `bytes`, two characters per byte.
std::string HexEncode(std::string_view bytes);

}  // namespace sluice
