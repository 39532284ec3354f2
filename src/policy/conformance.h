// OPA's Rego conformance suite, run the way OPA's own harness runs it
// (v1/topdown/exported_test.go at v1.19.0; ../shared/reference/opa-rego.md
// §1), so that our pass rate means what it would mean for OPA.
//
// Loading. Every file below the root is looked at; *.yaml and *.yml files
// are case files (a mapping with a `cases:` list), every other file
// (LICENSE, SOURCE.txt, case-counts.tsv) is skipped and listed in
// Suite::skipped_files. OPA's loader reads every file and would choke on
// those. A file's *tree* and dialect come from its path: below a `v0`
// directory -> tree "v0", Rego v0; below `v1` -> "v1", Rego v1; anywhere
// else the tree is the first directory below the root ("extra") and the
// dialect Rego v0, because the one such file OPA has (its
// v1/topdown/testdata/cases, our extra/) is run by TestOPARego with
// ast.RegoV0. A case's *category* is its note up to the first '/'.
//
// Case fields (yaml_value.h says how YAML becomes values): note, query,
// modules (compiled together as test-0.rego, test-1.rego, ...), data (a
// mapping; absent = empty), input, input_term (a Rego term, parsed and
// converted with term_value.h; it replaces input), want_result (a list of
// mappings variable -> value), want_error_code, want_error, want_defined,
// strict_error, sort_bindings, ignore_generated_vars, experimental_keywords.
// A field whose value is null counts as absent (Go's JSON decoding into
// the harness's pointer fields does the same). Unknown fields are ignored
// as OPA ignores them, with a warning. `env` cannot be honoured in-process:
// such a case fails.
//
// Problems in the files never stop a run: a case that cannot be read (a
// field of the wrong type, an input_term that is not a ground term)
// carries Case::load_error and fails without running, and a file that
// yields no case (not YAML, no `cases:` list, unreadable) becomes one failing
// case named after the file, so every problem shows in the counts.
//
// Judging (Judge), as OPA does:
//  - errors: want_error must be a substring of the error's full message,
//    want_error_code must equal its code; an error nobody asked for fails.
//  - results: each result row's values go through OPA's JSON conversion
//    (value_json.h: sets become sorted arrays, non-string object keys become
//    strings); with sort_bindings every binding is then sorted (OPA's
//    harness type-asserts each binding to an array, so a binding that is
//    not one fails); with ignore_generated_vars bindings named `__localq*`
//    are dropped. The rows are then compared with want_result as *sets*:
//    order and duplicates do not matter (OPA builds an ast.Set of rows on
//    each side). An empty want_result means undefined. When the query
//    failed, the rows compared are none.
//  - want_defined asks for some rows (true) or none (false). OPA's struct
//    has the field but its harness never checks it; no case uses it.
//  - a case with none of want_result, want_error_code, want_error fails
//    (OPA's harness calls t.Fatal).
// A case whose query needs a builtin the evaluator lacks fails like any
// other error: nothing is skipped. A query function that throws fails its
// case with the exception's message.
//
// Reporting: counts per tree and per tree/category, the failures, a text
// summary whose last line is exactly "N passed, M failed", a JSON summary
// for CI, and minimum pass rates per tree.
//
// Isolation: the evaluator is young, so RunSuite can run cases in a worker
// process (RunOptions) where a crash or a hang fails one case ("crashed:
// ... signal 11", "timed out") instead of the run.
//
// Thread-safety: loading and judging are pure functions of their inputs;
// RunSuite calls the query function from the calling thread only (or from
// its worker process).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/ast.h"
#include "policy/query.h"
#include "policy/value.h"

namespace sluice::policy::conformance {

struct Case {
  // Where the case came from.
  std::string file;  // below the suite root, '/'-separated: "v1/aggregates/test-0001.yaml"
  int line = 0;      // of the case's entry in `file`; 0 = unknown
  std::string tree;  // "v0", "v1", "extra"
  std::string category;
  ast::Dialect dialect = ast::Dialect::kV1;

  std::string note;
  std::string query;
  std::vector<std::string> modules;
  std::optional<Value> data;   // an object; absent = empty store
  std::optional<Value> input;  // input_term's value when given, else input's
  // Rows as objects variable -> value, as written.
  std::optional<std::vector<Value>> want_result;
  std::optional<std::string> want_error_code;
  std::optional<std::string> want_error;
  std::optional<bool> want_defined;
  bool strict_error = false;
  bool sort_bindings = false;
  bool ignore_generated_vars = false;
  bool experimental_keywords = false;

