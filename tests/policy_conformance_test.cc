// `sluice policy conformance`: output shape, exit codes, --json and
// --min-pass-rate, on small hand-written case files. The cases here fail
// whatever the evaluator does (no expectations, a file that is not YAML),
// so the tests check the command, not the evaluator.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_project.h"

namespace sluice::testing {
namespace {

class PolicyConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Write("cases/v1/aggregates/test-a.yaml",
             "cases:\n- note: aggregates/no expectation\n  query: x = 1\n");
    p_.Write("cases/v1/withkeyword/test-w.yaml", "cases: [\n");
    p_.Write("cases/v0/aggregates/test-a.yaml",
             "cases:\n- note: aggregates/no expectation\n  query: x = 1\n");
    p_.Write("cases/LICENSE", "Apache-2.0\n");
  }

  RunResult Conformance(std::vector<std::string> args) {
    args.insert(args.begin(), {"policy", "conformance", (p_.root() / "cases").string()});
    RunOptions options;
    options.with_project_flag = false;
    return p_.Sluice(args, options);
  }

  TestProject p_;
};

TEST_F(PolicyConformanceTest, PrintsALinePerCategoryAndEndsWithTheTotal) {
  RunResult r = Conformance({});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "v0/aggregates   0 passed, 1 failed\n"
            "v1/aggregates   0 passed, 1 failed\n"
            "v1/withkeyword  0 passed, 1 failed\n"
            "v0 total        0 passed, 1 failed (0.00%)\n"
            "v1 total        0 passed, 2 failed (0.00%)\n"
            "0 passed, 3 failed\n");
  EXPECT_NE(r.err.find("skipped 1 file(s) that are not YAML case files: LICENSE"),
            std::string::npos)
      << r.err;
}

TEST_F(PolicyConformanceTest, VerboseNamesEachFailure) {
  RunResult r = Conformance({"--verbose"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("FAIL v1/aggregates/no expectation (v1/aggregates/test-a.yaml:2)\n"
                       "  expected: nothing"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAIL v1/withkeyword/test-w.yaml (v1/withkeyword/test-w.yaml)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("invalid YAML"), std::string::npos);
}

TEST_F(PolicyConformanceTest, MinimumPassRatesDecideTheExitCode) {
  EXPECT_EQ(Conformance({"--min-pass-rate", "v0=0,v1=0%"}).exit_code, 0);
  RunResult below = Conformance({"--min-pass-rate", "v0=0,v1=0.5"});
  EXPECT_EQ(below.exit_code, 1);
  EXPECT_NE(below.err.find("sluice: v1: pass rate 0.00% (0 of 2) is below the minimum 50.00%"),
            std::string::npos)
      << below.err;
  EXPECT_TRUE(below.out.ends_with("\n0 passed, 3 failed\n"));

  p_.Write("baseline.txt", "# minimums\nv0 0.0\nv1 25%\n");
  RunResult baseline = Conformance({"--min-pass-rate", (p_.root() / "baseline.txt").string()});
  EXPECT_EQ(baseline.exit_code, 1);
  EXPECT_NE(baseline.err.find("v1: pass rate 0.00%"), std::string::npos) << baseline.err;
  EXPECT_EQ(baseline.err.find("v0: pass rate"), std::string::npos) << baseline.err;

  RunResult missing_tree = Conformance({"--min-pass-rate", "v2=0"});
  EXPECT_EQ(missing_tree.exit_code, 1);
  EXPECT_NE(missing_tree.err.find("v2: no cases found"), std::string::npos);
}

TEST_F(PolicyConformanceTest, WritesAJsonSummary) {
  std::string path = (p_.root() / "summary.json").string();
  RunResult r = Conformance({"--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(path);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["format"], "sluice-policy-conformance");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["failed"], 3);
  EXPECT_EQ(doc["trees"]["v1"]["categories"]["withkeyword"]["failed"], 1);
  EXPECT_EQ(doc["failures"].size(), 3u);

  // The summary serves as a baseline: the same run meets it.
  EXPECT_EQ(Conformance({"--min-pass-rate", path}).exit_code, 0);
}

TEST_F(PolicyConformanceTest, UsageErrorsExitTwoAndNameThePath) {
  RunOptions options;
  options.with_project_flag = false;
  RunResult missing = p_.Sluice({"policy", "conformance", "/nonexistent/opa"}, options);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "sluice: conformance cases: no such directory: /nonexistent/opa\n");
  EXPECT_EQ(missing.out, "");

  RunResult bad_rate = Conformance({"--min-pass-rate", "v1=90"});
  EXPECT_EQ(bad_rate.exit_code, 2);
  EXPECT_NE(bad_rate.err.find("--min-pass-rate: pass rate 90 is outside 0..1"), std::string::npos)
      << bad_rate.err;
  EXPECT_EQ(Conformance({"--min-pass-rate", "no-such-baseline.txt"}).exit_code, 2);
  EXPECT_EQ(p_.Sluice({"policy", "conformance"}, options).exit_code, 2);
  EXPECT_EQ(p_.Sluice({"policy"}, options).exit_code, 2);
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// `sluice policy eval` on the tutorial's policy (v0) from the example project.
class PolicyEvalTest : public ::testing::Test {
 protected:
  RunResult Eval(std::vector<std::string> args) {
    const std::string policies =
        std::string(SLUICE_SOURCE_DIR) + "/examples/credit-card/.harness/policies";
    args.insert(args.begin(), {"policy", "eval", "-d", policies});
    RunOptions options;
    options.with_project_flag = false;
    return p_.Sluice(args, options);
  }

  TestProject p_;
};

TEST_F(PolicyEvalTest, TutorialPolicyAllowsTheSeed54Model) {
  p_.Write("in.json", R"({"accuracy": 0.92669, "fairnessScoreEqualOpportunity": 7.35})");
  RunResult r = Eval({"-i", (p_.root() / "in.json").string(), "data.main"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json value = r.Json()["result"][0]["expressions"][0]["value"];
  EXPECT_EQ(value["allow"], true);
  EXPECT_EQ(value["deny"], nlohmann::json::array());
}

TEST_F(PolicyEvalTest, FailDefinedExitsOneWithTheDenyMessage) {
  p_.Write("in.json", R"({"accuracy": 0.85, "fairnessScoreEqualOpportunity": 7.35})");
  RunResult r = Eval({"-i", (p_.root() / "in.json").string(), "--fail-defined",
                      "msg := data.main.deny[_]"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.Json()["result"][0]["bindings"]["msg"],
            "Deny: Accuracy less than 90% or fairness score difference greater than 21%");
}

TEST_F(PolicyEvalTest, ParseErrorsExitTwoNamingTheFile) {
  p_.Write("bad.rego", "package p\nallow { input.x > }\n");
  RunResult r = Eval({"-d", (p_.root() / "bad.rego").string(), "data.p.allow"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.rego:2"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice::testing
