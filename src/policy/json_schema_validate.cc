// Schema validation, in gojsonschema's order of checks and with its texts.
#include <string>
#include <utility>

#include "policy/go_regexp.h"
#include "policy/json_schema.h"
#include "policy/json_schema_internal.h"
#include "policy/number_ops.h"
#include "policy/utf8.h"
#include "policy/value_json.h"

namespace sluice::policy::internal {
namespace {

using Errors = std::vector<SchemaError>;

// gojsonschema's type of a JSON value: numbers with no fraction are
// "integer".
std::string_view TypeOf(const Value& v) {
  if (v.IsNumber() && v.AsNumber().IsInteger()) return "integer";
  return KindName(v.kind());
}

bool HasType(const Value& v, std::string_view t) {
  if (t == "number") return v.IsNumber();
  return TypeOf(v) == t;
}

std::string NumberText(const Value& v) { return v.IsNumber() ? v.AsNumber().ToString() : ToJson(v); }

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    char32_t r = 0;
    size_t w = DecodeUtf8(s, i, &r);
    i += w == 0 ? 1 : w;
  }
  return n;
}

class Validator {
 public:
  explicit Validator(const Value& root) : root_(root) {}

  // Validates v against schema s; `path` is the context ("(root)", "(root).a").
  void Check(const Value& s, const Value& v, const std::string& path, Errors& out, int depth) const {
    if (depth > 128) return;
    if (s.IsBoolean()) {
      if (!s.AsBool()) Add(out, "false", path, "False always fails validation");
      return;
    }
    if (!s.IsObject()) return;
    if (const Value* ref = s.Find("$ref")) {
      if (const Value* target = ResolveRef(root_, ref->AsString())) Check(*target, v, path, out, depth + 1);
      return;
    }
    if (const Value* t = s.Find("type")) {
      bool ok = false;
      std::string expected;
      for (const Value& name : t->IsArray() ? t->ArrayElems() : std::span<const Value>(t, 1)) {
        ok = ok || HasType(v, name.AsString());
        expected += (expected.empty() ? "" : " ") + std::string(name.AsString());
      }
      if (!ok) {
        if (t->IsArray() && t->size() > 1) expected = "[" + expected + "]";  // Go's %s of a slice
        Add(out, "invalid_type", path,
            "Invalid type. Expected: " + expected + ", given: " + std::string(TypeOf(v)));
        return;
      }
    }
    Combinators(s, v, path, out, depth);
    Common(s, v, path, out);
    if (v.IsArray()) CheckArray(s, v, path, out, depth);
    if (v.IsObject()) CheckObject(s, v, path, out, depth);
    if (v.IsString()) CheckString(s, v, path, out);
    if (v.IsNumber()) CheckNumber(s, v, path, out);
  }

 private:
  static void Add(Errors& out, std::string type, const std::string& path, std::string description) {
    out.push_back(SchemaError{std::move(type), Field(path), std::move(description)});
  }
  // The path without its "(root)." prefix, as gojsonschema's Field().
  static std::string Field(const std::string& path) { return path == "(root)" ? path : path.substr(7); }

  Errors Sub(const Value& s, const Value& v, const std::string& path, int depth) const {
    Errors e;
    Check(s, v, path, e, depth + 1);
    return e;
  }
  static void Merge(Errors& out, Errors more) {
    for (SchemaError& e : more) out.push_back(std::move(e));
  }

  void Combinators(const Value& s, const Value& v, const std::string& path, Errors& out, int depth) const {
    if (const Value* any = s.Find("anyOf")) {
      std::optional<Errors> best;
      bool ok = false;
      for (const Value& sub : any->ArrayElems()) {
        Errors e = Sub(sub, v, path, depth);
        if (e.empty()) {
          ok = true;
          break;
        }
        if (!best || e.size() < best->size()) best = std::move(e);
      }
      if (!ok) {
        Add(out, "number_any_of", path, "Must validate at least one schema (anyOf)");
        if (best) Merge(out, std::move(*best));
      }
    }
    if (const Value* one = s.Find("oneOf")) {
      std::optional<Errors> best;
      int valid = 0;
      for (const Value& sub : one->ArrayElems()) {
        Errors e = Sub(sub, v, path, depth);
        if (e.empty()) {
          ++valid;
        } else if (!best || e.size() < best->size()) {
          best = std::move(e);
        }
      }
      if (valid != 1) {
        Add(out, "number_one_of", path, "Must validate one and only one schema (oneOf)");
        if (valid == 0 && best) Merge(out, std::move(*best));
      }
    }
    if (const Value* all = s.Find("allOf")) {
      bool ok = true;
      for (const Value& sub : all->ArrayElems()) {
        Errors e = Sub(sub, v, path, depth);
        ok = ok && e.empty();
        Merge(out, std::move(e));
      }
      if (!ok) Add(out, "number_all_of", path, "Must validate all the schemas (allOf)");
    }
    if (const Value* no = s.Find("not"); no != nullptr && Sub(*no, v, path, depth).empty()) {
      Add(out, "number_not", path, "Must not validate the schema (not)");
    }
    if (const Value* deps = s.Find("dependencies"); deps != nullptr && v.IsObject()) {
      for (const ObjectEntry& d : deps->ObjectEntries()) {
        if (v.Find(d.key) == nullptr) continue;
        if (!d.value.IsArray()) {
          Merge(out, Sub(d.value, v, path, depth));
          continue;
        }
        for (const Value& need : d.value.ArrayElems()) {
          if (v.Find(need) == nullptr) {
            Add(out, "missing_dependency", path, "Has a dependency on " + std::string(need.AsString()));
          }
        }
      }
    }
    if (const Value* cond = s.Find("if")) {
      bool holds = Sub(*cond, v, path, depth).empty();
      const Value* branch = s.Find(holds ? "then" : "else");
      if (branch != nullptr) {
        Errors e = Sub(*branch, v, path, depth);
        if (!e.empty()) {
          Add(out, holds ? "condition_then" : "condition_else", path,
              holds ? "Must validate \"then\" as \"if\" was valid" : "Must validate \"else\" as \"if\" was not valid");
          Merge(out, std::move(e));
        }
      }
    }
  }

