#include "policy/metadata.h"

#include <map>
#include <optional>

#include "policy/yaml_value.h"

namespace sluice::policy {
namespace {

struct Block {
  int first_line = 0;  // the "# METADATA" line
  int last_line = 0;
  std::string yaml;
  ast::Location location;
};

std::vector<Block> FindBlocks(const std::vector<ast::Comment>& comments) {
  std::vector<Block> blocks;
  for (size_t i = 0; i < comments.size(); ++i) {
    std::string_view head = comments[i].text;
    while (!head.empty() && (head.front() == ' ' || head.front() == '\t')) head.remove_prefix(1);
    while (!head.empty() && (head.back() == ' ' || head.back() == '\t')) head.remove_suffix(1);
    if (head != "METADATA") continue;
    Block b;
    b.first_line = b.last_line = comments[i].location.line;
    b.location = comments[i].location;
    size_t j = i + 1;
    for (; j < comments.size() && comments[j].location.line == b.last_line + 1; ++j) {
      std::string_view line = comments[j].text;
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      b.yaml.append(line);
      b.yaml += '\n';
      b.last_line = comments[j].location.line;
    }
    blocks.push_back(std::move(b));
    i = j - 1;
  }
  return blocks;
}

// "Jane Doe <jane@example.com>" -> {"name": "Jane Doe", "email": "jane@..."}.
Value Author(const Value& v) {
  if (!v.IsString()) return v;
  std::string_view s = v.AsString();
  ObjectBuilder b;
  size_t lt = s.rfind('<');
  if (lt != std::string_view::npos && s.ends_with(">")) {
    std::string_view email = s.substr(lt + 1, s.size() - lt - 2);
    std::string_view name = s.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) b.Insert(Value::String("name"), Value::String(name));
    b.Insert(Value::String("email"), Value::String(email));
  } else {
    b.Insert(Value::String("name"), v);
  }
  return std::move(b).Build();
}

Value Normalise(const Value& raw, std::string_view default_scope) {
  ObjectBuilder b;
  bool has_scope = false;
  for (const ObjectEntry& e : raw.ObjectEntries()) {
    std::string_view key = e.key.IsString() ? e.key.AsString() : "";
    if (key == "scope") has_scope = true;
    if ((key == "authors" || key == "related_resources") && e.value.IsArray()) {
      std::vector<Value> items;
      for (const Value& item : e.value.ArrayElems()) {
        if (key == "authors") {
          items.push_back(Author(item));
        } else if (item.IsString()) {
          items.push_back(Value::Object({{Value::String("ref"), item}}));
        } else {
          items.push_back(item);
        }
      }
      b.Insert(e.key, Value::Array(std::move(items)));
    } else if (key == "authors" && e.value.IsString()) {
      b.Insert(e.key, Value::Array({Author(e.value)}));
    } else {
      b.Insert(e.key, e.value);
    }
  }
  if (!has_scope) b.Insert(Value::String("scope"), Value::String(default_scope));
  return std::move(b).Build();
}

std::string_view Scope(const Value& annotations) {
  const Value* s = annotations.Find("scope");
  return s != nullptr && s->IsString() ? s->AsString() : "";
}

// Path steps below data: the package's, then the rule's ground ref prefix.
std::vector<Value> PackagePath(const ast::Package& pkg) {
  std::vector<Value> path;
  for (size_t i = 1; i < pkg.path.terms.size(); ++i) {
    if (const auto* s = pkg.path.terms[i].get_if<ast::String>()) path.push_back(Value::String(s->value));
  }
  return path;
}

std::vector<Value> RulePath(const ast::Package& pkg, const ast::Rule& rule) {
  std::vector<Value> path = PackagePath(pkg);
  path.push_back(Value::String(rule.head.name()));
  for (size_t i = 1; i < rule.head.ref.terms.size(); ++i) {
    const auto* s = rule.head.ref.terms[i].get_if<ast::String>();
    if (s == nullptr) break;
    path.push_back(Value::String(s->value));
  }
  return path;
}

Value Entry(const std::vector<Value>& path, const std::optional<Value>& annotations) {
  ObjectBuilder b;
  b.Insert(Value::String("path"), Value::Array(path));
  if (annotations) b.Insert(Value::String("annotations"), *annotations);
  return std::move(b).Build();
}

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Compare(a, b) < 0; }
};

}  // namespace

Result<MetadataMap> CollectMetadata(const std::vector<ast::Module>& modules) {
  // Pass 1: annotations of packages and rules.
  std::map<Value, std::vector<Value>, ValueLess> package_notes;   // by package path
  std::map<Value, std::vector<Value>, ValueLess> document_notes;  // by rule path
  std::unordered_map<const ast::Rule*, std::optional<Value>> rule_notes;
  for (const ast::Module& m : modules) {
    std::vector<Block> blocks = FindBlocks(m.comments);
    for (const Block& b : blocks) {
      Result<Value> raw = ParseYaml(b.yaml, b.location.file());
      if (!raw.ok() || !(raw.value().IsObject() || raw.value().IsNull())) {
        return Status::InvalidArgument(std::string(b.location.file()) + ":" +
                                       std::to_string(b.first_line) +
                                       ": rego_parse_error: invalid METADATA block");
      }
      Value fields = raw.value().IsNull() ? Value::Object({}) : raw.value();
      if (m.package.location.line > b.last_line) {
        package_notes[Value::Array(PackagePath(m.package))].push_back(Normalise(fields, "package"));
        continue;
      }
      for (const ast::Rule& r : m.rules) {
        if (r.location.line <= b.last_line) continue;
        Value notes = Normalise(fields, "rule");
        if (Scope(notes) == "document") {
          document_notes[Value::Array(RulePath(m.package, r))].push_back(notes);
        } else {
          rule_notes[&r] = notes;
        }
        break;
      }
    }
  }
  // Pass 2: each rule's values.
  MetadataMap out;
  for (const ast::Module& m : modules) {
    std::vector<Value> pkg = PackagePath(m.package);
    for (const ast::Rule& r : m.rules) {
      std::vector<Value> path = RulePath(m.package, r);
      std::vector<Value> chain;
      auto own = rule_notes.find(&r);
      bool has_own = own != rule_notes.end() && own->second.has_value();
      chain.push_back(Entry(path, has_own ? own->second : std::nullopt));
      for (const Value& d : document_notes[Value::Array(path)]) chain.push_back(Entry(path, d));
      for (const Value& p : package_notes[Value::Array(pkg)]) chain.push_back(Entry(pkg, p));
      for (size_t n = pkg.size(); n > 0; --n) {
        std::vector<Value> prefix(pkg.begin(), pkg.begin() + static_cast<std::ptrdiff_t>(n));
        for (const Value& p : package_notes[Value::Array(prefix)]) {
          if (n < pkg.size() && Scope(p) == "subpackages") chain.push_back(Entry(prefix, p));
        }
      }
      out[&r] = RuleMetadata{has_own ? *own->second : Value::Object({}), Value::Array(std::move(chain))};
    }
  }
  return out;
}

}  // namespace sluice::policy
