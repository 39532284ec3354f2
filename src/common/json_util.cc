#include "common/json_util.h"

#include <array>
#include <string_view>

namespace sluice {

nlohmann::json MapStrings(const nlohmann::json& value,
                          const std::function<nlohmann::json(const std::string&)>& f) {
  if (value.is_string()) return f(value.get_ref<const std::string&>());
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : value) out.push_back(MapStrings(e, f));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = MapStrings(it.value(), f);
    return out;
  }
  return value;
}

std::string JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "a number";
    case nlohmann::json::value_t::binary:
      return "binary data";
    case nlohmann::json::value_t::discarded:
      return "nothing (discarded)";
  }
  return "an unknown value";
}

std::string JsonParseErrorMessage(const nlohmann::json::exception& e) {
  if (e.id == 406) {
    // "number overflow parsing '<the number>'": nothing but the quote to keep.
    return "number overflow: a number is too large for a double";
  }
  std::string_view what = e.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
  if (what.starts_with("[json.exception.")) {
    const size_t end = what.find("] ");
    what.remove_prefix(end == std::string_view::npos ? what.size() : end + 2);
  }
  constexpr std::string_view kLastRead = "; last read: '";
  const size_t quote = what.find(kLastRead);
  if (quote == std::string_view::npos) return std::string(what);
  std::string out(what.substr(0, quote));
  // After the quoted bytes nlohmann may add "; expected <token>". The bytes
  // could imitate that ending, so only the parser's own token names are kept:
  // at worst a forged ending shows one of these fixed phrases, never content.
  static constexpr std::array<std::string_view, 9> kExpected = {"string literal",
                                                                "end of input",
                                                                "'[', '{', or a literal",
                                                                "']'",
                                                                "'}'",
                                                                "':'",
                                                                "','",
                                                                "'['",
                                                                "'{'"};
  for (std::string_view token : kExpected) {
    const std::string ending = "; expected " + std::string(token);
    if (what.size() - quote > kLastRead.size() + ending.size() && what.ends_with(ending)) {
      out += ending;
      break;
    }
  }
  return out;
}

std::string JsonParseErrorReason(const nlohmann::json::exception& e) {
  std::string message = JsonParseErrorMessage(e);
  constexpr std::string_view kAt = "parse error at line ";
  if (message.starts_with(kAt)) {
    const size_t colon = message.find(": ");
    if (colon != std::string::npos) message.erase(0, colon + 2);
  }
  return message;
}

}  // namespace sluice
