// Base64 (RFC 4648), standard and URL-safe, decoded the way Go's
// encoding/base64 reads it: policies (OPA's builtins, JWTs) and registries
// (Basic auth, tokens) need the same answers Go programs give.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

// Standard alphabet with padding (Go's StdEncoding).
std::string Base64Encode(std::string_view bytes);
// Go's StdEncoding decoder: quanta of four symbols, '=' only to end the
// last one, \r and \n ignored; InvalidArgument "illegal base64 data at input
// byte N" otherwise.
Result<std::string> Base64Decode(std::string_view text);
// Unpadded URL-safe alphabet (Go's RawURLEncoding), as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);
// URL-safe, unpadded input padded first (RFC 7515 appendix C), then
// decoded as Go's URLEncoding does.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace sluice
