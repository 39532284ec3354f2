#include <gtest/gtest.h>

#include "pipeline/pipeline_test_util.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

using testing::ParseDiags;

constexpr std::string_view kTree = R"(pipeline:
  identifier: p
  name: P
  stages:
    - stage:
        identifier: build
        name: Build
        type: CI
        spec:
          cloneCodebase: false
          sharedPaths: [/cache]
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Run
                  spec:
                    command: echo a
              - parallel:
                  - step:
                      identifier: b
                      name: B
                      type: Run
                      timeout: 1m30s
                      spec: {command: echo b}
                  - stepGroup:
                      identifier: g
                      name: G
                      when: {stageStatus: All}
                      steps:
                        - step: {identifier: a, name: A again, type: Run, spec: {command: echo}}
    - parallel:
        - stage:
            identifier: s2
            name: S2
            type: Custom
            when:
              pipelineStatus: Failure
              condition: <+pipeline.variables.x> == "1"
            spec:
              execution:
                steps:
                  - step: {identifier: x, name: X, type: ShellScript, spec: {}}
                rollbackSteps:
                  - step: {identifier: rb, name: RB, type: ShellScript}
        - stage:
            identifier: s3
            name: S3
            type: Approval
            spec:
              execution:
                steps:
                  - step: {identifier: x, name: X, type: HarnessApproval}
  variables:
    - name: x
      type: String
      value: <+input>.default(1)
)";

TEST(PipelineParseTest, BuildsTheTreeOfStagesParallelBlocksAndStepGroups) {
  DiagnosticList diags;
  auto p = ParsePipelineText(kTree, "p.yaml", &diags);
  ASSERT_TRUE(p.has_value()) << testing::Format(diags, kTree);
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, kTree);
  EXPECT_EQ(p->identifier, "p");
  ASSERT_EQ(p->stages.size(), 2u);

  const Stage& build = p->stages[0].stage;
  EXPECT_EQ(p->stages[0].kind, StageNode::Kind::kStage);
  EXPECT_EQ(build.type, StageType::kCI);
  EXPECT_FALSE(build.clone_codebase);
  EXPECT_EQ(build.shared_paths, std::vector<std::string>{"/cache"});
  EXPECT_EQ(build.location.ToString(), "p.yaml:6:9");
  ASSERT_EQ(build.steps.size(), 2u);
  EXPECT_EQ(build.steps[0].identifier, "a");
  EXPECT_EQ(build.steps[0].type_location.ToString(), "p.yaml:17:25");
  ASSERT_EQ(build.steps[1].kind, ExecutionNode::Kind::kParallel);
  const auto& par = build.steps[1].children;
  ASSERT_EQ(par.size(), 2u);
  EXPECT_EQ(par[0].identifier, "b");
  EXPECT_EQ(par[0].timeout, Millis(90000));
  EXPECT_EQ(par[0].spec["command"].Scalar(), "echo b");
  EXPECT_EQ(par[1].kind, ExecutionNode::Kind::kStepGroup);
  ASSERT_TRUE(par[1].when.has_value());
  EXPECT_EQ(par[1].when->status, StatusFilter::kAll);
  ASSERT_EQ(par[1].children.size(), 1u);
  EXPECT_EQ(par[1].children[0].name, "A again");

  ASSERT_EQ(p->stages[1].kind, StageNode::Kind::kParallel);
  ASSERT_EQ(p->stages[1].parallel.size(), 2u);
  const Stage& s2 = p->stages[1].parallel[0];
  EXPECT_EQ(s2.type, StageType::kCustom);
  ASSERT_TRUE(s2.when.has_value());
  EXPECT_EQ(s2.when->status, StatusFilter::kFailure);
  EXPECT_EQ(s2.when->condition, "<+pipeline.variables.x> == \"1\"");
  EXPECT_EQ(s2.when->condition_location.ToString(), "p.yaml:40:26");
  ASSERT_EQ(s2.rollback_steps.size(), 1u);
  EXPECT_EQ(s2.rollback_steps[0].identifier, "rb");
  EXPECT_EQ(p->stages[1].parallel[1].type, StageType::kApproval);

  ASSERT_EQ(p->variables.size(), 1u);
  EXPECT_EQ(p->variables[0].name, "x");
  EXPECT_EQ(p->variables[0].value.Scalar(), "<+input>.default(1)");
  ASSERT_NE(p->source, nullptr);
}

