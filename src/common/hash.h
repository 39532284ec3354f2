// Content hashes (SHA-256, OpenSSL) for caches and content addresses.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace sluice
