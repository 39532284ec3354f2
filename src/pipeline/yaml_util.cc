#include "pipeline/yaml_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

SourceLocation LocationOf(const YAML::Node& node, const std::string& file) {
  SourceLocation loc{file, 0, 0};
  if (!node.IsDefined()) return loc;
  YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return loc;
  loc.line = m.line + 1;
  loc.column = m.column + 1;
  return loc;
}

namespace {

bool IsNullText(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> BoolText(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// YAML 1.2 core schema integers: decimal, 0o octal, 0x hex.
std::optional<long long> IntText(const std::string& s) {
  static const std::regex kDec("[-+]?[0-9]+");
  static const std::regex kOct("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  errno = 0;
  char* end = nullptr;
  long long v = 0;
  if (std::regex_match(s, kDec)) {
    v = std::strtoll(s.c_str(), &end, 10);
  } else if (std::regex_match(s, kOct)) {
    v = std::strtoll(s.c_str() + 2, &end, 8);
  } else if (std::regex_match(s, kHex)) {
    v = std::strtoll(s.c_str() + 2, &end, 16);
  } else {
    return std::nullopt;
  }
  if (errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<double> FloatText(const std::string& s) {
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    return HUGE_VAL;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::nan("");
  return std::nullopt;
}

}  // namespace

nlohmann::json YamlToJson(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& child : node) arr.push_back(YamlToJson(child));
    return arr;
  }
  if (node.IsMap()) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& kv : node) obj[kv.first.Scalar()] = YamlToJson(kv.second);
    return obj;
  }
  const std::string& s = node.Scalar();
  // Quoted and block scalars carry the non-specific tag "!" and stay text;
  // so do explicitly tagged ones (!!str).
  if (node.Tag() != "?" && !node.Tag().empty()) return s;
  if (IsNullText(s)) return nullptr;
  if (auto b = BoolText(s)) return *b;
  if (auto i = IntText(s)) return *i;
  if (auto f = FloatText(s)) {
    if (std::isfinite(*f)) return *f;
    return s;  // JSON has no inf/nan; keep the text
  }
  return s;
}

namespace internal {

namespace {

// Column (0-based) of the first content line of a block scalar whose
// indicator sits at byte `pos` of `source`; -1 if it cannot be found.
int BlockIndent(const std::string& source, size_t pos) {
  size_t nl = source.find('\n', pos);
  while (nl != std::string::npos) {
    size_t start = nl + 1;
    size_t i = start;
    while (i < source.size() && source[i] == ' ') ++i;
    if (i >= source.size()) return -1;
    if (source[i] != '\n' && source[i] != '\r') return static_cast<int>(i - start);
    nl = source.find('\n', start);
  }
  return -1;
}

}  // namespace

SourceLocation LocationInScalar(const YAML::Node& scalar, size_t offset, const std::string& file,
                                const std::string* source) {
  SourceLocation loc = LocationOf(scalar, file);
  if (!loc.known() || !scalar.IsScalar()) return loc;
  const std::string& value = scalar.Scalar();
  offset = std::min(offset, value.size());
  const int newlines =
      static_cast<int>(std::count(value.begin(), value.begin() + static_cast<long>(offset), '\n'));
  const size_t line_start = offset == 0 ? 0 : value.rfind('\n', offset - 1);
  const int col_in_line = static_cast<int>(
      line_start == std::string::npos || offset == 0 ? offset : offset - line_start - 1);
  char first = 0;
  const auto pos = static_cast<size_t>(scalar.Mark().pos);
  if (source != nullptr && pos < source->size()) first = (*source)[pos];
  if (first == '|' || first == '>') {
    int indent = BlockIndent(*source, pos);
    if (indent < 0) return loc;
    // Content starts on the line after the indicator.
    loc.line += 1 + newlines;
    loc.column = indent + col_in_line + 1;
    return loc;
  }
  if (newlines > 0) {
    // A multi-line plain or quoted scalar folds its lines; the start of the
    // scalar is the best reliable place.
    return loc;
  }
  loc.column += static_cast<int>(offset) + ((first == '"' || first == '\'') ? 1 : 0);
  return loc;
}

SourceLocation LocationOfScalarLine(const YAML::Node& scalar, int line, const std::string& file,
                                    const std::string* source) {
  if (!scalar.IsScalar()) return LocationOf(scalar, file);
  const std::string& value = scalar.Scalar();
  size_t offset = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = value.find('\n', offset);
    if (nl == std::string::npos) break;
    offset = nl + 1;
  }
  return LocationInScalar(scalar, offset, file, source);
}

SourceLocation ParseContext::At(const YAML::Node& node) const { return LocationOf(node, file_); }

SourceLocation ParseContext::At(const Field& field) const {
  if (!field.value.IsDefined() || field.value.IsNull()) return LocationOf(field.key, file_);
  return LocationOf(field.value, file_);
}

std::string KindName(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "empty";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "a string (\"" + node.Scalar() + "\")";
}

std::string Describe(const YAML::Node& item, const std::vector<Field>& fields) {
  if (!item.IsMap()) return KindName(item);
  std::string out = "a mapping with keys ";
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i].name;
  return out;
}

std::vector<Field> Fields(const YAML::Node& map) {
  std::vector<Field> out;
  if (!map.IsMap()) return out;
  for (const auto& kv : map) {
    out.push_back({kv.first.IsScalar() ? kv.first.Scalar() : std::string(), kv.first, kv.second});
  }
  return out;
}

