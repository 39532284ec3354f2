// Running conformance cases and judging their results (conformance.h).
#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "policy/conformance.h"
#include "policy/conformance_internal.h"
#include "policy/value_json.h"

namespace sluice::policy::conformance {

using internal::DescribeExpected;

namespace {

// Reports stay readable when a result is a large document.
constexpr size_t kMaxDescription = 300;

std::string Shorten(std::string text) {
  if (text.size() > kMaxDescription) {
    text.resize(kMaxDescription);
    text += "...";
  }
  return text;
}

std::string DescribeRows(const std::vector<Value>& rows) {
  if (rows.empty()) return "undefined (no rows)";
  return "rows " + ToJson(Value::Array(rows), {.escape_html = false});
}

}  // namespace

std::string internal::DescribeExpected(const Case& c) {
  std::vector<std::string> parts;
  if (c.want_error_code) parts.push_back("error code " + *c.want_error_code);
  if (c.want_error) parts.push_back("error containing \"" + *c.want_error + "\"");
  if (c.want_result) parts.push_back(DescribeRows(*c.want_result));
  if (c.want_defined) parts.push_back(*c.want_defined ? "defined" : "undefined");
  if (parts.empty()) return "nothing (the case has no want_result, want_error_code or want_error)";
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return Shorten(std::move(out));
}

namespace {

// What OPA's harness makes of one result row: every binding through
// ast.JSON and back (sets -> arrays, non-string keys -> strings), arrays
// sorted under sort_bindings, generated variables dropped on request.
// Sets an error message instead when the row cannot be converted.
Value ConvertRow(const Case& c, const Bindings& row, std::string* error) {
  ObjectBuilder out;
  for (const auto& [name, value] : row) {
    if (c.ignore_generated_vars && name.rfind("__localq", 0) == 0) continue;
    Result<Value> json = ParseJson(ToJson(value));
    if (!json.ok()) {
      *error = "binding " + name + " has no JSON form: " + json.status().message();
      return Value();
    }
    Value v = std::move(json).value();
    if (c.sort_bindings) {
      if (!v.IsArray()) {
        // OPA's harness asserts v.([]interface{}) and panics otherwise.
        *error = "sort_bindings: binding " + name + " is not an array";
        return Value();
      }
      std::vector<Value> elems(v.ArrayElems().begin(), v.ArrayElems().end());
      std::stable_sort(elems.begin(), elems.end(),
                       [](const Value& a, const Value& b) { return Compare(a, b) < 0; });
      v = Value::Array(std::move(elems));
    }
    out.Insert(Value::String(name), std::move(v));
  }
  return std::move(out).Build();
}

}  // namespace

QueryRequest RequestFor(const Case& c) {
  QueryRequest request;
  for (size_t i = 0; i < c.modules.size(); ++i) {
    request.modules.push_back({"test-" + std::to_string(i) + ".rego", c.modules[i]});
  }
  request.query = c.query;
  if (c.data) request.data = *c.data;
  request.input = c.input;
  request.dialect = c.dialect;
  request.strict_builtin_errors = c.strict_error;
  request.experimental_keywords = c.experimental_keywords;
  return request;
}

Outcome Judge(const Case& c, const QueryResult& result) {
  Outcome outcome;
  outcome.expected = DescribeExpected(c);
  bool ok = true;

  std::vector<Value> got_rows;
  if (result.error) {
    // OPA's messages carry the code already ("test-0.rego:4: eval_type_error: ...").
    const QueryError& e = *result.error;
    bool has_code = e.message.find(e.code) != std::string::npos;
    outcome.got = Shorten("error " + (has_code ? e.message : e.code + ": " + e.message));
    if (!c.want_error && !c.want_error_code) ok = false;  // an error nobody asked for
    if (c.want_error_code && e.code != *c.want_error_code) ok = false;
    if (c.want_error && e.message.find(*c.want_error) == std::string::npos) {
      ok = false;
    }
    // Rows found despite a (strict) builtin error count too, as in OPA's harness.
    std::string error;
    for (const Bindings& row : result.rows) got_rows.push_back(ConvertRow(c, row, &error));
  } else {
    std::string error;
    for (const Bindings& row : result.rows) {
      got_rows.push_back(ConvertRow(c, row, &error));
      if (!error.empty()) break;
    }
    if (!error.empty()) {
      outcome.got = Shorten(error);
      return outcome;
    }
    outcome.got = Shorten(DescribeRows(got_rows));
    if (c.want_error || c.want_error_code) ok = false;  // success where an error was wanted
  }

  if (c.want_result) {
    // Sets of rows on both sides: order and duplicates do not matter.
    if (Value::Set(*c.want_result) != Value::Set(got_rows)) ok = false;
  }
  if (c.want_defined && *c.want_defined != !got_rows.empty()) ok = false;
  if (!c.want_result && !c.want_error && !c.want_error_code) ok = false;
  outcome.passed = ok;
  return outcome;
}

Outcome RunCase(const Case& c, const QueryFunction& query) {
  if (!c.load_error.empty()) {
    Outcome outcome;
    outcome.expected = DescribeExpected(c);
    outcome.got = "not run: " + c.load_error;
    return outcome;
  }
  QueryResult result;
  try {
    result = query(RequestFor(c));
  } catch (const std::exception& e) {
    return {false, DescribeExpected(c), Shorten(std::string("exception: ") + e.what())};
  } catch (...) {
    return {false, DescribeExpected(c), "exception (not a std::exception)"};
  }
  return Judge(c, result);
}

Report RunSuite(const Suite& suite, const QueryFunction& query, const RunOptions& options) {
  Report report;
  std::vector<Outcome> outcomes;
  if (options.isolate) {
    internal::IsolationStats stats;
    outcomes = internal::RunIsolated(suite.cases, query, options.case_timeout, &stats);
    report.crashed = stats.crashed;
    report.timed_out = stats.timed_out;
  } else {
    outcomes.reserve(suite.cases.size());
    for (const Case& c : suite.cases) outcomes.push_back(RunCase(c, query));
  }
  for (size_t i = 0; i < suite.cases.size(); ++i) {
    const Case& c = suite.cases[i];
    Outcome& outcome = outcomes[i];
    Counts& tree = report.trees[c.tree];
    Counts& category = report.categories[c.tree][c.category];
    if (outcome.passed) {
      ++report.total.passed;
      ++tree.passed;
      ++category.passed;
    } else {
      ++report.total.failed;
      ++tree.failed;
      ++category.failed;
      report.failures.push_back({c.tree, c.category, c.note, c.file, c.line,
                                 std::move(outcome.expected), std::move(outcome.got)});
    }
  }
  return report;
}

}  // namespace sluice::policy::conformance
