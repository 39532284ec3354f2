// JsonScope: expr.h's ready-made Scope over one JSON document.
#include <string>

#include "expr/expr.h"
#include "expr/value_ops.h"

namespace sluice::expr {
namespace {

std::string Prefix(const std::vector<std::string>& path, size_t count) {
  std::string s;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) s += '.';
    s += path[i];
  }
  return s;
}

std::optional<size_t> ParseIndex(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

const char* TypeName(const Value& v) {
  switch (v.type()) {
    case Value::value_t::string:
      return "a string";
    case Value::value_t::boolean:
      return "a boolean";
    case Value::value_t::array:
      return "a list";
    case Value::value_t::object:
      return "an object";
    case Value::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

}  // namespace

Result<Value> JsonScope::Lookup(const std::vector<std::string>& path) const {
  const Value* node = &root_;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& part = path[i];
    // A known node without a value (a skipped step) makes the rest null too.
    if (i > 0 && node->is_null()) return Value(nullptr);
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) {
        if (i == 0) return Status::NotFound("\"" + part + "\" is not defined");
        return Status::NotFound(Prefix(path, i) + " has no \"" + part + "\"");
      }
      node = &*it;
    } else if (node->is_array()) {
      std::optional<size_t> index = ParseIndex(part);
      if (!index || *index >= node->size()) {
        return Status::NotFound(Prefix(path, i) + " has no element \"" + part +
                                "\" (it is a list of " + std::to_string(node->size()) + ")");
      }
      node = &(*node)[*index];
    } else {
      return Status::NotFound(Prefix(path, i) + " is " + TypeName(*node) + ", so it has no \"" +
                              part + "\"");
    }
  }
  return *node;
}

Result<std::string> JsonScope::GetSecret(std::string_view id) const {
  if (secrets_.is_object()) {
    auto it = secrets_.find(std::string(id));
    if (it != secrets_.end()) return ToText(*it);
  }
  return Status::NotFound("secret \"" + std::string(id) + "\" is not defined");
}

}  // namespace sluice::expr
