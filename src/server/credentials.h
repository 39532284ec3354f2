// The random secrets sluice hands to clients — API tokens, session ids and
// CSRF tokens — and how they are kept: each is 32 bytes from libsodium's
// CSPRNG, printable as unpadded URL-safe base64, and stored only as its
// hex SHA-256 (SecretDigest). A 256-bit random value needs no slow hash:
// nobody can guess one, so its digest is as good as the value in the
// database and useless to a reader of it.
//
// API tokens carry a prefix ("sluice_") so that secret scanners and people
// recognise them; they are shown once, when created. All functions are
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sluice::server {

inline constexpr std::string_view kTokenPrefix = "sluice_";

// "sluice_" + 43 characters of [A-Za-z0-9_-].
std::string NewTokenValue();
// Whether `text` has the shape NewTokenValue gives (prefix and length).
bool LooksLikeToken(std::string_view text);
// A token's public handle: "tok_" + 12 hex digits. Not a secret.
std::string NewTokenId();

// 43 characters of [A-Za-z0-9_-] (32 random bytes).
std::string NewSessionId();
std::string NewCsrfToken();

// Lower-case hex SHA-256 of a secret: what the store keeps.
std::string SecretDigest(std::string_view secret);

// Compares in time that depends only on the lengths (libsodium's
// sodium_memcmp), for comparing secrets a client sent.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sluice::server
