// Shared pieces of the io.jwt.* builtins (builtins_jwt.cc,
// jwt_decode_verify.cc, jwt_encode.cc): a compact JWS token split into its
// three base64url sections and decoded the way OPA's topdown/tokens.go does,
// with its error texts. Internal to the policy module.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/builtins.h"
#include "policy/value.h"

namespace sluice::policy::jwt {

// The three encoded sections of "header.payload.signature".
struct Token {
  std::string header;
  std::string payload;
  std::string signature;
};

// "encoded JWT had no period separators", "encoded JWT must have 3
// sections, found N".
Result<Token> Split(std::string_view text);

// The header as an object ("JWT header had invalid encoding: ...", "bad JWT
// header: ...", "JWT is a JWE object, which is not supported").
Result<Value> DecodeHeader(const Token& token);

// The decoded signature bytes (the base64url error as is).
Result<std::string> DecodeSignature(const Token& token);

// The header parameters OPA reads (RFC 7515 section 4.1).
struct HeaderFields {
  std::string alg, kid, typ, cty;
  std::vector<std::string> critical;  // "crit"
  std::vector<std::string> unknown;   // names of the other parameters
  // alg is present and no critical parameter is unknown (section 4.1.11).
  bool Valid() const;
};
// "<name>: must be a string", "crit: must be a list", "crit: must be a
// nonempty list".
Result<HeaderFields> ReadHeader(const Value& header);

// JSON text that must hold an object ("invalid JSON: ...", "decoded JSON
// type was not an Object").
Result<Value> JsonObject(std::string_view text);

// The builtins defined outside builtins_jwt.cc.
BuiltinOutcome DecodeVerify(std::span<const Value> args);    // io.jwt.decode_verify
BuiltinOutcome EncodeSign(std::span<const Value> args);      // io.jwt.encode_sign
BuiltinOutcome EncodeSignRaw(std::span<const Value> args);   // io.jwt.encode_sign_raw

}  // namespace sluice::policy::jwt
