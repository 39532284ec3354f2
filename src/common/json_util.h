// Small helpers over nlohmann::json values.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace sluice {

// A copy of `value` with every string (at any depth, object keys excepted)
// replaced by `f(string)`.
nlohmann::json MapStrings(const nlohmann::json& value,
                          const std::function<nlohmann::json(const std::string&)>& f);

// A value's type as a person would name it in a message: "a string",
// "a number", "a boolean", "null", "an array", "an object".
std::string JsonTypeName(const nlohmann::json& value);

// What an exception thrown by nlohmann::json::parse says, safe to show.
// nlohmann quotes the bytes it last read ("...; last read: '<bytes>'"), which
// can be any part of the input -- a secret, when a path names the wrong
// file -- so that quote is cut; the position and the parser's reason stay:
//   "parse error at line 3, column 1: syntax error while parsing value -
//    invalid literal"
// A number too large for a double (out_of_range.406, which quotes the number
// and gives no position) reads "number overflow: ...". The
// "[json.exception...]" prefix is dropped.
std::string JsonParseErrorMessage(const nlohmann::json::exception& e);
// The same without "parse error at line L, column C: ", for callers that
// state the position themselves (e.g. from parse_error::byte).
std::string JsonParseErrorReason(const nlohmann::json::exception& e);

}  // namespace sluice