TEST(PipelineParseTest, ReportsYamlSyntaxErrorsAtTheParserPosition) {
  EXPECT_EQ(ParseDiags("pipeline:\n  identifier: p\n   name: x\n"),
            "p.yaml:3:8: error: invalid YAML: illegal map value\n"
            "   name: x\n"
            "       ^\n"
            "1 error\n");
}

TEST(PipelineParseTest, ReportsAMissingPipelineRoot) {
  EXPECT_EQ(ParseDiags("stages: []\n"),
            "p.yaml:1:1: error: expected a pipeline document (a mapping with a top-level "
            "\"pipeline:\" key)\n"
            "stages: []\n"
            "^\n"
            "1 error\n");
}

TEST(PipelineParseTest, ReportsWrongTypesWithTheirLocation) {
  EXPECT_EQ(ParseDiags("pipeline:\n  identifier: p\n  name: P\n  stages: build\n"),
            "p.yaml:4:11: error: \"stages\" must be a list, not a string (\"build\")\n"
            "  stages: build\n"
            "          ^\n"
            "1 error\n");
}

constexpr std::string_view kMissing = R"(pipeline:
  identifier: p
  name: P
  stages:
    - stage:
        identifier: s
        name: S
        spec:
          execution:
            steps: []
    - stage:
        identifier: t
        name: T
        type: CI
        when:
          condition: "true"
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  type: Run
    - stage:
        identifier: u
        name: U
        type: Custom
        spec: {}
)";

TEST(PipelineParseTest, ReportsMissingRequiredFields) {
  EXPECT_EQ(ParseDiags(kMissing),
            "p.yaml:6:9: error: stage is missing required field \"type\"\n"
            "        identifier: s\n"
            "        ^\n"
            "p.yaml:16:11: error: when is missing required field \"pipelineStatus\"\n"
            "          condition: \"true\"\n"
            "          ^\n"
            "p.yaml:21:19: error: step is missing required field \"name\"\n"
            "                  identifier: a\n"
            "                  ^\n"
            "p.yaml:27:9: error: Custom stage spec is missing required field \"execution\"\n"
            "        spec: {}\n"
            "        ^\n"
            "4 errors\n");
}

constexpr std::string_view kIds = R"(pipeline:
  identifier: 1p
  name: P
  stages:
    - stage:
        identifier: my-stage
        name: S
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: a, name: A, type: Wait}
              - parallel:
                  - step: {identifier: a, name: A2, type: Wait}
    - stage:
        identifier: my-stage
        name: S2
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: a, name: A, type: Wait}
)";

TEST(PipelineParseTest, ReportsMalformedAndDuplicateIdentifiers) {
  const std::string rule =
      "identifiers must match ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$ (letters, digits and _, not starting "
      "with a digit, at "
      "most 128 characters)";
  EXPECT_EQ(ParseDiags(kIds),
            "p.yaml:2:15: error: invalid identifier \"1p\": " + rule +
                "\n"
                "  identifier: 1p\n"
                "              ^\n"
                "p.yaml:6:21: error: invalid identifier \"my-stage\": " +
                rule +
                "\n"
                "        identifier: my-stage\n"
                "                    ^\n"
                "p.yaml:14:40: error: duplicate step identifier \"a\" (first used at "
                "p.yaml:12:36); identifiers must be "
                "unique\n"
                "                  - step: {identifier: a, name: A2, type: Wait}\n"
                "                                       ^\n"
                "p.yaml:16:21: error: invalid identifier \"my-stage\": " +
                rule +
                "\n"
                "        identifier: my-stage\n"
                "                    ^\n"
                "p.yaml:16:21: error: duplicate stage identifier \"my-stage\" (first used at "
                "p.yaml:6:21); identifiers "
                "must be unique\n"
                "        identifier: my-stage\n"
                "                    ^\n"
                "5 errors\n");
}

constexpr std::string_view kKeys = R"(pipeline:
  identifier: p
  name: P
  failureStrategies: []
  stages:
    - stage:
        identifier: s
        name: S
        type: CI
        spec:
          pipelineStatus: Success
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Run
                  command: echo
                  spec: {command: echo}
        when:
          pipelineStatus: Success
          caching:
            enabled: false
)";