  static void Common(const Value& s, const Value& v, const std::string& path, Errors& out) {
    if (const Value* c = s.Find("const"); c != nullptr && !(*c == v)) {
      Add(out, "const", path, Field(path) + " does not match: " + ToJson(*c));
    }
    if (const Value* e = s.Find("enum")) {
      bool found = false;
      std::string allowed;
      for (const Value& a : e->ArrayElems()) {
        found = found || a == v;
        allowed += (allowed.empty() ? "" : ", ") + ToJson(a);
      }
      if (!found) Add(out, "enum", path, Field(path) + " must be one of the following: " + allowed);
    }
  }

  void CheckArray(const Value& s, const Value& v, const std::string& path, Errors& out, int depth) const {
    std::span<const Value> elems = v.ArrayElems();
    auto child = [&](size_t i) { return path + "." + std::to_string(i); };
    if (const Value* items = s.Find("items")) {
      if (items->IsArray()) {
        std::span<const Value> tuple = items->ArrayElems();
        for (size_t i = 0; i < elems.size() && i < tuple.size(); ++i) Check(tuple[i], elems[i], child(i), out, depth + 1);
        const Value* more = s.Find("additionalItems");
        for (size_t i = tuple.size(); more != nullptr && i < elems.size(); ++i) {
          if (more->IsBoolean() && !more->AsBool()) {
            Add(out, "array_no_additional_items", path, "No additional items allowed on array");
            break;
          }
          Check(*more, elems[i], child(i), out, depth + 1);
        }
      } else {
        for (size_t i = 0; i < elems.size(); ++i) Check(*items, elems[i], child(i), out, depth + 1);
      }
    }
    if (const Value* n = s.Find("minItems"); n != nullptr && Compare(Value::Int(static_cast<int64_t>(elems.size())), *n) < 0) {
      Add(out, "array_min_items", path, "Array must have at least " + NumberText(*n) + " items");
    }
    if (const Value* n = s.Find("maxItems"); n != nullptr && Compare(Value::Int(static_cast<int64_t>(elems.size())), *n) > 0) {
      Add(out, "array_max_items", path, "Array must have at most " + NumberText(*n) + " items");
    }
    if (const Value* u = s.Find("uniqueItems"); u != nullptr && u->IsBoolean() && u->AsBool()) {
      for (size_t i = 0; i < elems.size(); ++i) {
        for (size_t j = i + 1; j < elems.size(); ++j) {
          if (elems[i] == elems[j]) {
            Add(out, "unique", path,
                "array items[" + std::to_string(i) + "," + std::to_string(j) + "] must be unique");
            i = j = elems.size();
          }
        }
      }
    }
    if (const Value* c = s.Find("contains")) {
      bool any = false;
      for (size_t i = 0; i < elems.size() && !any; ++i) any = Sub(*c, elems[i], child(i), depth).empty();
      if (!any) Add(out, "contains", path, "At least one of the items must match");
    }
  }

