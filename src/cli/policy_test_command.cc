// sluice policy test PATH... [-v] [-r REGEX] [--format pretty|json] [--data FILE]...
//                    [--v0-compatible] [-z] [--fail-on-empty]
// runs Rego unit tests the way `opa test` does: every rule whose name starts
// with `test_` in the loaded modules (policy_load.h) is a test. It passes when
// it evaluates to true; undefined or any other value fails it; an evaluation
// error (a conflict, a strict error) is an ERROR. A parameterised test
// (`test_x[name] if ...`, an object) has one sub-result per key, each passing
// when its value is true; it passes when all do. `todo_test_` rules are
// reported SKIPPED. The modules are compiled once for all tests. -r keeps the tests whose full name
// (data.<package>.<rule>) matches REGEX (ECMAScript syntax, searched).
//
// Pretty output lists failing tests (every test with -v) under their file,
// then a line of dashes and the counts (`PASS: n/m`, `FAIL: n/m`, ...).
// --format json prints a list of {location, package, name, fail, error,
// skip, duration (ns)} as OPA does.
//
// Exit codes: 0 when every test passed; 2 when one failed, errored or was
// skipped (skipped ones are fine with -z); 1 for loading, parse and compile
// errors, or no tests at all with --fail-on-empty.
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/policy_load.h"
#include "policy/parser.h"
#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::cli {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::vector<std::string> data_files;
  bool verbose = false;
  std::string run;
  std::string format = "pretty";
  bool v0 = false;
  bool exit_zero_on_skipped = false;
  bool fail_on_empty = false;
};

enum class Outcome { kPass, kFail, kError, kSkipped };

struct TestCase {
  std::string file;
  int row = 0;
  int col = 0;
  std::string package;  // data.example
  std::string name;     // test_allow
  Outcome outcome = Outcome::kPass;
  std::vector<std::pair<std::string, bool>> sub_results;  // key (as JSON), passed
  std::string error_code;
  std::string error_message;
  int64_t duration_ns = 0;

  std::string FullName() const { return package + "." + name; }
};

constexpr std::string_view kValueVar = "sluice_test_value__";
const std::string kRule(80, '-');

// Every test rule of the modules, in file and source order, once per name.
Result<std::vector<TestCase>> Discover(const policy::QueryRequest& request) {
  std::vector<TestCase> tests;
  std::map<std::string, bool> seen;
  policy::ParseOptions options;
  options.dialect = request.dialect;
  for (const policy::SourceModule& m : request.modules) {
    SLUICE_ASSIGN_OR_RETURN(policy::ast::Module module, policy::ParseModule(m.name, m.text, options));
    const std::string package = policy::ast::ToString(module.package.path);
    for (const policy::ast::Rule& rule : module.rules) {
      const std::string& name = rule.head.name();
      bool todo = name.rfind("todo_test_", 0) == 0;
      if ((name.rfind("test_", 0) != 0 && !todo) || !rule.head.args.empty()) continue;
      TestCase t{m.name, rule.location.line, rule.location.column, package, name};
      if (todo) t.outcome = Outcome::kSkipped;
      if (!seen.emplace(t.FullName(), true).second) continue;
      tests.push_back(std::move(t));
    }
  }
  return tests;
}

void Run(const policy::PreparedQuery& modules, const policy::QueryRequest& request, TestCase* t) {
  policy::PreparedQuery prepared = modules.WithQuery(std::string(kValueVar) + " = " + t->FullName());
  auto start = std::chrono::steady_clock::now();
  policy::QueryResult result = prepared.Eval(request.data, request.input);
  t->duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (result.error) {
    t->outcome = Outcome::kError;
    t->error_code = result.error->code;
    t->error_message = result.error->message;
    return;
  }
  auto is_true = [](const policy::Value& v) { return v.IsBoolean() && v.AsBool(); };
  bool passed = !result.rows.empty();
  for (const policy::Bindings& row : result.rows) {
    for (const auto& [name, value] : row) {
      if (name != kValueVar) continue;
      if (!value.IsObject()) {
        passed = passed && is_true(value);
        continue;
      }
      passed = passed && value.size() > 0;
      for (const policy::ObjectEntry& e : value.ObjectEntries()) {
        t->sub_results.emplace_back(policy::JsonKey(e.key), is_true(e.value));
        passed = passed && is_true(e.value);
      }
    }
  }
  t->outcome = passed ? Outcome::kPass : Outcome::kFail;
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "PASS";
    case Outcome::kFail: return "FAIL";
    case Outcome::kError: return "ERROR";
    case Outcome::kSkipped: return "SKIPPED";
  }
  return "ERROR";
}

// 1.234ms, 56.7µs, 2.5s.
std::string FormatNanos(int64_t ns) {
  char buf[32];
  if (ns >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%.3gs", static_cast<double>(ns) / 1e9);
  } else if (ns >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%.4gms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.4gµs", static_cast<double>(ns) / 1e3);
  }
  return buf;
}

