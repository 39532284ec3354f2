#include "policy/value_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "policy/number_internal.h"
#include "policy/utf8.h"

namespace sluice::policy {

namespace {

// --- writing --------------------------------------------------------------------

void AppendHex4(std::string& out, unsigned v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}

// Go's encoding/json appendString.
void AppendJsonString(std::string& out, std::string_view s, bool escape_html) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (b < 0x20 || (escape_html && (b == '<' || b == '>' || b == '&'))) {
            AppendHex4(out, b);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    char32_t rune;
    size_t width = internal::DecodeUtf8(s, i, &rune);
    if (width == 0) {
      out.append("\\ufffd");
      ++i;
      continue;
    }
    if (rune == 0x2028 || rune == 0x2029) {
      AppendHex4(out, rune);
    } else {
      out.append(s.substr(i, width));
    }
    i += width;
  }
  out.push_back('"');
}

class JsonWriter {
 public:
  JsonWriter(std::string& out, const JsonOptions& options) : out_(out), options_(options) {}

  void Write(const Value& v, size_t depth) {
    switch (v.kind()) {
      case Kind::kNull:
        out_.append("null");
        return;
      case Kind::kBoolean:
        out_.append(v.AsBool() ? "true" : "false");
        return;
      case Kind::kNumber:
        v.AsNumber().AppendTo(out_);
        return;
      case Kind::kString:
        AppendJsonString(out_, v.AsString(), options_.escape_html);
        return;
      case Kind::kArray:
        WriteElems(v.ArrayElems(), depth);
        return;
      case Kind::kSet:
        WriteElems(v.SetElems(), depth);
        return;
      case Kind::kObject:
        WriteObject(v, depth);
        return;
    }
  }

 private:
  void Break(size_t depth) {
    if (options_.indent.empty()) return;
    out_.push_back('\n');
    for (size_t i = 0; i < depth; ++i) out_.append(options_.indent);
  }

  void WriteElems(std::span<const Value> elems, size_t depth) {
    out_.push_back('[');
    for (size_t i = 0; i < elems.size(); ++i) {
      if (i > 0) out_.push_back(',');
      Break(depth + 1);
      Write(elems[i], depth + 1);
    }
    if (!elems.empty()) Break(depth);
    out_.push_back(']');
  }

  void WriteObject(const Value& object, size_t depth) {
    std::span<const ObjectEntry> entries = object.ObjectEntries();
    bool all_strings = std::all_of(entries.begin(), entries.end(),
                                   [](const ObjectEntry& e) { return e.key.IsString(); });
    // String keys are already in Go's (bytewise) order; others are not once
    // turned into text, and two keys may turn into the same text.
    std::vector<std::pair<std::string, const Value*>> keyed;
    if (!all_strings) {
      keyed.reserve(entries.size());
      for (const ObjectEntry& e : entries) keyed.emplace_back(JsonKey(e.key), &e.value);
      std::stable_sort(keyed.begin(), keyed.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      size_t out = 0;
      for (size_t i = 0; i < keyed.size(); ++i) {
        if (i + 1 < keyed.size() && keyed[i].first == keyed[i + 1].first) continue;
        if (out != i) keyed[out] = std::move(keyed[i]);
        ++out;
      }
      keyed.resize(out);
    }
    size_t n = all_strings ? entries.size() : keyed.size();
    out_.push_back('{');
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) out_.push_back(',');
      Break(depth + 1);
      std::string_view key = all_strings ? entries[i].key.AsString() : keyed[i].first;
      AppendJsonString(out_, key, options_.escape_html);
      out_.push_back(':');
      if (!options_.indent.empty()) out_.push_back(' ');
      Write(all_strings ? entries[i].value : *keyed[i].second, depth + 1);
    }
    if (n > 0) Break(depth);
    out_.push_back('}');
  }

  std::string& out_;
  const JsonOptions& options_;
};

}  // namespace

Result<Value> FromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return Value::Null();
    case nlohmann::json::value_t::boolean:
      return Value::Boolean(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::Int(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return Value(Number::FromUint(json.get<uint64_t>()));
    case nlohmann::json::value_t::number_float: {
      SLUICE_ASSIGN_OR_RETURN(Number n, Number::FromDouble(json.get<double>()));
      return Value(std::move(n));
    }
    case nlohmann::json::value_t::string:
      return Value::String(json.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> elems;
      elems.reserve(json.size());
      for (const nlohmann::json& e : json) {
        SLUICE_ASSIGN_OR_RETURN(Value v, FromJson(e));
        elems.push_back(std::move(v));
      }
      return Value::Array(std::move(elems));
    }
    case nlohmann::json::value_t::object: {
      std::vector<ObjectEntry> entries;
      entries.reserve(json.size());
      for (auto it = json.begin(); it != json.end(); ++it) {
        SLUICE_ASSIGN_OR_RETURN(Value v, FromJson(it.value()));
        entries.push_back(ObjectEntry{Value::String(it.key()), std::move(v)});
      }
      return Value::Object(std::move(entries));
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  return Status::InvalidArgument("binary values are not JSON");
}

void AppendJson(std::string& out, const Value& value, const JsonOptions& options) {
  JsonWriter(out, options).Write(value, 0);
}

std::string ToJson(const Value& value, const JsonOptions& options) {
  std::string out;
  AppendJson(out, value, options);
  return out;
}

std::string JsonKey(const Value& key) {
  if (key.IsString()) return std::string(key.AsString());
  return ToJson(key, JsonOptions{});
}

nlohmann::json ToNlohmannJson(const Value& value) {
  switch (value.kind()) {
    case Kind::kNull:
      return nullptr;
    case Kind::kBoolean:
      return value.AsBool();
    case Kind::kNumber: {
      const Number& n = value.AsNumber();
      if (n.is_int64()) return n.int64();
      bool big_integer = internal::NumberAccess::rep(n) == internal::NumberAccess::kBig;
      if (big_integer && n.Sign() > 0 && n <= Number::FromUint(UINT64_MAX)) {
        return static_cast<uint64_t>(internal::ToMpz(n).get_ui());
      }
      return n.ToDouble().value_or(n.Sign() < 0 ? -HUGE_VAL : HUGE_VAL);
    }
    case Kind::kString:
      return std::string(value.AsString());
    case Kind::kArray:
    case Kind::kSet: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& e : value.IsArray() ? value.ArrayElems() : value.SetElems()) {
        out.push_back(ToNlohmannJson(e));
      }
      return out;
    }
    case Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const ObjectEntry& e : value.ObjectEntries()) {
        out[JsonKey(e.key)] = ToNlohmannJson(e.value);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace sluice::policy
