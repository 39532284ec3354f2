// sluice policy eval [-d FILE_OR_DIR]... [-i INPUT] [--data FILE]... [--v0-compatible]
//                    [--strict-builtin-errors] [--fail | --fail-defined] QUERY
// evaluates a Rego query the way `opa eval` does and prints its JSON result:
//   {"result": [{"expressions": [{"value": V, "text": QUERY}], "bindings": {...}}]}
// "expressions" is present when the query is a single term (`data.main.deny`),
// "bindings" when the query binds variables; an undefined query prints {}.
//
// Loading: -d takes .rego files (modules), .json / .yaml / .yml files (data)
// and directories (searched recursively; a data file found below a directory
// lands under the path of its folder relative to it, as OPA's loader does,
// e.g. DIR/a/b/data.json at data.a.b; a data file named directly is merged at
// the root). --data is -d for one data file. -i reads the input document
// (JSON or YAML). Rego modules are read as Rego v1 unless they use v0 syntax
// (policy/parser.h's auto rule); --v0-compatible reads them all as v0.
//
// Exit codes: 0; 1 with --fail when the result is undefined or with
// --fail-defined when it is defined; 2 for errors (loading, parse, compile,
// evaluation), printed to stderr as OPA prints them ("file:row: code: message").
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "common/files.h"
#include "policy/parser.h"
#include "policy/query.h"
#include "policy/value_json.h"
#include "policy/yaml_value.h"

namespace sluice::cli {

namespace {

namespace fs = std::filesystem;
using policy::Value;

struct EvalOptions {
  std::vector<std::string> paths;
  std::vector<std::string> data_files;
  std::string input_file;
  std::string query;
  bool v0 = false;
  bool strict = false;
  bool fail = false;
  bool fail_defined = false;
};

// The variable a single-term query's value is bound to.
constexpr std::string_view kValueVar = "sluice_eval_value__";

bool IsDataFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

Result<Value> ReadDocument(const fs::path& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (path.extension() == ".json") {
    Result<Value> v = policy::ParseJson(text);
    if (!v.ok()) return v.status().Annotate(path.string());
    return v;
  }
  return policy::ParseYaml(text, path.string());
}

// `value` placed under `path` (folder names), e.g. {"a": {"b": value}}.
Value Nest(Value value, const std::vector<std::string>& path) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    value = Value::Object({{Value::String(*it), std::move(value)}});
  }
  return value;
}

// Deep merge of two objects; a conflict (two non-object values at one path)
// is an error naming the path.
Result<Value> Merge(const Value& a, const Value& b, const std::string& where) {
  if (!a.IsObject() || !b.IsObject()) {
    return Status::InvalidArgument("data conflict at " + (where.empty() ? "data" : where) +
                                   ": two files set it");
  }
  std::vector<policy::ObjectEntry> entries(a.ObjectEntries().begin(), a.ObjectEntries().end());
  for (const policy::ObjectEntry& e : b.ObjectEntries()) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const policy::ObjectEntry& x) { return x.key == e.key; });
    if (it == entries.end()) {
      entries.push_back(e);
    } else {
      const std::string key = e.key.IsString() ? std::string(e.key.AsString()) : "?";
      SLUICE_ASSIGN_OR_RETURN(it->value, Merge(it->value, e.value, where + "." + key));
    }
  }
  return Value::Object(std::move(entries));
}

Status AddDataFile(const fs::path& file, const std::vector<std::string>& path, Value* data) {
  SLUICE_ASSIGN_OR_RETURN(Value doc, ReadDocument(file));
  SLUICE_ASSIGN_OR_RETURN(*data, Merge(*data, Nest(std::move(doc), path), "data"));
  return Status::Ok();
}