  // Non-empty: the case could not be read and fails with this message
  // ("file:line:col: ...") without running.
  std::string load_error;
};

struct Suite {
  std::filesystem::path root;
  std::vector<Case> cases;                 // files in path order, cases in file order
  std::vector<std::string> skipped_files;  // not YAML, relative to root
  std::vector<std::string> warnings;       // "file:line: ..." (unknown fields)
};

// Loads every case file below `root`. NotFound when `root` does not exist,
// InvalidArgument when it is not a directory, IoError when it cannot be
// listed, each naming the path; problems inside it become failing cases.
Result<Suite> LoadSuite(const std::filesystem::path& root);

// Adds the cases of one file's `text` to `suite`; `relative` is the file's
// path below suite->root ('/'-separated), which decides tree and dialect.
void LoadCaseFile(std::string_view text, std::string_view relative, Suite* suite);

// The tree and dialect of a file at `relative` below `root` (see above);
// `root` matters when it is itself a v0/ or v1/ directory.
struct TreeInfo {
  std::string tree;
  ast::Dialect dialect = ast::Dialect::kV0;
};
TreeInfo TreeOf(const std::filesystem::path& root, std::string_view relative);

// ---- running -------------------------------------------------------------------

using QueryFunction = std::function<QueryResult(const QueryRequest&)>;

// What OPA's harness would hand the evaluator for `c`.
QueryRequest RequestFor(const Case& c);

struct Outcome {
  bool passed = false;
  // Short descriptions for reports ("rows [{"x":1}]", "error eval_type_error
  // containing \"...\"", "error unimplemented: ..."); filled in either way.
  std::string expected;
  std::string got;
};

// Judges `result` against the case's expectations (the rules above).
Outcome Judge(const Case& c, const QueryResult& result);

// RequestFor + `query` + Judge; a load error or an exception thrown by
// `query` fails the case.
Outcome RunCase(const Case& c, const QueryFunction& query);

// ---- reporting -----------------------------------------------------------------

struct Counts {
  int passed = 0;
  int failed = 0;
  int total() const { return passed + failed; }
  // passed / total; 0 for an empty tree.
  double pass_rate() const { return total() == 0 ? 0.0 : static_cast<double>(passed) / total(); }
};

struct Failure {
  std::string tree;
  std::string category;
  std::string note;
  std::string file;
  int line = 0;
  std::string expected;
  std::string got;
};

struct Report {
  Counts total;
  // Failed cases that killed the worker process or ran past the case
  // timeout (RunOptions::isolate); they are counted in `total` too.
  int crashed = 0;
  int timed_out = 0;
  std::map<std::string, Counts> trees;
  std::map<std::string, std::map<std::string, Counts>> categories;  // tree -> category
  std::vector<Failure> failures;                                    // in suite order
};

struct RunOptions {
  // Run the cases in a worker process (fork), so that a case crashing the
  // evaluator (a stack overflow, an assert) or hanging fails alone and the
  // run goes on with a new worker. Off: cases run in this process, in order
  // (a crash ends the run; what a debugger wants). Needs a process without
  // other threads.
  bool isolate = false;
  // With isolate: a case still running after this long is killed and fails
  // as timed out. Zero means no limit.
  std::chrono::milliseconds case_timeout{0};
};

Report RunSuite(const Suite& suite, const QueryFunction& query, const RunOptions& options = {});

// The text summary: with `verbose`, first every failure
//   FAIL v1/aggregates/count: strings (v1/aggregates/test-0001.yaml:3)
//     expected: rows [{"x":2}]
//     got:      error unimplemented: the Rego evaluator is not implemented yet
// then one line per tree/category ("v1/aggregates  12 passed, 3 failed"),
// one per tree ("v1 total  ... (80.0%)") and last "N passed, M failed".
std::string FormatReport(const Report& report, bool verbose);

// The JSON summary for CI; persisted by CI jobs, so versioned:
//   {"format": "sluice-policy-conformance", "version": 1,
//    "passed": N, "failed": M, "crashed": C, "timed_out": T,
//    "trees": {"v1": {"passed": .., "failed": .., "pass_rate": 0.8,
//                     "categories": {"aggregates": {"passed": .., "failed": ..}}}},
//    "failures": [{"tree", "category", "note", "file", "line", "expected", "got"}]}
std::string ReportJson(const Report& report);

// ---- minimum pass rates --------------------------------------------------------

// Tree -> minimum pass rate, a fraction in [0, 1].
using PassRates = std::map<std::string, double>;

// "v0=0.9,v1=95%": fractions, or percentages with '%'.
Result<PassRates> ParsePassRates(std::string_view spec);

// A baseline file: lines "TREE RATE" (or TREE=RATE), '#' comments and blank
// lines; or a JSON summary written by ReportJson, whose pass rates become
// the minimums. Errors cite `file`:line.
Result<PassRates> ParseBaseline(std::string_view text, std::string_view file);

// One message per tree below its minimum ("v1: pass rate 41.20% (744 of
// 1805) is below the minimum 50.00%"), or without cases at all; empty when
// every minimum is met. Trees without a minimum are not checked.
std::vector<std::string> CheckPassRates(const Report& report, const PassRates& minimums);

}  // namespace sluice::policy::conformance