  void CheckObject(const Value& s, const Value& v, const std::string& path, Errors& out, int depth) const {
    auto count = Value::Int(static_cast<int64_t>(v.size()));
    if (const Value* n = s.Find("maxProperties"); n != nullptr && Compare(count, *n) > 0) {
      Add(out, "array_max_properties", path, "Must have at most " + NumberText(*n) + " properties");
    }
    if (const Value* n = s.Find("minProperties"); n != nullptr && Compare(count, *n) < 0) {
      Add(out, "array_min_properties", path, "Must have at least " + NumberText(*n) + " properties");
    }
    if (const Value* req = s.Find("required")) {
      for (const Value& name : req->ArrayElems()) {
        if (v.Find(name) == nullptr) Add(out, "required", path, std::string(name.AsString()) + " is required");
      }
    }
    const Value* props = s.Find("properties");
    const Value* patterns = s.Find("patternProperties");
    const Value* additional = s.Find("additionalProperties");
    for (const ObjectEntry& e : v.ObjectEntries()) {
      std::string key(e.key.AsString());
      std::string child = path + "." + key;
      bool matched = false;
      if (const Value* sub = props != nullptr ? props->Find(e.key) : nullptr) {
        matched = true;
        Check(*sub, e.value, child, out, depth + 1);
      }
      for (const ObjectEntry& p : patterns != nullptr ? patterns->ObjectEntries() : std::span<const ObjectEntry>()) {
        Result<std::shared_ptr<const GoRegexp>> re = GoRegexp::Compile(p.key.AsString());
        if (re.ok() && (*re)->MatchString(key)) {
          matched = true;
          Check(p.value, e.value, child, out, depth + 1);
        }
      }
      if (matched || additional == nullptr) continue;
      if (additional->IsBoolean() && !additional->AsBool()) {
        Add(out, "additional_property_not_allowed", path, "Additional property " + key + " is not allowed");
      } else {
        Check(*additional, e.value, child, out, depth + 1);
      }
    }
    if (const Value* names = s.Find("propertyNames")) {
      for (const ObjectEntry& e : v.ObjectEntries()) {
        Errors sub = Sub(*names, e.key, path, depth);
        if (sub.empty()) continue;
        Add(out, "invalid_property_name", path,
            "Property \"" + std::string(e.key.AsString()) + "\" does not match pattern");
        Merge(out, std::move(sub));
      }
    }
  }

  static void CheckString(const Value& s, const Value& v, const std::string& path, Errors& out) {
    auto length = Value::Int(static_cast<int64_t>(RuneCount(v.AsString())));
    if (const Value* n = s.Find("minLength"); n != nullptr && Compare(length, *n) < 0) {
      Add(out, "string_gte", path, "String length must be greater than or equal to " + NumberText(*n));
    }
    if (const Value* n = s.Find("maxLength"); n != nullptr && Compare(length, *n) > 0) {
      Add(out, "string_lte", path, "String length must be less than or equal to " + NumberText(*n));
    }
    if (const Value* p = s.Find("pattern")) {
      Result<std::shared_ptr<const GoRegexp>> re = GoRegexp::Compile(p->AsString());
      if (re.ok() && !(*re)->MatchString(v.AsString())) {
        Add(out, "pattern", path, "Does not match pattern '" + std::string(p->AsString()) + "'");
      }
    }
  }

  static void CheckNumber(const Value& s, const Value& v, const std::string& path, Errors& out) {
    if (const Value* m = s.Find("multipleOf"); m != nullptr && m->AsNumber().Sign() != 0) {
      Result<Number> q = Divide(v.AsNumber(), m->AsNumber());
      if (q.ok() && !q->IsInteger()) Add(out, "multiple_of", path, "Must be a multiple of " + NumberText(*m));
    }
    // Draft 4: exclusiveMaximum / exclusiveMinimum are booleans beside the
    // bound; draft 6 on: numbers of their own.
    const Value* max = s.Find("maximum");
    const Value* xmax = s.Find("exclusiveMaximum");
    if (xmax != nullptr && xmax->IsNumber() && Compare(v, *xmax) >= 0) {
      Add(out, "number_lt", path, "Must be less than " + NumberText(*xmax));
    }
    if (max != nullptr) {
      bool exclusive = xmax != nullptr && xmax->IsBoolean() && xmax->AsBool();
      int c = Compare(v, *max);
      if (exclusive ? c >= 0 : c > 0) {
        Add(out, exclusive ? "number_lt" : "number_lte", path,
            std::string(exclusive ? "Must be less than " : "Must be less than or equal to ") + NumberText(*max));
      }
    }
    const Value* min = s.Find("minimum");
    const Value* xmin = s.Find("exclusiveMinimum");
    if (xmin != nullptr && xmin->IsNumber() && Compare(v, *xmin) <= 0) {
      Add(out, "number_gt", path, "Must be greater than " + NumberText(*xmin));
    }
    if (min != nullptr) {
      bool exclusive = xmin != nullptr && xmin->IsBoolean() && xmin->AsBool();
      int c = Compare(v, *min);
      if (exclusive ? c <= 0 : c < 0) {
        Add(out, exclusive ? "number_gt" : "number_gte", path,
            std::string(exclusive ? "Must be greater than " : "Must be greater than or equal to ") + NumberText(*min));
      }
    }
  }

  const Value& root_;
};

}  // namespace

std::vector<SchemaError> JsonSchema::Validate(const Value& document) const {
  Errors out;
  Validator(root_).Check(root_, document, "(root)", out, 0);
  return out;
}

}  // namespace sluice::policy::internal
