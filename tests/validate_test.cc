// `sluice validate`: ninja-style diagnostics pointing into the YAML.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

TEST(ValidateTest, BrokenPipelineReportsEveryProblemWithItsLocation) {
  TestProject p;
  p.WritePipeline(R"(pipeline:
  name: v
  identifier: v
  projectIdentifier: p
  orgIdentifier: o
  stages:
    - stage:
        name: S
        identifier: S
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Frobnicate
                  name: a
                  identifier: a
                  spec: {}
              - step:
                  type: Wait
                  name: b
                  identifier: b
                  spec:
                    duration: 10 parsecs
              - step:
                  type: ShellScript
                  name: c
                  identifier: a
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo <+pipeline.name
)",
                  "x.yaml");
  auto r = p.Sluice({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      R"(.harness/pipelines/x.yaml:28:31: error: duplicate step identifier "a" (first used at .harness/pipelines/x.yaml:17:31); identifiers must be unique
                  identifier: a
                              ^
.harness/pipelines/x.yaml:15:25: error: step type "Frobnicate" is not supported (supported: AWSECR, AquaTrivy, AwsLambdaDeploy, AwsLambdaRollback, AwsLambdaTrafficShift, BuildAndPushDockerRegistry, BuildAndPushECR, Email, HarnessApproval, ModelDrift, ModelStaleness, Plugin, Policy, Run, S3Upload, ShellScript, Wait)
                  type: Frobnicate
                        ^
.harness/pipelines/x.yaml:24:31: error: invalid duration "10 parsecs": missing or unknown unit (use e.g. 30s, 10m, 1h30m, 1d)
                    duration: 10 parsecs
                              ^
.harness/pipelines/x.yaml:34:38: error: invalid expression: unclosed <+ expression (no matching '>')
                        script: echo <+pipeline.name
                                     ^
4 errors
)");

  // `run` refuses the same pipeline, with the same diagnostics.
  auto run = p.Sluice({"run"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err.rfind(".harness/pipelines/x.yaml:28:31: error: duplicate step identifier", 0),
            0u)
      << run.err;
  EXPECT_NE(run.err.find("sluice: not running v: fix the errors above first\n"), std::string::npos)
      << run.err;
  EXPECT_EQ(p.Sluice({"executions", "list", "--json"}).out, "[]\n");
}

TEST(ValidateTest, CleanProjectIsOk) {
  TestProject p;
  p.WritePipeline(Pipeline("ok", {CustomStage("S", {ShellStep("s", "echo <+pipeline.name>")})}));
  auto r = p.Sluice({"validate"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1 pipeline(s) OK\n");
  EXPECT_EQ(r.err, "");
}

struct Diag {
  int line;
  std::string severity;
  std::string message;
};

std::vector<Diag> ParseDiagnostics(const std::string& text) {
  static const std::regex kLine(R"(^.*:(\d+):(\d+): (error|warning): (.*)$)");
  std::vector<Diag> out;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kLine)) out.push_back({std::stoi(m[1]), m[3], m[4]});
  }
  return out;
}

// The sample MLOps pipeline the project grows into: today it validates with
// two known warnings, one real script error, its Policy step's policy set
// missing (a lone pipeline file has no .harness/policysets), and "not
// supported" errors only for the step types still to come.
TEST(ValidateTest, SamplePipelineHasOnlyTheKnownProblems) {
  std::filesystem::path sample =
      SourceDir() / "../shared/seed/sample-project/sample-mlops-pipeline.yaml";
  if (!std::filesystem::exists(sample))
    GTEST_SKIP() << "needs ../shared (the seed sample project): " << sample;
  TestProject p;
  auto r = p.Sluice({"validate", std::filesystem::canonical(sample).string()});
  EXPECT_EQ(r.exit_code, 1);
  auto diags = ParseDiagnostics(r.err);
  const std::set<std::string> kComing = {
      "BuildAndPushECR", "AWSECR", "S3Upload", "Plugin", "AwsLambdaDeploy", "AwsLambdaRollback", "Email"};
  static const std::regex kUnsupported(R"re(step type "(\w+)" is not supported( \(.*\))?)re");
  std::vector<Diag> warnings;
  std::vector<Diag> other_errors;
  for (const Diag& d : diags) {
    std::smatch m;
    if (d.severity == "warning") {
      warnings.push_back(d);
    } else if (std::regex_match(d.message, m, kUnsupported)) {
      EXPECT_TRUE(kComing.count(m[1])) << "unexpected unsupported step type: " << d.message;
    } else {
      other_errors.push_back(d);
    }
  }
  ASSERT_EQ(warnings.size(), 2u) << r.err;
  EXPECT_EQ(warnings[0].line, 167);
  EXPECT_EQ(warnings[0].message, "unknown key \"pipelineStatus\" in CI stage spec (ignored)");
  EXPECT_EQ(warnings[1].line, 327);
  EXPECT_EQ(warnings[1].message,
            "unknown key \"caching\" in when (ignored; caching belongs in the stage spec)");
  ASSERT_EQ(other_errors.size(), 3u) << r.err;
  // The Wait_for_ECR_Image_Scan step's command has an unclosed quote.
  EXPECT_EQ(other_errors[0].line, 43);
  EXPECT_EQ(other_errors[0].message.rfind("script does not parse (sh -n): ", 0), 0u)
      << other_errors[0].message;
  // The Email step's `to` is still the placeholder YOUR_EMAIL.
  EXPECT_EQ(other_errors[1].line, 343);
  EXPECT_EQ(other_errors[1].message, "to: \"YOUR_EMAIL\" is not an e-mail address (name@domain)");
  EXPECT_EQ(other_errors[2].line, 211);
  EXPECT_EQ(other_errors[2].message,
            "no policy set \"Credit_Card_Approval_Policy_Set\" in .harness/policysets (the project "
            "has: none)");
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// A near miss of a step type's name gets a suggestion.
TEST(ValidateTest, MisspelledStepTypeSuggestsTheNearestOne) {
  TestProject p;
  p.WritePipeline(Pipeline("typo", {CustomStage("S", {"- step:\n    identifier: a\n    name: a\n    type: shellscript\n"
                                                      "    spec: {}\n"})}));
  auto r = p.Sluice({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: step type \"shellscript\" is not supported (did you mean \"ShellScript\"?)"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace sluice::testing
