// Password hashing for sluice's users: libsodium's crypto_pwhash_str with
// Argon2id at the "interactive" limits (2 passes, 64 MiB), which gives a
// self-describing string ("$argon2id$v=19$m=65536,t=2,p=1$...") holding the
// algorithm, its limits and a random salt. That string is what the store
// keeps; the password itself is never stored or logged.
//
// Hashing takes tens of milliseconds and 64 MiB on purpose; callers on a
// server thread should expect that. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::server {

// The rules a new password must follow: 8 to 1024 bytes. InvalidArgument
// says the rule, never the password.
Status CheckNewPassword(std::string_view password);

// The hash string of `password` (CheckNewPassword is not applied here).
// Internal when libsodium fails (out of memory).
Result<std::string> HashPassword(std::string_view password);

// Whether `password` matches `hash`, compared in constant time by
// libsodium. False for an empty or malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Whether `hash` was made with other limits or another algorithm than
// HashPassword uses now, so it should be replaced after the next
// successful sign-in. True for a malformed hash.
bool PasswordNeedsRehash(std::string_view hash);

}  // namespace sluice::server
