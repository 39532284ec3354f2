#include "policy/conformance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/files.h"
#include "policy/value_json.h"

namespace sluice::policy::conformance {
namespace {

namespace fs = std::filesystem;

Value J(std::string_view json) {
  Result<Value> v = ParseJson(json);
  EXPECT_TRUE(v.ok()) << json;
  return v.ok() ? *v : Value();
}

// A suite directory on disk, removed at the end of the test.
class SuiteDir {
 public:
  SuiteDir() : dir_(TempDir::Create("sluice-conformance-test-").value()) {}
  void Write(const std::string& relative, const std::string& text) const {
    fs::path path = dir_.path() / relative;
    ASSERT_TRUE(MakeDirs(path.parent_path()).ok());
    ASSERT_TRUE(WriteFileAtomic(path, text).ok());
  }
  const fs::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

Suite LoadText(const std::string& text, const std::string& relative = "v1/cat/test.yaml") {
  Suite suite;
  suite.root = "/suite";
  LoadCaseFile(text, relative, &suite);
  return suite;
}

const Case& Only(const Suite& suite) {
  EXPECT_EQ(suite.cases.size(), 1u);
  static const Case kNone;
  return suite.cases.empty() ? kNone : suite.cases[0];
}

// ---- loading -------------------------------------------------------------------

TEST(ConformanceLoadTest, ReadsEveryFieldOfACase) {
  Suite suite = LoadText(R"(cases:
- note: aggregates/count set
  query: data.generated.p = x
  modules:
  - |
    package generated
    p := count(input.s)
  - package other
  data: {a: [1, 2.50], b: "s"}
  input_term: '{"s": {1, 2}}'
  input: {ignored: true}
  want_result:
  - x: 2
  want_error_code: eval_type_error
  want_error: 'test-0.rego:2: eval_type_error'
  want_defined: true
  strict_error: true
  sort_bindings: true
  ignore_generated_vars: true
  experimental_keywords: true
)");
  const Case& c = Only(suite);
  EXPECT_EQ(c.load_error, "");
  EXPECT_EQ(c.file, "v1/cat/test.yaml");
  EXPECT_EQ(c.line, 2);
  EXPECT_EQ(c.tree, "v1");
  EXPECT_EQ(c.dialect, ast::Dialect::kV1);
  EXPECT_EQ(c.category, "aggregates");
  EXPECT_EQ(c.note, "aggregates/count set");
  EXPECT_EQ(c.query, "data.generated.p = x");
  ASSERT_EQ(c.modules.size(), 2u);
  EXPECT_EQ(c.modules[0], "package generated\np := count(input.s)\n");
  EXPECT_EQ(c.modules[1], "package other");
  ASSERT_TRUE(c.data);
  EXPECT_EQ(ToJson(*c.data), R"({"a":[1,2.50],"b":"s"})");
  ASSERT_TRUE(c.input);
  EXPECT_TRUE(c.input->Find("s")->IsSet());  // input_term wins over input
  ASSERT_TRUE(c.want_result);
  ASSERT_EQ(c.want_result->size(), 1u);
  EXPECT_EQ((*c.want_result)[0], J(R"({"x": 2})"));
  EXPECT_EQ(c.want_error_code, "eval_type_error");
  EXPECT_EQ(c.want_error, "test-0.rego:2: eval_type_error");
  EXPECT_EQ(c.want_defined, true);
  EXPECT_TRUE(c.strict_error);
  EXPECT_TRUE(c.sort_bindings);
  EXPECT_TRUE(c.ignore_generated_vars);
  EXPECT_TRUE(c.experimental_keywords);
  EXPECT_TRUE(suite.warnings.empty());
}

TEST(ConformanceLoadTest, AbsentAndNullFieldsAreDefaults) {
  Suite suite = LoadText("cases:\n- note: x/y\n  query: 'true'\n  input: ~\n  want_result: []\n");
  const Case& c = Only(suite);
  EXPECT_EQ(c.load_error, "");
  EXPECT_FALSE(c.data);
  EXPECT_FALSE(c.input);
  ASSERT_TRUE(c.want_result);
  EXPECT_TRUE(c.want_result->empty());
  EXPECT_FALSE(c.want_error);
  EXPECT_FALSE(c.strict_error);
  EXPECT_EQ(c.query, "true");
}

TEST(ConformanceLoadTest, TreeAndDialectComeFromThePath) {
  TreeInfo v0 = TreeOf("/s/opa", "v0/aggregates/a.yaml");
  EXPECT_EQ(v0.tree, "v0");
  EXPECT_EQ(v0.dialect, ast::Dialect::kV0);
  TreeInfo v1 = TreeOf("/s/opa", "v1/aggregates/a.yaml");
  EXPECT_EQ(v1.tree, "v1");
  EXPECT_EQ(v1.dialect, ast::Dialect::kV1);
  // OPA's topdown/testdata/cases file: TestOPARego runs it as Rego v0.
  TreeInfo extra = TreeOf("/s/opa", "extra/topdown-testdata-cases/t.yaml");
  EXPECT_EQ(extra.tree, "extra");
  EXPECT_EQ(extra.dialect, ast::Dialect::kV0);
  // Pointing at one tree, or above OPA's own layout.
  EXPECT_EQ(TreeOf("/s/opa/v1", "aggregates/a.yaml").tree, "v1");
  EXPECT_EQ(TreeOf("/s/opa/v1/", "aggregates/a.yaml").dialect, ast::Dialect::kV1);
  EXPECT_EQ(TreeOf("/opa/v1/test/cases/testdata", "v0/x/a.yaml").tree, "v0");
  EXPECT_EQ(TreeOf("/s/mine", "a.yaml").tree, "mine");
}

TEST(ConformanceLoadTest, CategoryIsTheNoteBeforeTheFirstSlash) {
  Suite suite = LoadText(
      "cases:\n- note: withkeyword/a/b\n  query: x\n- note: plain\n  query: x\n- query: x\n");
  ASSERT_EQ(suite.cases.size(), 3u);
  EXPECT_EQ(suite.cases[0].category, "withkeyword");
  EXPECT_EQ(suite.cases[1].category, "plain");
  // No note: named after the file, filed under its directory.
  EXPECT_EQ(suite.cases[2].note, "cat/test.yaml case 3");
  EXPECT_EQ(suite.cases[2].category, "cat");
}

TEST(ConformanceLoadTest, FieldsOfTheWrongTypeFailTheCaseWithALocation) {
  Suite suite = LoadText(R"(cases:
- note: a/1
  query: x
  strict_error: "yes"
- note: a/2
  query: x
  data: [1]
- note: a/3
  query: x
  input_term: '{"x": y}'
- note: a/4
  query: x
  want_result: [1]
- note: a/5
  query: x
  input: {v: .inf}
- note: a/6
  query: x
  env: {HOME: /tmp}
)");
  ASSERT_EQ(suite.cases.size(), 6u);
  EXPECT_EQ(suite.cases[0].load_error, "v1/cat/test.yaml:4: strict_error must be true or false");
  EXPECT_EQ(suite.cases[1].load_error, "v1/cat/test.yaml:7: data must be a mapping");
  EXPECT_EQ(suite.cases[2].load_error,
            "v1/cat/test.yaml:10: input_term: input_term:1:7: var is not a value (input_term "
            "must be ground)");
  EXPECT_EQ(suite.cases[3].load_error,
            "v1/cat/test.yaml:13: each want_result row must be a mapping");
  EXPECT_EQ(suite.cases[4].load_error,
            "v1/cat/test.yaml:16:14: .inf is not a number JSON or Rego can hold");
  EXPECT_EQ(suite.cases[5].load_error,
            "v1/cat/test.yaml:19: env is not supported: cases run inside this process");
  for (const Case& c : suite.cases) EXPECT_EQ(c.category, "a");
}

TEST(ConformanceLoadTest, UnknownFieldsAreWarnings) {
  Suite suite = LoadText("cases:\n- note: a/b\n  query: x\n  want_result: []\n  frobnicate: 1\n");
  EXPECT_EQ(Only(suite).load_error, "");
  ASSERT_EQ(suite.warnings.size(), 1u);
  EXPECT_EQ(suite.warnings[0],
            "v1/cat/test.yaml:5: unknown field `frobnicate` ignored (as OPA's harness ignores it)");
}

TEST(ConformanceLoadTest, BrokenFilesBecomeFailingCases) {
  Suite suite = LoadText("cases: [\n", "v0/strings/bad.yaml");
  const Case& bad_yaml = Only(suite);
  EXPECT_EQ(bad_yaml.note, "strings/bad.yaml");
  EXPECT_EQ(bad_yaml.tree, "v0");
  EXPECT_EQ(bad_yaml.category, "strings");
  EXPECT_EQ(bad_yaml.load_error.rfind("v0/strings/bad.yaml:", 0), 0u) << bad_yaml.load_error;
  EXPECT_NE(bad_yaml.load_error.find("invalid YAML"), std::string::npos);

  EXPECT_EQ(Only(LoadText("note: x\n")).load_error, "v1/cat/test.yaml: no `cases:` list");
  EXPECT_EQ(Only(LoadText("- 1\n")).load_error, "v1/cat/test.yaml: not a mapping with `cases:`");
  EXPECT_EQ(Only(LoadText("cases: {a: 1}\n")).load_error,
            "v1/cat/test.yaml:1: `cases:` must be a list");
  EXPECT_EQ(Only(LoadText("cases:\n- just text\n")).load_error,
            "v1/cat/test.yaml:2: a case must be a mapping");
}

TEST(ConformanceLoadTest, LoadsADirectoryTreeAndSkipsFilesThatAreNotYaml) {
  SuiteDir dir;
  dir.Write("v1/b/test-b.yaml", "cases:\n- note: b/one\n  query: x\n  want_result: []\n");
  dir.Write("v1/a/test-a.yml",
            "cases:\n- note: a/one\n  query: x\n  want_result: []\n"
            "- note: a/two\n  query: x\n  want_result: []\n");
  dir.Write("v0/a/test-a.yaml", "cases:\n- note: a/one\n  query: x\n  want_result: []\n");
  dir.Write("LICENSE", "Apache-2.0\n");
  dir.Write("case-counts.tsv", "directory\tkind\n");
  dir.Write("SOURCE.txt", "upstream\n");

  Result<Suite> suite = LoadSuite(dir.path());
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  ASSERT_EQ(suite->cases.size(), 4u);
  // Files in path order, cases in file order.
  EXPECT_EQ(suite->cases[0].file, "v0/a/test-a.yaml");
  EXPECT_EQ(suite->cases[0].dialect, ast::Dialect::kV0);
  EXPECT_EQ(suite->cases[1].note, "a/one");
  EXPECT_EQ(suite->cases[1].file, "v1/a/test-a.yml");
  EXPECT_EQ(suite->cases[2].note, "a/two");
  EXPECT_EQ(suite->cases[3].file, "v1/b/test-b.yaml");
  EXPECT_EQ(suite->skipped_files,
            (std::vector<std::string>{"LICENSE", "SOURCE.txt", "case-counts.tsv"}));
}

TEST(ConformanceLoadTest, AMissingRootIsNamed) {
  Result<Suite> missing = LoadSuite("/nonexistent/opa-cases");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no such directory: /nonexistent/opa-cases");

  SuiteDir dir;
  dir.Write("file.yaml", "cases: []\n");
  Result<Suite> file = LoadSuite(dir.path() / "file.yaml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "not a directory: " + (dir.path() / "file.yaml").string());
}

// ---- running and judging ---------------------------------------------------------

Case ResultCase(std::string_view want_rows) {
  Case c;
  c.tree = "v1";
  c.category = "cat";
  c.note = "cat/x";
  std::vector<Value> rows;
  Value want = J(want_rows);  // alive while its elements are read
  for (const Value& row : want.ArrayElems()) rows.push_back(row);
  c.want_result = rows;
  return c;
}

QueryResult Rows(std::vector<Bindings> rows) { return QueryResult{std::move(rows), std::nullopt}; }

QueryResult Error(std::string code, std::string message) {
  return QueryResult{{}, QueryError{std::move(code), std::move(message)}};
}

TEST(ConformanceRunTest, RequestIsWhatOpasHarnessBuilds) {
  Case c;
  c.modules = {"package a", "package b"};
  c.query = "data.a.p = x";
  c.dialect = ast::Dialect::kV0;
  c.strict_error = true;
  c.experimental_keywords = true;
  QueryRequest request = RequestFor(c);
  ASSERT_EQ(request.modules.size(), 2u);
  EXPECT_EQ(request.modules[0].name, "test-0.rego");
  EXPECT_EQ(request.modules[1].name, "test-1.rego");
  EXPECT_EQ(request.modules[1].text, "package b");
  EXPECT_EQ(request.query, "data.a.p = x");
  EXPECT_EQ(request.data, Value::Object({}));
  EXPECT_FALSE(request.input);
  EXPECT_EQ(request.dialect, ast::Dialect::kV0);
  EXPECT_TRUE(request.strict_builtin_errors);
  EXPECT_TRUE(request.experimental_keywords);

  c.data = J(R"({"k": 1})");
  c.input = Value::Int(3);
  request = RequestFor(c);
  EXPECT_EQ(request.data, J(R"({"k": 1})"));
  EXPECT_EQ(request.input, Value::Int(3));
}

TEST(ConformanceRunTest, RowsCompareAsSets) {
  Case c = ResultCase(R"([{"x": 1}, {"x": 2}])");
  EXPECT_TRUE(Judge(c, Rows({{{"x", Value::Int(2)}}, {{"x", Value::Int(1)}}})).passed);
  // Duplicates do not matter either way (OPA builds an ast.Set of rows).
  EXPECT_TRUE(
      Judge(c, Rows({{{"x", Value::Int(1)}}, {{"x", Value::Int(2)}}, {{"x", Value::Int(1)}}}))
          .passed);
  EXPECT_FALSE(Judge(c, Rows({{{"x", Value::Int(1)}}})).passed);
  EXPECT_FALSE(
      Judge(c, Rows({{{"x", Value::Int(1)}, {"y", Value::Int(0)}}, {{"x", Value::Int(2)}}}))
          .passed);
  // Numbers compare by value.
  EXPECT_TRUE(Judge(ResultCase(R"([{"x": 1.0}])"), Rows({{{"x", Value::Int(1)}}})).passed);
}

TEST(ConformanceRunTest, EmptyWantResultMeansUndefined) {
  Case c = ResultCase("[]");
  Outcome undefined = Judge(c, Rows({}));
  EXPECT_TRUE(undefined.passed);
  EXPECT_EQ(undefined.expected, "undefined (no rows)");
  Outcome defined = Judge(c, Rows({{{"x", Value::Boolean(true)}}}));
  EXPECT_FALSE(defined.passed);
  EXPECT_EQ(defined.got, R"(rows [{"x":true}])");
}

TEST(ConformanceRunTest, ResultsGoThroughOpasJsonConversion) {
  // A set is expected as an array in Rego order; a non-string key as its JSON text.
  Case c = ResultCase(R"([{"s": [1, 2, "a"], "o": {"1": 0, "[1]": true}}])");
  Value set = Value::Set({Value::String("a"), Value::Int(2), Value::Int(1)});
  Value object = Value::Object(
      {{Value::Int(1), Value::Int(0)}, {Value::Array({Value::Int(1)}), Value::Boolean(true)}});
  Outcome o = Judge(c, Rows({{{"o", object}, {"s", set}}}));
  EXPECT_TRUE(o.passed) << o.got;
}

TEST(ConformanceRunTest, SortBindingsSortsArraysAndRefusesOtherValues) {
  Case c = ResultCase(R"([{"x": [1, 2, 3]}])");
  Value unsorted = Value::Array({Value::Int(3), Value::Int(1), Value::Int(2)});
  EXPECT_FALSE(Judge(c, Rows({{{"x", unsorted}}})).passed);
  c.sort_bindings = true;
  EXPECT_TRUE(Judge(c, Rows({{{"x", unsorted}}})).passed);
  // The expected side is not sorted, as in OPA.
  Case unsorted_want = ResultCase(R"([{"x": [3, 1, 2]}])");
  unsorted_want.sort_bindings = true;
  EXPECT_FALSE(Judge(unsorted_want, Rows({{{"x", unsorted}}})).passed);

  Outcome scalar = Judge(c, Rows({{{"x", Value::Int(1)}}}));
  EXPECT_FALSE(scalar.passed);
  EXPECT_EQ(scalar.got, "sort_bindings: binding x is not an array");
}

TEST(ConformanceRunTest, IgnoreGeneratedVarsDropsLocalqBindings) {
  Case c = ResultCase(R"([{"x": 1}])");
  QueryResult result = Rows({{{"__localq0__", Value::Int(7)}, {"x", Value::Int(1)}}});
  EXPECT_FALSE(Judge(c, result).passed);
  c.ignore_generated_vars = true;
  EXPECT_TRUE(Judge(c, result).passed);
}

TEST(ConformanceRunTest, ErrorsMatchByCodeAndSubstring) {
  Case c;
  c.want_error_code = "eval_conflict_error";
  c.want_error = "complete rules must not produce multiple outputs";
  QueryResult conflict = Error("eval_conflict_error",
                               "test-0.rego:4: eval_conflict_error: complete rules must not "
                               "produce multiple outputs");
  Outcome o = Judge(c, conflict);
  EXPECT_TRUE(o.passed);
  EXPECT_EQ(o.expected,
            "error code eval_conflict_error; error containing \"complete rules must not produce "
            "multiple outputs\"");
  EXPECT_FALSE(Judge(c, Error("eval_type_error", conflict.error->message)).passed);
  EXPECT_FALSE(Judge(c, Error("eval_conflict_error", "test-0.rego:4: something else")).passed);
  // An error was wanted: success fails, even with no rows.
  EXPECT_FALSE(Judge(c, Rows({})).passed);

  Case empty_text;
  empty_text.want_error = "";
  EXPECT_TRUE(Judge(empty_text, Error("eval_builtin_error", "anything")).passed);
}

TEST(ConformanceRunTest, UnexpectedErrorsAndUnimplementedBuiltinsFail) {
  Case c = ResultCase("[]");
  Outcome o = Judge(c, Error("unimplemented", "the Rego evaluator is not implemented yet"));
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.got, "error unimplemented: the Rego evaluator is not implemented yet");
  Outcome compile_error =
      Judge(c, Error("rego_type_error", "test-0.rego:3: rego_type_error: undefined function f"));
  EXPECT_FALSE(compile_error.passed);
  // The message already names the code: it is not repeated.
  EXPECT_EQ(compile_error.got, "error test-0.rego:3: rego_type_error: undefined function f");
}

TEST(ConformanceRunTest, ACaseWithoutExpectationsFails) {
  Case c;
  Outcome o = Judge(c, Rows({}));
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.expected, "nothing (the case has no want_result, want_error_code or want_error)");
}

TEST(ConformanceRunTest, WantDefined) {
  Case c = ResultCase(R"([{"x": 1}])");
  c.want_defined = false;
  EXPECT_FALSE(Judge(c, Rows({{{"x", Value::Int(1)}}})).passed);
  c.want_defined = true;
  EXPECT_TRUE(Judge(c, Rows({{{"x", Value::Int(1)}}})).passed);
}

TEST(ConformanceRunTest, ExceptionsAndLoadErrorsFailTheCase) {
  Case c = ResultCase("[]");
  Outcome thrown =
      RunCase(c, [](const QueryRequest&) -> QueryResult { throw std::runtime_error("boom"); });
  EXPECT_FALSE(thrown.passed);
  EXPECT_EQ(thrown.got, "exception: boom");

  c.load_error = "v1/cat/test.yaml:3: data must be a mapping";
  bool called = false;
  Outcome not_run = RunCase(c, [&](const QueryRequest&) {
    called = true;
    return Rows({});
  });
  EXPECT_FALSE(called);
  EXPECT_FALSE(not_run.passed);
  EXPECT_EQ(not_run.got, "not run: v1/cat/test.yaml:3: data must be a mapping");
}

TEST(ConformanceRunTest, RunSuiteCountsPerTreeAndCategory) {
  Suite suite = LoadText(R"(cases:
- note: a/pass
  query: p
  want_result: [{x: 1}]
- note: a/fail
  query: q
  want_result: [{x: 1}]
- note: b/pass
  query: p
  want_result: [{x: 1}]
)");
  Suite v0 =
      LoadText("cases:\n- note: a/pass\n  query: p\n  want_result: [{x: 1}]\n", "v0/a/test.yaml");
  suite.cases.push_back(v0.cases[0]);
  std::vector<std::string> seen;
  Report report = RunSuite(suite, [&](const QueryRequest& request) {
    seen.push_back(request.query + "/" + std::string(ast::DialectName(request.dialect)));
    return request.query == "p" ? Rows({{{"x", Value::Int(1)}}}) : Rows({});
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"p/v1", "q/v1", "p/v1", "p/v0"}));
  EXPECT_EQ(report.total.passed, 3);
  EXPECT_EQ(report.total.failed, 1);
  EXPECT_EQ(report.trees["v1"].passed, 2);
  EXPECT_EQ(report.trees["v1"].failed, 1);
  EXPECT_EQ(report.trees["v0"].passed, 1);
  EXPECT_EQ(report.categories["v1"]["a"].failed, 1);
  EXPECT_EQ(report.categories["v1"]["b"].passed, 1);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].note, "a/fail");
  EXPECT_EQ(report.failures[0].file, "v1/cat/test.yaml");
  EXPECT_EQ(report.failures[0].line, 5);
  EXPECT_EQ(report.failures[0].expected, R"(rows [{"x":1}])");
  EXPECT_EQ(report.failures[0].got, "undefined (no rows)");
}

