#include "expr/methods.h"

#include <regex>
#include <string>

#include "expr/value_ops.h"

namespace sluice::expr {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Trim(const std::string& s) {
  // Java's trim(): strips every character <= ' ' from both ends.
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

std::string ReplaceAll(const std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  if (from.empty()) {
    // Java inserts the replacement around every character.
    out = to;
    for (char c : s) {
      out += c;
      out += to;
    }
    return out;
  }
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return out;
}

Result<std::regex> CompileRegex(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("invalid regular expression \"" + pattern + "\": " + e.what());
  }
}

Result<Value> Split(const std::string& s, const std::string& pattern) {
  SLUICE_ASSIGN_OR_RETURN(std::regex re, CompileRegex(pattern));
  Value parts = Value::array();
  if (s.empty()) {
    parts.push_back("");
    return parts;
  }
  size_t pos = 0;
  auto begin = std::sregex_iterator(s.begin(), s.end(), re);
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const size_t at = static_cast<size_t>(it->position());
    const size_t len = static_cast<size_t>(it->length());
    if (len == 0 && (at == 0 || at >= s.size())) continue;  // Java skips these empty matches
    parts.push_back(s.substr(pos, at - pos));
    pos = at + len;
  }
  parts.push_back(s.substr(pos));
  while (parts.size() > 1 && parts.back().get_ref<const std::string&>().empty()) {
    parts.erase(parts.size() - 1);
  }
  return parts;
}

class MethodCall {
 public:
  MethodCall(std::string_view name, const std::vector<Value>& args) : name_(name), args_(args) {}

  // Checks the argument count is within [min, max].
  Status Arity(size_t min, size_t max) const {
    if (args_.size() >= min && args_.size() <= max) return Status::Ok();
    std::string want = std::to_string(min);
    if (max != min) {
      want += max == min + 1 ? " or " + std::to_string(max) : "-" + std::to_string(max);
    }
    return Status::InvalidArgument(std::string(name_) + "() takes " + want + " argument" +
                                   (max == 1 && min == 1 ? "" : "s") + ", got " +
                                   std::to_string(args_.size()));
  }

  // Argument i as text; null is refused (Java would throw).
  Result<std::string> Text(size_t i) const {
    if (args_[i].is_null() || args_[i].is_array() || args_[i].is_object()) {
      return Status::InvalidArgument(std::string(name_) + "() argument " + std::to_string(i + 1) +
                                     " must be a string, got " + DescribeValue(args_[i]));
    }
    return ToText(args_[i]);
  }

  Result<int64_t> Integer(size_t i) const {
    if (!args_[i].is_number_integer()) {
      return Status::InvalidArgument(std::string(name_) + "() argument " + std::to_string(i + 1) +
                                     " must be an integer, got " + DescribeValue(args_[i]));
    }
    return args_[i].get<int64_t>();
  }

  Status Unknown(std::string_view receiver_kind) const {
    return Status::InvalidArgument(std::string(receiver_kind) + " has no method " +
                                   std::string(name_) + "()");
  }