Status Load(const EvalOptions& o, policy::QueryRequest* request) {
  for (const std::string& arg : o.paths) {
    std::error_code ec;
    const fs::path root(arg);
    if (fs::is_directory(root, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        if (file.extension() == ".rego") {
          SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
          request->modules.push_back({file.string(), std::move(text)});
        } else if (IsDataFile(file)) {
          std::vector<std::string> path;
          for (const auto& part : file.parent_path().lexically_relative(root)) {
            if (part != ".") path.push_back(part.string());
          }
          SLUICE_RETURN_IF_ERROR(AddDataFile(file, path, &request->data));
        }
      }
    } else if (root.extension() == ".rego") {
      SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(root));
      request->modules.push_back({arg, std::move(text)});
    } else if (IsDataFile(root)) {
      SLUICE_RETURN_IF_ERROR(AddDataFile(root, {}, &request->data));
    } else if (!fs::exists(root, ec)) {
      return Status::NotFound(arg + ": no such file or directory");
    } else {
      return Status::InvalidArgument(arg + ": not a .rego, .json or .yaml file");
    }
  }
  for (const std::string& file : o.data_files) {
    SLUICE_RETURN_IF_ERROR(AddDataFile(file, {}, &request->data));
  }
  if (!o.input_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(Value input, ReadDocument(o.input_file));
    request->input = std::move(input);
  }
  return Status::Ok();
}

// True when the query is one plain term (a ref, a value): its value is the
// expression's value, as `opa eval` reports it.
bool IsSingleTerm(const std::string& query) {
  auto parsed = policy::ParseQuery("query", query, {});
  return parsed.ok() && parsed->body.size() == 1 && !parsed->body[0].negated &&
         parsed->body[0].with.empty() && parsed->body[0].kind() == policy::ast::ExprKind::kTerm;
}

int RunEval(const EvalOptions& o) {
  policy::QueryRequest request;
  request.dialect = o.v0 ? policy::ast::Dialect::kV0 : policy::ast::Dialect::kAuto;
  request.strict_builtin_errors = o.strict;
  if (Status s = Load(o, &request); !s.ok()) {
    std::cerr << "sluice policy eval: " << s.message() << "\n";
    return 2;
  }
  const bool single = IsSingleTerm(o.query);
  request.query = single ? std::string(kValueVar) + " = (" + o.query + ")" : o.query;
  const policy::QueryResult result = policy::RunQuery(request);
  if (result.error) {
    std::cerr << result.error->message << "\n";
    return 2;
  }
  std::vector<Value> rows;
  for (const policy::Bindings& row : result.rows) {
    std::vector<policy::ObjectEntry> bindings, entry;
    for (const auto& [name, value] : row) {
      if (single && name == kValueVar) {
        entry.push_back({Value::String("expressions"),
                         Value::Array({Value::Object({{Value::String("value"), value},
                                                      {Value::String("text"),
                                                       Value::String(o.query)}})})});
      } else {
        bindings.push_back({Value::String(name), value});
      }
    }
    if (!bindings.empty()) {
      entry.push_back({Value::String("bindings"), Value::Object(std::move(bindings))});
    }
    rows.push_back(Value::Object(std::move(entry)));
  }
  Value out = rows.empty() ? Value::Object({})
                           : Value::Object({{Value::String("result"), Value::Array(rows)}});
  policy::JsonOptions json;
  json.indent = "  ";
  std::cout << policy::ToJson(out, json) << "\n";
  if (o.fail && rows.empty()) return 1;
  if (o.fail_defined && !rows.empty()) return 1;
  return 0;
}

}  // namespace

void AddPolicyEvalCommand(CLI::App& policy_cmd) {
  auto o = std::make_shared<EvalOptions>();
  auto* eval = policy_cmd.add_subcommand(
      "eval", "Evaluate a Rego query against policies, data and input (like opa eval)");
  eval->add_option("query", o->query, "The query, e.g. data.main.deny")->required();
  eval->add_option("-d,--data-path", o->paths,
                   "Policy (.rego) or data (.json/.yaml) file or directory; repeatable");
  eval->add_option("--data", o->data_files, "A data file merged at the root; repeatable");
  eval->add_option("-i,--input", o->input_file, "The input document (JSON or YAML)");
  eval->add_flag("--v0-compatible", o->v0, "Read every module as Rego v0 (OPA < 1.0 syntax)");
  eval->add_flag("--strict-builtin-errors", o->strict,
                 "A builtin error aborts evaluation instead of making the expression undefined");
  auto* fail = eval->add_flag("--fail", o->fail, "Exit 1 when the result is undefined");
  eval->add_flag("--fail-defined", o->fail_defined, "Exit 1 when the result is defined")
      ->excludes(fail);
  eval->callback([o] { std::exit(RunEval(*o)); });
}

}  // namespace sluice::cli
