// Small text helpers: shortening text for people to read (failure
// messages, the execution tree), UTF-8 repair, ASCII trimming and case,
// percent-decoding, and the scope prefix of a Harness reference.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

// `text` unchanged when it has at most `max` bytes; otherwise its first `max`
// bytes (backing off so no UTF-8 sequence is cut) followed by
// "… (<size> bytes<note>)", e.g. note "; --json shows it all".
std::string Abbreviate(std::string_view text, size_t max, std::string_view note = "");

// `text` with every byte that is not part of a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF)
// replaced by U+FFFD: file names and package fields from images may be in
// any encoding, and JSON must be UTF-8.
std::string ToValidUtf8(std::string_view text);

// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view TrimAsciiSpace(std::string_view text);

// `text` with A-Z lower-cased (other bytes as they are).
std::string AsciiLower(std::string_view text);

// Whether `a` and `b` are equal when A-Z count as a-z (header names).
bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b);

// Whether an HTTP header's value is a credential that sluice never stores
// or shows (any case): X-Hub-Signature*, Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, X-Gitlab-Token,
// X-Auth-Token. The one list the webhook records and a triggered run's
// <+trigger.header> both go by.
bool IsCredentialHeader(std::string_view name);

// `text` with each %XX escape replaced by its byte (URL paths and keys); a
// '%' not followed by two hex digits is kept as it is.
std::string PercentDecode(std::string_view text);

// A Harness reference without its scope: "account.aws" and "org.aws" ->
// "aws" (one prefix at most); any other text as it is. sluice keeps the
// entities of every scope -- connectors, policy sets, secrets -- in the
// one project.
std::string_view WithoutScope(std::string_view ref);

}  // namespace sluice
