// Random identifiers (execution ids): URL-safe base64 from the OS entropy
// pool, safe to use as Docker tags, S3 keys and file names.
#pragma once

#include <string>

namespace sluice {

// 22 characters of [A-Za-z0-9_-] (132 random bits), never starting with '-'.
std::string NewExecutionId();

// Hex of `n` random bytes.
std::string RandomHex(int n);

}  // namespace sluice
