// Serialisation builtins beyond json.marshal / json.unmarshal:
// json.marshal_with_options (Go's json.MarshalIndent with OPA's options
// object) and yaml.marshal / yaml.unmarshal / yaml.is_valid.
//
// YAML output follows the shape of OPA's (go-yaml through
// sigs.k8s.io/yaml): block style, keys sorted, sequences inside mappings not
// indented, strings quoted only when they would read back as something
// else. YAML input goes through the same reader as conformance data
// (yaml_value.h); its errors are worded like go-yaml's ("yaml: line N: ...")
// where the two libraries report the same fault.
#include <yaml-cpp/yaml.h>

#include <string>

#include "policy/builtins.h"
#include "policy/value_json.h"
#include "policy/value_print.h"
#include "policy/yaml_value.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

Out MarshalWithOptions(Args a) {
  if (!a[1].IsObject()) return Out::OperandError(2, "object", a[1]);
  std::string indent = "\t";
  std::string prefix;
  bool implicit_pretty = false;
  std::optional<bool> explicit_pretty;
  for (const ObjectEntry& e : a[1].ObjectEntries()) {
    if (!e.key.IsString()) {
      return Out::TypeError("operand 2 failed to stringify key " + ToRego(e.key));
    }
    std::string_view key = e.key.AsString();
    if (key == "prefix" || key == "indent") {
      if (!e.value.IsString()) {
        return Out::TypeError("operand 2 key " + std::string(key) + " failed cast to string");
      }
      (key == "prefix" ? prefix : indent) = std::string(e.value.AsString());
      implicit_pretty = true;
    } else if (key == "pretty") {
      if (!e.value.IsBoolean()) return Out::TypeError("operand 2 key pretty failed cast to bool");
      explicit_pretty = e.value.AsBool();
    } else {
      return Out::TypeError("operand 2 object contained unknown key " + ToRego(e.key));
    }
  }
  if (!explicit_pretty.value_or(implicit_pretty)) return Value::String(ToJson(a[0]));
  // Go's MarshalIndent starts every line but the first with the prefix;
  // OPA adds it to the first. Newlines only occur between tokens (strings
  // escape theirs), so each one is a line break to prefix. An empty indent
  // still breaks lines: indent with \x01 (escaped inside strings, so never
  // literal there) and drop it.
  std::string body = ToJson(a[0], JsonOptions{.indent = indent.empty() ? "\x01" : indent});
  std::string out = prefix;
  for (char c : body) {
    if (indent.empty() && c == '\x01') continue;
    out += c;
    if (c == '\n') out += prefix;
  }
  return Value::String(out);
}

// --- YAML output

// Whether a string can be written as a plain scalar and read back as the
// same string.
bool PlainSafe(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  for (char c : s) {
    if (c == '\n' || c == '\t' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  Result<Value> back = PlainScalarToValue(s);
  return back.ok() && back.value().IsString();
}

// go-yaml writes multi-line strings as literal blocks ("|-" and the lines
// indented below) unless a line ends in a space or the text starts with
// whitespace or holds control characters; those (and other strings that
// plain style cannot carry) are quoted.
bool LiteralSafe(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\n') return false;
    if (c == ' ' && (i + 1 == s.size() || s[i + 1] == '\n')) return false;
  }
  return true;
}

void AppendLiteral(std::string& out, std::string_view s, size_t indent) {
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  out += trailing == 0 ? "|-" : (trailing == 1 ? "|" : "|+");
  std::string_view body = s.substr(0, s.size() - (trailing > 0 ? 1 : 0));
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    out += '\n';
    if (end > start) {
      out.append(indent, ' ');
      out.append(body.substr(start, end - start));
    }
    start = end + 1;
  }
}

// A scalar; `indent` is where a literal block's lines start.
void AppendScalar(std::string& out, const Value& v, size_t indent, bool allow_block) {
  if (!v.IsString()) {
    out += ToJson(v, JsonOptions{.escape_html = false});
  } else if (PlainSafe(v.AsString())) {
    out += v.AsString();
  } else if (allow_block && LiteralSafe(v.AsString())) {
    AppendLiteral(out, v.AsString(), indent);
  } else {
    out += ToJson(v, JsonOptions{.escape_html = false});
  }
}

bool IsEmptyCollection(const Value& v) { return v.IsCollection() && v.size() == 0; }

// `indent`: the column of this node's lines (a scalar's block lines go two
// further in).
void AppendYaml(std::string& out, const Value& v, size_t indent);

void AppendSequence(std::string& out, std::span<const Value> elems, size_t indent) {
  for (const Value& e : elems) {
    out.append(indent, ' ');
    out += "-";
    if (e.IsCollection() && !IsEmptyCollection(e)) {
      // The first key or item shares the dash's line ("- a: 1", "- - 1").
      std::string sub;
      AppendYaml(sub, e, indent + 2);
      out += " ";
      out += sub.substr(indent + 2);
    } else {
      out += " ";
      AppendYaml(out, e, indent);
    }
  }
}

void AppendYaml(std::string& out, const Value& v, size_t indent) {
  if (IsEmptyCollection(v)) {
    out += v.IsObject() ? "{}\n" : "[]\n";
  } else if (v.IsArray()) {
    AppendSequence(out, v.ArrayElems(), indent);
  } else if (v.IsSet()) {
    AppendSequence(out, v.SetElems(), indent);
  } else if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) {
      out.append(indent, ' ');
      AppendScalar(out, Value::String(JsonKey(e.key)), indent, false);
      out += ":";
      if (e.value.IsCollection() && !IsEmptyCollection(e.value)) {
        out += "\n";
        AppendYaml(out, e.value, e.value.IsObject() ? indent + 2 : indent);
      } else {
        out += " ";
        AppendYaml(out, e.value, indent);
      }
    }
  } else {
    AppendScalar(out, v, indent + 2, true);
    out += "\n";
  }
}

Out YamlMarshal(Args a) {
  std::string out;
  AppendYaml(out, a[0], 0);
  return Value::String(out);
}

// go-yaml's wording for the faults yaml-cpp also reports.
std::string GoYamlMessage(const std::string& msg) {
  if (msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) return "did not find expected ',' or ']'";
  if (msg == YAML::ErrorMsg::END_OF_MAP_FLOW) return "did not find expected ',' or '}'";
  return msg;
}

Result<Value> ReadYaml(std::string_view text) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined()) return Value::Null();
    return YamlToValue(root, "yaml");
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.is_null() ? "" : "line " + std::to_string(e.mark.line + 1) + ": ";
    return Status::InvalidArgument("yaml: " + where + GoYamlMessage(e.msg));
  }
}

Out YamlUnmarshal(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<Value> v = ReadYaml(a[0].AsString());
  if (!v.ok()) return Out::Error(v.status().message());
  return std::move(v).value();
}

Out YamlIsValid(Args a) {
  if (!a[0].IsString()) return Value::Boolean(false);
  return Value::Boolean(ReadYaml(a[0].AsString()).ok());
}

}  // namespace

void RegisterSerializeBuiltins(BuiltinRegistry& r) {
  r.Add("json.marshal_with_options", 2, MarshalWithOptions);
  r.Add("yaml.marshal", 1, YamlMarshal);
  r.Add("yaml.unmarshal", 1, YamlUnmarshal);
  r.Add("yaml.is_valid", 1, YamlIsValid);
}

}  // namespace sluice::policy