YAML::Node ValueOf(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (const auto& kv : map) {
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

const Field* FindField(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void WarnUnknownKeys(const ParseContext& ctx, const std::vector<Field>& fields,
                     std::initializer_list<std::string_view> known, std::string_view where,
                     const std::map<std::string, std::string>& hints) {
  for (const Field& f : fields) {
    if (std::find(known.begin(), known.end(), f.name) != known.end()) continue;
    std::string msg = "unknown key \"" + f.name + "\" in " + std::string(where) + " (ignored";
    if (auto it = hints.find(f.name); it != hints.end()) msg += "; " + it->second;
    msg += ")";
    ctx.Warning(ctx.At(f.key), std::move(msg));
  }
}

namespace {

void TypeError(const ParseContext& ctx, const Field& field, std::string_view want) {
  ctx.Error(ctx.At(field), "\"" + field.name + "\" must be " + std::string(want) + ", not " +
                               KindName(field.value));
}

}  // namespace

bool ExpectMap(const ParseContext& ctx, const Field& field) {
  if (field.value.IsMap()) return true;
  TypeError(ctx, field, "a mapping");
  return false;
}

bool ExpectList(const ParseContext& ctx, const Field& field) {
  if (field.value.IsSequence()) return true;
  TypeError(ctx, field, "a list");
  return false;
}

std::optional<std::string> GetString(const ParseContext& ctx, const Field* field) {
  if (field == nullptr || field->value.IsNull()) return std::nullopt;
  if (!field->value.IsScalar()) {
    TypeError(ctx, *field, "a string");
    return std::nullopt;
  }
  return field->value.Scalar();
}

std::optional<std::string> RequireString(const ParseContext& ctx, const std::vector<Field>& fields,
                                         std::string_view name, std::string_view what,
                                         const YAML::Node& object) {
  const Field* f = FindField(fields, name);
  if (f == nullptr || f->value.IsNull() || (f->value.IsScalar() && f->value.Scalar().empty())) {
    SourceLocation loc = f != nullptr ? ctx.At(f->key) : ctx.At(object);
    ctx.Error(loc, std::string(what) + " is missing required field \"" + std::string(name) + "\"");
    return std::nullopt;
  }
  return GetString(ctx, f);
}

std::optional<bool> GetBool(const ParseContext& ctx, const Field* field) {
  if (field == nullptr || field->value.IsNull()) return std::nullopt;
  if (field->value.IsScalar()) {
    if (auto b = BoolText(field->value.Scalar())) return b;
  }
  TypeError(ctx, *field, "true or false");
  return std::nullopt;
}

std::optional<int> GetInt(const ParseContext& ctx, const Field* field) {
  if (field == nullptr || field->value.IsNull()) return std::nullopt;
  if (field->value.IsScalar()) {
    auto v = IntText(field->value.Scalar());
    if (v && *v >= 0 && *v <= 1000000) return static_cast<int>(*v);
  }
  TypeError(ctx, *field, "a non-negative whole number");
  return std::nullopt;
}

std::vector<std::string> GetStringList(const ParseContext& ctx, const Field* field) {
  std::vector<std::string> out;
  if (field == nullptr || field->value.IsNull()) return out;
  if (!ExpectList(ctx, *field)) return out;
  for (const auto& item : field->value) {
    if (!item.IsScalar()) {
      ctx.Error(ctx.At(item),
                "elements of \"" + field->name + "\" must be strings, not " + KindName(item));
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<Millis> GetDuration(const ParseContext& ctx, const Field* field) {
  auto text = GetString(ctx, field);
  if (!text) return std::nullopt;
  // A runtime input or expression is resolved later; nothing to check now.
  if (text->find("<+") != std::string::npos) return std::nullopt;
  Result<Millis> d = ParseDuration(*text);
  if (!d.ok()) {
    ctx.Error(ctx.At(*field),
              "invalid " + field->name + " \"" + *text + "\": " + d.status().message());
    return std::nullopt;
  }
  return *d;
}

bool IsValidIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  if (!(std::isalpha(static_cast<unsigned char>(id[0])) != 0 || id[0] == '_')) return false;
  return std::all_of(id.begin(), id.end(), word);
}

void CheckIdentifier(const ParseContext& ctx, std::string_view id, const SourceLocation& loc) {
  if (IsValidIdentifier(id)) return;
  ctx.Error(loc,
            "invalid identifier \"" + std::string(id) +
                "\": identifiers must match ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$ (letters, digits and _, "
                "not starting with a digit, at most 128 characters)");
}

void IdentifierScope::Add(const ParseContext& ctx, const std::string& id,
                          const SourceLocation& loc) {
  auto [it, inserted] = seen_.emplace(id, loc);
  if (inserted) return;
  ctx.Error(loc, "duplicate " + kind_ + " identifier \"" + id + "\" (first used at " +
                     it->second.ToString() + "); identifiers must be unique");
}

void WarnNotSupported(const ParseContext& ctx, const Field& field, std::string_view what) {
  ctx.Warning(ctx.At(field.key),
              "\"" + field.name + "\" is not supported yet (ignored; " + std::string(what) + ")");
}

}  // namespace internal
}  // namespace sluice::pipeline

namespace sluice::pipeline {

SourceLocation LocationInScalar(const YAML::Node& scalar, size_t offset, const Pipeline& pipeline) {
  return internal::LocationInScalar(scalar, offset, pipeline.file,
                                    pipeline.source ? pipeline.source.get() : nullptr);
}

}  // namespace sluice::pipeline