  Result<Value> OnString(const std::string& s) const {
    const std::string_view n = name_;
    if (n == "length" || n == "toLowerCase" || n == "toUpperCase" || n == "trim" ||
        n == "isEmpty" || n == "toString") {
      SLUICE_RETURN_IF_ERROR(Arity(0, 0));
      if (n == "length") return Value(static_cast<int64_t>(s.size()));
      if (n == "toLowerCase") return Value(Lower(s));
      if (n == "toUpperCase") return Value(Upper(s));
      if (n == "trim") return Value(Trim(s));
      if (n == "isEmpty") return Value(s.empty());
      return Value(s);
    }
    if (n == "equals") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 1));
      return Value(args_[0].is_string() && args_[0].get_ref<const std::string&>() == s);
    }
    if (n == "contains" || n == "startsWith" || n == "endsWith" || n == "concat" ||
        n == "equalsIgnoreCase" || n == "matches" || n == "split") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 1));
      SLUICE_ASSIGN_OR_RETURN(std::string a, Text(0));
      if (n == "contains") return Value(s.find(a) != std::string::npos);
      if (n == "startsWith") return Value(s.compare(0, a.size(), a) == 0 && s.size() >= a.size());
      if (n == "endsWith") {
        return Value(s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0);
      }
      if (n == "concat") return Value(s + a);
      if (n == "equalsIgnoreCase") return Value(Lower(s) == Lower(a));
      if (n == "split") return Split(s, a);
      SLUICE_ASSIGN_OR_RETURN(bool matched, RegexFullMatch(a, s));
      return Value(matched);
    }
    if (n == "replace") {
      SLUICE_RETURN_IF_ERROR(Arity(2, 2));
      SLUICE_ASSIGN_OR_RETURN(std::string from, Text(0));
      SLUICE_ASSIGN_OR_RETURN(std::string to, Text(1));
      return Value(ReplaceAll(s, from, to));
    }
    if (n == "substring") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 2));
      SLUICE_ASSIGN_OR_RETURN(int64_t begin, Integer(0));
      int64_t end = static_cast<int64_t>(s.size());
      if (args_.size() == 2) {
        SLUICE_ASSIGN_OR_RETURN(end, Integer(1));
      }
      if (begin < 0 || end > static_cast<int64_t>(s.size()) || begin > end) {
        return Status::InvalidArgument(
            "substring(" + std::to_string(begin) + ", " + std::to_string(end) +
            ") is out of range for a string of length " + std::to_string(s.size()));
      }
      return Value(s.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
    }
    if (n == "indexOf") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 2));
      SLUICE_ASSIGN_OR_RETURN(std::string a, Text(0));
      int64_t from = 0;
      if (args_.size() == 2) {
        SLUICE_ASSIGN_OR_RETURN(from, Integer(1));
      }
      if (from < 0) from = 0;
      if (from > static_cast<int64_t>(s.size())) return Value(-1);
      size_t hit = s.find(a, static_cast<size_t>(from));
      return Value(hit == std::string::npos ? int64_t{-1} : static_cast<int64_t>(hit));
    }
    return Unknown("string");
  }

  Result<Value> OnArray(const Value& list) const {
    const std::string_view n = name_;
    if (n == "length" || n == "size" || n == "isEmpty" || n == "toString") {
      SLUICE_RETURN_IF_ERROR(Arity(0, 0));
      if (n == "isEmpty") return Value(list.empty());
      if (n == "toString") return Value(ToText(list));
      return Value(static_cast<int64_t>(list.size()));
    }
    if (n == "contains") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 1));
      for (const Value& item : list) {
        if (LooseEquals(item, args_[0])) return Value(true);
      }
      return Value(false);
    }
    if (n == "get") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 1));
      SLUICE_ASSIGN_OR_RETURN(int64_t i, Integer(0));
      if (i < 0 || i >= static_cast<int64_t>(list.size())) {
        return Status::InvalidArgument("index " + std::to_string(i) +
                                       " is out of range for a list of " +
                                       std::to_string(list.size()) + " elements");
      }
      return list[static_cast<size_t>(i)];
    }
    return Unknown("array");
  }

  Result<Value> OnObject(const Value& object) const {
    const std::string_view n = name_;
    if (n == "size" || n == "isEmpty" || n == "toString") {
      SLUICE_RETURN_IF_ERROR(Arity(0, 0));
      if (n == "isEmpty") return Value(object.empty());
      if (n == "toString") return Value(ToText(object));
      return Value(static_cast<int64_t>(object.size()));
    }
    if (n == "get" || n == "containsKey") {
      SLUICE_RETURN_IF_ERROR(Arity(1, 1));
      SLUICE_ASSIGN_OR_RETURN(std::string key, Text(0));
      auto it = object.find(key);
      if (n == "containsKey") return Value(it != object.end());
      if (it == object.end()) return Status::NotFound("object has no \"" + key + "\"");
      return *it;
    }
    return Unknown("object");
  }

 private:
  std::string_view name_;
  const std::vector<Value>& args_;
};

}  // namespace

Result<bool> RegexFullMatch(const std::string& pattern, const std::string& text) {
  SLUICE_ASSIGN_OR_RETURN(std::regex re, CompileRegex(pattern));
  return std::regex_match(text, re);
}

Result<Value> CallMethod(const Value& receiver, std::string_view name,
                         const std::vector<Value>& args) {
  MethodCall call(name, args);
  if (receiver.is_null()) {
    return Status::InvalidArgument("cannot call " + std::string(name) + "() on null");
  }
  if (receiver.is_array()) return call.OnArray(receiver);
  if (receiver.is_object()) return call.OnObject(receiver);
  return call.OnString(ToText(receiver));
}

}  // namespace sluice::expr