void PrintPretty(const std::vector<TestCase>& tests, bool verbose) {
  std::string file;
  bool listed = false;
  for (const TestCase& t : tests) {
    bool show = verbose || t.outcome == Outcome::kFail || t.outcome == Outcome::kError;
    if (!show) continue;
    if (t.file != file) {
      std::cout << (listed ? "\n" : "") << t.file << ":\n";
      file = t.file;
    }
    listed = true;
    std::cout << t.FullName() << ": " << OutcomeName(t.outcome);
    if (t.outcome != Outcome::kSkipped) std::cout << " (" << FormatNanos(t.duration_ns) << ")";
    std::cout << "\n";
    if (t.outcome == Outcome::kError) std::cout << "  " << t.error_message << "\n";
    for (const auto& [key, passed] : t.sub_results) {
      if (verbose || !passed) std::cout << "  " << key << ": " << (passed ? "PASS" : "FAIL") << "\n";
    }
  }
  std::map<Outcome, int> counts;
  for (const TestCase& t : tests) ++counts[t.outcome];
  if (listed) std::cout << kRule << "\n";
  for (Outcome o : {Outcome::kPass, Outcome::kFail, Outcome::kError, Outcome::kSkipped}) {
    if (counts[o] > 0) std::cout << OutcomeName(o) << ": " << counts[o] << "/" << tests.size() << "\n";
  }
}

void PrintJson(const std::vector<TestCase>& tests) {
  using policy::Value;
  std::vector<Value> items;
  for (const TestCase& t : tests) {
    std::vector<policy::ObjectEntry> e{
        {Value::String("location"),
         Value::Object({{Value::String("file"), Value::String(t.file)},
                        {Value::String("row"), Value::Int(t.row)},
                        {Value::String("col"), Value::Int(t.col)}})},
        {Value::String("package"), Value::String(t.package)},
        {Value::String("name"), Value::String(t.name)},
        {Value::String("duration"), Value::Int(t.duration_ns)}};
    if (t.outcome == Outcome::kFail) e.push_back({Value::String("fail"), Value::Boolean(true)});
    if (t.outcome == Outcome::kSkipped) e.push_back({Value::String("skip"), Value::Boolean(true)});
    if (!t.sub_results.empty()) {
      std::vector<policy::ObjectEntry> subs;
      for (const auto& [key, passed] : t.sub_results) {
        subs.push_back({Value::String(key), Value::Object({{Value::String("fail"), Value::Boolean(!passed)}})});
      }
      e.push_back({Value::String("sub_results"), Value::Object(std::move(subs))});
    }
    if (t.outcome == Outcome::kError) {
      e.push_back({Value::String("error"),
                   Value::Object({{Value::String("code"), Value::String(t.error_code)},
                                  {Value::String("message"), Value::String(t.error_message)}})});
    }
    items.push_back(Value::Object(std::move(e)));
  }
  policy::JsonOptions json;
  json.indent = "  ";
  std::cout << policy::ToJson(Value::Array(std::move(items)), json) << "\n";
}

int RunTests(const TestOptions& o) {
  policy::QueryRequest request;
  request.dialect = o.v0 ? policy::ast::Dialect::kV0 : policy::ast::Dialect::kAuto;
  if (Status s = LoadPolicyPaths(o.paths, o.data_files, &request); !s.ok()) {
    std::cerr << "sluice policy test: " << s.message() << "\n";
    return 1;
  }
  request.query = "true";
  const policy::PreparedQuery compiled = policy::PreparedQuery::Prepare(request);
  if (compiled.error()) {
    std::cerr << compiled.error()->message << "\n";
    return 1;
  }
  Result<std::vector<TestCase>> found = Discover(request);
  if (!found.ok()) {
    std::cerr << found.status().message() << "\n";
    return 1;
  }
  std::vector<TestCase> tests;
  std::optional<std::regex> filter;
  try {
    if (!o.run.empty()) filter.emplace(o.run);
  } catch (const std::regex_error& e) {
    std::cerr << "sluice policy test: -r " << o.run << ": invalid regular expression (" << e.what() << ")\n";
    return 1;
  }
  for (TestCase& t : *found) {
    if (filter && !std::regex_search(t.FullName(), *filter)) continue;
    if (t.outcome != Outcome::kSkipped) Run(compiled, request, &t);
    tests.push_back(std::move(t));
  }
  if (o.format == "json") {
    PrintJson(tests);
  } else if (tests.empty()) {
    std::cout << "no tests found (rules named test_* in the loaded modules)\n";
  } else {
    PrintPretty(tests, o.verbose);
  }
  if (tests.empty()) return o.fail_on_empty ? 1 : 0;
  for (const TestCase& t : tests) {
    if (t.outcome == Outcome::kFail || t.outcome == Outcome::kError) return 2;
    if (t.outcome == Outcome::kSkipped && !o.exit_zero_on_skipped) return 2;
  }
  return 0;
}

}  // namespace

void AddPolicyTestCommand(CLI::App& policy_cmd) {
  auto o = std::make_shared<TestOptions>();
  auto* test = policy_cmd.add_subcommand("test", "Run Rego unit tests: rules named test_* (like opa test)");
  test->add_option("paths", o->paths, "Policy (.rego) and data (.json/.yaml) files or directories")
      ->required();
  test->add_option("--data", o->data_files, "A data file merged at the root; repeatable");
  test->add_flag("-v,--verbose", o->verbose, "List every test, not only the failing ones");
  test->add_option("-r,--run", o->run, "Only tests whose full name (data.pkg.test_x) matches REGEX");
  test->add_option("--format", o->format, "pretty (default) or json")->check(CLI::IsMember({"pretty", "json"}));
  test->add_flag("--v0-compatible", o->v0, "Read every module as Rego v0 (OPA < 1.0 syntax)");
  test->add_flag("-z,--exit-zero-on-skipped", o->exit_zero_on_skipped, "Skipped (todo_) tests do not fail the run");
  test->add_flag("--fail-on-empty", o->fail_on_empty, "Exit 1 when no test was found");
  test->callback([o] { std::exit(RunTests(*o)); });
}

}  // namespace sluice::cli
