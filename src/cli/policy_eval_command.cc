// sluice policy eval [-d FILE_OR_DIR]... [-i INPUT] [--data FILE]... [--v0-compatible]
//                    [--strict-builtin-errors] [--fail | --fail-defined] QUERY
// evaluates a Rego query the way `opa eval` does and prints its JSON result:
//   {"result": [{"expressions": [{"value": V, "text": QUERY}], "bindings": {...}}]}
// "expressions" is present when the query is a single term (`data.main.deny`),
// "bindings" when the query binds variables; an undefined query prints {}.
//
// Loading: -d takes files and directories as policy_load.h describes; --data
// is -d for one data file. -i reads the input document (JSON or YAML). Rego modules are read as Rego v1 unless they use v0 syntax
// (policy/parser.h's auto rule); --v0-compatible reads them all as v0.
//
// Exit codes: 0; 1 with --fail when the result is undefined or with
// --fail-defined when it is defined; 2 for errors (loading, parse, compile,
// evaluation), printed to stderr as OPA prints them ("file:row: code: message").
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/policy_load.h"
#include "policy/parser.h"
#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::cli {

namespace {

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

Status Load(const EvalOptions& o, policy::QueryRequest* request) {
  SLUICE_RETURN_IF_ERROR(LoadPolicyPaths(o.paths, o.data_files, request));
  if (!o.input_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(Value input, ReadPolicyDocument(o.input_file));
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
