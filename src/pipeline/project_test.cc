#include "pipeline/project.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"
#include "pipeline/pipeline_test_util.h"

namespace sluice::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSmall = R"(pipeline:
  identifier: small
  name: Small
  stages:
    - stage:
        identifier: s
        name: S
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: w, name: W, type: Wait, spec: {duration: 1s}}
)";

class ProjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-project-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
  }
  void Write(const std::string& rel, std::string_view text) {
    ASSERT_TRUE(MakeDirs((root() / rel).parent_path()).ok());
    ASSERT_TRUE(WriteFileAtomic(root() / rel, text).ok());
  }
  const fs::path& root() const { return dir_->path(); }

  std::optional<TempDir> dir_;
};

TEST_F(ProjectTest, LoadsPipelinesInputSetsAndConnectorsSortedByName) {
  std::string other(kSmall);
  other.replace(other.find("small"), 5, "other");
  Write(".harness/pipelines/b.yaml", kSmall);
  Write(".harness/pipelines/a.yml", other);
  Write(".harness/pipelines/notes.txt", "not yaml");
  Write(".harness/inputsets/main.yaml",
        "inputSet:\n  identifier: main\n  name: Main\n  pipeline:\n    identifier: small\n    "
        "variables: []\n");
  Write(".harness/connectors/git.yaml",
        "connector:\n  identifier: git\n  name: Git\n  type: Github\n  spec:\n    url: "
        "https://github.com/x/y\n");
  DiagnosticList diags;
  auto project = LoadProject(root(), &diags);
  ASSERT_TRUE(project.ok()) << project.status().ToString();
  EXPECT_TRUE(diags.empty()) << FormatDiagnostics(diags, *project);
  ASSERT_EQ(project->pipelines.size(), 2u);
  EXPECT_EQ(project->pipelines[0].identifier, "other");
  EXPECT_EQ(project->pipelines[0].file, ".harness/pipelines/a.yml");
  EXPECT_EQ(project->pipelines[1].location.ToString(), ".harness/pipelines/b.yaml:2:3");
  EXPECT_EQ(project->sources.count(".harness/pipelines/b.yaml"), 1u);
  ASSERT_NE(project->FindPipeline("small"), nullptr);
  EXPECT_EQ(project->FindPipeline("nope"), nullptr);
  const InputSet* set = project->FindInputSet("main");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->pipeline_identifier, "small");
  EXPECT_EQ(set->file, ".harness/inputsets/main.yaml");
  const Connector* git = project->FindConnector("git");
  ASSERT_NE(git, nullptr);
  EXPECT_EQ(git->type, "Github");
  EXPECT_EQ(git->spec["url"].Scalar(), "https://github.com/x/y");
}

TEST_F(ProjectTest, LoadsPolicySetsAndPolicies) {
  Write(".harness/pipelines/p.yaml", kSmall);
  Write(".harness/policies/accuracy.rego", "package main\n\ndeny[msg] { msg := \"no\" }\n");
  Write(".harness/policies/notes.txt", "not a policy");
  Write(".harness/policysets/gate.yaml",
        "policySet:\n"
        "  identifier: gate\n"
        "  name: Model gate\n"
        "  type: custom\n"
        "  regoVersion: v0\n"
        "  policies:\n"
        "    - identifier: accuracy\n"
        "      severity: warning\n");
  DiagnosticList diags;
  auto project = LoadProject(root(), &diags);
  ASSERT_TRUE(project.ok()) << project.status().ToString();
  EXPECT_TRUE(diags.empty()) << FormatDiagnostics(diags, *project);
  const PolicySet* set = project->FindPolicySet("gate");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->name, "Model gate");
  EXPECT_TRUE(set->enabled);
  EXPECT_EQ(set->rego_version, "v0");
  ASSERT_EQ(set->policies.size(), 1u);
  EXPECT_EQ(set->policies[0].severity, PolicySeverity::kWarning);
  EXPECT_EQ(set->policies[0].location.ToString(), ".harness/policysets/gate.yaml:7:19");
  ASSERT_EQ(project->policies.size(), 1u);
  const PolicySource* policy = project->FindPolicy("accuracy");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->file, ".harness/policies/accuracy.rego");
  EXPECT_NE(policy->text.find("deny[msg]"), std::string::npos);
}

TEST_F(ProjectTest, PolicySetErrorsPointAtTheEntry) {
  Write(".harness/pipelines/p.yaml", kSmall);
  Write(".harness/policysets/gate.yaml",
        "policySet:\n"
        "  identifier: gate\n"
        "  regoVersion: v2\n"
        "  policies:\n"
        "    - identifier: missing\n"
        "    - identifier: other\n"
        "      severity: fatal\n");
  DiagnosticList diags;
  auto project = LoadProject(root(), &diags);
  ASSERT_TRUE(project.ok());
  const std::string text = FormatDiagnostics(diags, *project);
  EXPECT_NE(text.find(".harness/policysets/gate.yaml:3:16: error: regoVersion must be v0 or v1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(".harness/policysets/gate.yaml:7:17: error: policy severity must be "
                      "\"error\" (error and exit) or \"warning\" (warn and continue), got "
                      "\"fatal\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(".harness/policysets/gate.yaml:5:19: error: policy \"missing\" of policy "
                      "set \"gate\" has no file: add .harness/policies/missing.rego"),
            std::string::npos)
      << text;
}

TEST_F(ProjectTest, ExplainsTheLayoutWhenPipelinesAreMissing) {
  DiagnosticList diags;
  auto project = LoadProject(root(), &diags);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(FormatDiagnostics(diags, *project),
            root().string() +
                ": error: no .harness/pipelines directory: a project keeps its pipelines in "
                ".harness/pipelines/*.yaml (input sets in .harness/inputsets/, connectors in "
                ".harness/connectors/)\n"
                "1 error\n");
}