TEST(PipelineParseTest, WarnsAboutUnknownAndMisplacedKeys) {
  EXPECT_EQ(ParseDiags(kKeys),
            "p.yaml:4:3: warning: unknown key \"failureStrategies\" in pipeline (ignored; "
            "failureStrategies belong "
            "on stages, step groups and steps, not on the pipeline)\n"
            "  failureStrategies: []\n"
            "  ^\n"
            "p.yaml:11:11: warning: unknown key \"pipelineStatus\" in CI stage spec (ignored)\n"
            "          pipelineStatus: Success\n"
            "          ^\n"
            "p.yaml:18:19: warning: unknown key \"command\" in step (ignored; command belongs in "
            "the step spec)\n"
            "                  command: echo\n"
            "                  ^\n"
            "p.yaml:22:11: warning: unknown key \"caching\" in when (ignored; caching belongs in "
            "the stage spec)\n"
            "          caching:\n"
            "          ^\n"
            "4 warnings\n");
}

TEST(PipelineParseTest, ReportsBadDurationsWithTheDurationRules) {
  std::string yaml = std::string(kTree);
  yaml.replace(yaml.find("1m30s"), 5, "90");
  DiagnosticList diags;
  (void)ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].location.ToString(), "p.yaml:25:32");
  Result<Millis> expected = ParseDuration("90");
  ASSERT_FALSE(expected.ok());
  EXPECT_EQ(diags.items()[0].message, "invalid timeout \"90\": " + expected.status().message());
}

TEST(PipelineParseTest, RejectsUnknownStageTypes) {
  EXPECT_EQ(
      ParseDiags(
          "pipeline:\n  identifier: p\n  name: P\n  stages:\n    - stage:\n        identifier: s\n"
          "        name: S\n        type: SecurityTests\n        spec: {}\n"),
      "p.yaml:8:15: error: stage type \"SecurityTests\" is not supported (supported: CI, Custom, "
      "Deployment, "
      "Approval)\n"
      "        type: SecurityTests\n"
      "              ^\n"
      "1 error\n");
}

TEST(PipelineParseTest, RequiresACodebaseForStagesThatCloneIt) {
  std::string yaml = std::string(kTree);
  yaml.replace(yaml.find("cloneCodebase: false"), 20, "cloneCodebase: true");
  DiagnosticList diags;
  (void)ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].location.ToString(), "p.yaml:6:9");
  EXPECT_EQ(diags.items()[0].message,
            "stage \"build\" has cloneCodebase: true but the pipeline has no "
            "properties.ci.codebase (add one, or set "
            "cloneCodebase: false)");
}

TEST(PipelineParseTest, ParsesTheCodebaseAndChecksItsBuild) {
  constexpr std::string_view yaml = R"(pipeline:
  identifier: p
  name: P
  properties:
    ci:
      codebase:
        connectorRef: git
        build:
          type: branch
          spec: {tag: v1}
  stages:
    - stage:
        identifier: s
        name: S
        type: Custom
        spec: {execution: {steps: [{step: {identifier: a, name: A, type: Wait}}]}}
)";
  EXPECT_EQ(ParseDiags(yaml),
            "p.yaml:10:17: error: codebase build spec is missing required field \"branch\"\n"
            "          spec: {tag: v1}\n"
            "                ^\n"
            "p.yaml:10:18: warning: unknown key \"tag\" in codebase build spec (ignored)\n"
            "          spec: {tag: v1}\n"
            "                 ^\n"
            "1 warning, 1 error\n");
}

TEST(PipelineParseTest, WarnsThatLoopingStrategiesAreNotSupported) {
  std::string yaml = std::string(kTree);
  yaml.replace(yaml.find("                      timeout: 1m30s"), 0,
               "                      strategy: {repeat: {times: 2}}\n");
  DiagnosticList diags;
  (void)ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].severity, Severity::kWarning);
  EXPECT_EQ(diags.items()[0].message,
            "\"strategy\" is not supported yet (ignored; looping with matrix/repeat/parallelism "
            "runs the node once)");
}

}  // namespace
}  // namespace sluice::pipeline