TEST(ConformanceRunTest, IsolatedCrashesAndHangsFailOneCaseEach) {
  Suite suite = LoadText(R"(cases:
- note: a/pass before
  query: ok
  want_result: [{x: 1}]
- note: a/crash
  query: crash
  want_result: [{x: 1}]
- note: a/throw
  query: throw
  want_result: [{x: 1}]
- note: a/hang
  query: hang
  want_result: [{x: 1}]
- note: a/pass after
  query: ok
  want_result: [{x: 1}]
)");
  RunOptions options;
  options.isolate = true;
  options.case_timeout = std::chrono::milliseconds(500);
  Report report = RunSuite(
      suite,
      [](const QueryRequest& request) -> QueryResult {
        if (request.query == "crash") std::abort();
        if (request.query == "throw") throw std::runtime_error("boom");
        if (request.query == "hang") {
          for (;;) pause();
        }
        return Rows({{{"x", Value::Int(1)}}});
      },
      options);
  EXPECT_EQ(report.total.passed, 2);
  EXPECT_EQ(report.total.failed, 3);
  EXPECT_EQ(report.crashed, 1);
  EXPECT_EQ(report.timed_out, 1);
  ASSERT_EQ(report.failures.size(), 3u);
  EXPECT_EQ(report.failures[0].note, "a/crash");
  EXPECT_EQ(report.failures[0].expected, R"(rows [{"x":1}])");
  EXPECT_EQ(report.failures[0].got.rfind("crashed: the evaluator was killed by signal 6 (", 0), 0u)
      << report.failures[0].got;
  EXPECT_EQ(report.failures[1].note, "a/throw");
  EXPECT_EQ(report.failures[1].got, "exception: boom");
  EXPECT_EQ(report.failures[2].note, "a/hang");
  EXPECT_EQ(report.failures[2].got, "timed out: no result after 500 ms");
}

TEST(ConformanceRunTest, IsolatedRunsJudgeLikeInProcessRuns) {
  Suite suite = LoadText(R"(cases:
- note: a/rows
  query: p
  want_result: [{x: 1}, {x: 2}]
- note: a/error
  query: e
  want_error_code: eval_type_error
  want_error: "bad"
- note: a/wrong
  query: p
  want_result: []
)");
  QueryFunction query = [](const QueryRequest& request) {
    if (request.query == "e") return Error("eval_type_error", "test-0.rego:1: bad type");
    return Rows({{{"x", Value::Int(2)}}, {{"x", Value::Int(1)}}});
  };
  Report in_process = RunSuite(suite, query);
  RunOptions options;
  options.isolate = true;
  Report isolated = RunSuite(suite, query, options);
  EXPECT_EQ(FormatReport(isolated, true), FormatReport(in_process, true));
  EXPECT_EQ(isolated.total.passed, 2);
  EXPECT_EQ(isolated.crashed, 0);
}

}  // namespace
}  // namespace sluice::policy::conformance
