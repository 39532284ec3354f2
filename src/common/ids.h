// Random identifiers (execution ids): URL-safe base64 from the OS entropy
// pool, safe to use as Docker tags, S3 keys and file names.
#pragma once

#include <string>

namespace sluice {

// 22 characters of [A-Za-z0-9_-] (132 random bits), never starting with '-'.
std::string NewExecutionId();

// Hex of `n` random bytes.
std::string RandomHex(int n);

// Hex of `n` pseudo-random bytes from a per-thread generator seeded once
// from the OS: for identifiers that must not collide but need not be
// unpredictable (request and trace ids), where a system call each would
// show in the cost of a request. Never for tokens or keys.
std::string QuickRandomHex(int n);

}  // namespace sluice