TEST_F(ProjectTest, MissingPathIsAnIoError) {
  DiagnosticList diags;
  auto project = LoadProject(root() / "nope", &diags);
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), StatusCode::kIoError);
}

TEST_F(ProjectTest, LoadsASingleFileAndWarnsAboutExtraDocuments) {
  Write("p.yaml", std::string(kSmall) + "---\npipeline: {}\n");
  DiagnosticList diags;
  const fs::path file = root() / "p.yaml";
  auto project = LoadProject(file, &diags);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->root, root());
  ASSERT_EQ(project->pipelines.size(), 1u);
  EXPECT_EQ(FormatDiagnostics(diags, *project),
            file.string() +
                ":14:1: warning: file holds 2 YAML documents; only the first is read (put one "
                "entity per file)\n"
                "pipeline: {}\n"
                "^\n"
                "1 warning\n");
}

TEST_F(ProjectTest, ReportsDuplicatePipelinesAndBadEntityFiles) {
  Write(".harness/pipelines/a.yaml", kSmall);
  Write(".harness/pipelines/b.yaml", kSmall);
  Write(".harness/connectors/c.yaml", "connector:\n  name: C\n  type: Git\n");
  DiagnosticList diags;
  auto project = LoadProject(root(), &diags);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(
      FormatDiagnostics(diags, *project),
      ".harness/connectors/c.yaml:2:3: error: connector is missing required field \"identifier\"\n"
      "  name: C\n"
      "  ^\n"
      ".harness/pipelines/b.yaml:2:3: error: duplicate pipeline identifier \"small\" (also defined "
      "at "
      ".harness/pipelines/a.yaml:2:3); identifiers must be unique in a project\n"
      "  identifier: small\n"
      "  ^\n"
      "2 errors\n");
}

TEST(ProjectFormatTest, SummarisesCounts) {
  Project project;
  project.sources["f"] = "a: 1\n";
  DiagnosticList diags;
  EXPECT_EQ(FormatDiagnostics(diags, project), "");
  diags.Warning({"f", 1, 4}, "w1");
  diags.Warning({"f", 0, 0}, "w2");
  diags.Error({"g", 3, 1}, "e");
  EXPECT_EQ(FormatDiagnostics(diags, project),
            "f:1:4: warning: w1\n"
            "a: 1\n"
            "   ^\n"
            "f: warning: w2\n"
            "g:3:1: error: e\n"
            "2 warnings, 1 error\n");
}

// The seed's sample pipeline loads with exactly its known defects: two
// misplaced keys (warnings) and the unclosed quote (error).
TEST(ProjectSampleTest, SeedSampleLoadsWithItsKnownDefects) {
  const fs::path sample =
      SLUICE_SOURCE_DIR "/../shared/seed/sample-project/sample-mlops-pipeline.yaml";
  if (!fs::exists(sample)) GTEST_SKIP() << "needs ../shared (CI has it)";
  DiagnosticList diags;
  auto project = LoadProject(sample, &diags);
  ASSERT_TRUE(project.ok());
  ASSERT_EQ(project->pipelines.size(), 1u) << FormatDiagnostics(diags, *project);
  const Pipeline& p = project->pipelines[0];
  EXPECT_EQ(p.identifier, "MLOps_creditcard_approval_pipeline");
  ASSERT_EQ(p.stages.size(), 6u);
  EXPECT_EQ(p.stages[3].stage.type, StageType::kDeployment);
  EXPECT_EQ(p.stages[3].stage.rollback_steps.size(), 1u);
  EXPECT_FALSE(p.stages[4].stage.clone_codebase);

  const testing::FakeCatalog catalog({"BuildAndPushECR", "Run", "AWSECR", "S3Upload", "Plugin",
                                      "ShellScript", "Policy", "AwsLambdaDeploy",
                                      "AwsLambdaRollback", "Email"});
  ValidatePipeline(p, catalog, testing::RealScriptChecker, &diags);
  const std::string file = sample.string();
  ASSERT_EQ(diags.items().size(), 3u) << FormatDiagnostics(diags, *project);
  EXPECT_EQ(diags.items()[0].severity, Severity::kWarning);
  EXPECT_EQ(diags.items()[0].location.ToString(), file + ":167:11");
  EXPECT_EQ(diags.items()[0].message, "unknown key \"pipelineStatus\" in CI stage spec (ignored)");
  EXPECT_EQ(diags.items()[1].severity, Severity::kWarning);
  EXPECT_EQ(diags.items()[1].location.ToString(), file + ":327:11");
  EXPECT_EQ(diags.items()[1].message,
            "unknown key \"caching\" in when (ignored; caching belongs in the stage spec)");
  const Diagnostic& quote = diags.items()[2];
  EXPECT_EQ(quote.severity, Severity::kError);
  EXPECT_EQ(quote.location.file, file);
  // The command's first line holds the quote (line 42); dash reports the
  // end of the script (line 43), bash the line of the quote.
  EXPECT_TRUE(quote.location.line == 42 || quote.location.line == 43) << quote.location.ToString();
  EXPECT_EQ(quote.location.column, 23);
  Result<std::string> shell =
      testing::RealScriptChecker("sh", "echo \"ECR Image Scan In Progress...\nsleep 15");
  ASSERT_TRUE(shell.ok());
  std::string shell_text = *shell;
  while (!shell_text.empty() && shell_text.back() == '\n') shell_text.pop_back();
  EXPECT_EQ(quote.message, "script does not parse (sh -n): " + shell_text);
}

}  // namespace
}  // namespace sluice::pipeline
