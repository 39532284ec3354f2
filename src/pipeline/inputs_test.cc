#include "pipeline/inputs.h"

#include <gtest/gtest.h>

#include "expr/expr.h"
#include "pipeline/pipeline_test_util.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

constexpr std::string_view kInputs = R"(pipeline:
  identifier: p
  name: P
  properties:
    ci:
      codebase:
        connectorRef: git
        build: <+input>
  variables:
    - name: tag
      type: String
      value: <+input>
    - name: env
      type: String
      value: <+input>.allowedValues(dev,prod)
  stages:
    - stage:
        identifier: build
        name: Build
        type: CI
        variables:
          - name: tag
            type: String
            value: <+input>.default(latest)
        spec:
          cloneCodebase: true
          execution:
            steps:
              - step:
                  identifier: run
                  name: Run
                  type: Run
                  spec:
                    command: <+input>
    - parallel:
        - stage:
            identifier: deploy
            name: Deploy
            type: Deployment
            spec:
              deploymentType: AwsLambda
              service:
                serviceRef: svc
                serviceInputs:
                  serviceDefinition:
                    spec:
                      artifacts:
                        primary:
                          primaryArtifactRef: <+input>.executionInput()
              environment:
                infrastructureDefinitions:
                  - identifier: infra
                    inputs: <+input>.default(none)
              execution:
                steps:
                  - step: {identifier: d, name: D, type: AwsLambdaDeploy, spec: {}}
)";

Pipeline Parse() {
  DiagnosticList diags;
  auto p = ParsePipelineText(kInputs, "p.yaml", &diags);
  EXPECT_TRUE(p.has_value());
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, kInputs);
  return p ? std::move(*p) : Pipeline{};
}

TEST(RuntimeInputTest, ListsFieldsByIdentifierAndNamePaths) {
  Pipeline p = Parse();
  auto fields = ListRuntimeInputs(p.root, p.file);
  std::vector<std::string> paths;
  for (const auto& f : fields) paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{
                "properties.ci.codebase.build",
                "variables.tag",
                "variables.env",
                "stages.build.variables.tag",
                "stages.build.spec.execution.steps.run.spec.command",
                "stages.deploy.spec.service.serviceInputs.serviceDefinition.spec.artifacts.primary."
                "primaryArtifactRef",
                "stages.deploy.spec.environment.infrastructureDefinitions.infra.inputs",
            }));
  EXPECT_EQ(fields[2].text, "<+input>.allowedValues(dev,prod)");
  EXPECT_EQ(fields[2].location.ToString(), "p.yaml:15:14");
}

TEST(RuntimeInputTest, AppliesPairsBranchAndDefaultsKeepingLocations) {
  Pipeline p = Parse();
  RuntimeInputValues values;
  values.pairs = {{"variables.tag", "v1"}, {"env", "prod"}, {"command", "echo hi"}};
  values.branch = "main";
  DiagnosticList diags;
  YAML::Node root = ApplyRuntimeInputs(p, values, &diags);
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, kInputs);
  EXPECT_EQ(root["variables"][0]["value"].Scalar(), "v1");
  EXPECT_EQ(root["variables"][1]["value"].Scalar(), "prod");
  EXPECT_EQ(root["stages"][0]["stage"]["variables"][0]["value"].Scalar(), "latest");
  YAML::Node command =
      root["stages"][0]["stage"]["spec"]["execution"]["steps"][0]["step"]["spec"]["command"];
  EXPECT_EQ(command.Scalar(), "echo hi");
  EXPECT_EQ(LocationOf(command, p.file).ToString(), "p.yaml:34:30");
  EXPECT_EQ(LocationOf(root["stages"][0]["stage"], p.file).ToString(), "p.yaml:18:9");
  YAML::Node build = root["properties"]["ci"]["codebase"]["build"];
  EXPECT_EQ(build["type"].Scalar(), "branch");
  EXPECT_EQ(build["spec"]["branch"].Scalar(), "main");
  // Execution-time inputs stay as written; the original tree is untouched.
  EXPECT_EQ(root["stages"][1]["parallel"][0]["stage"]["spec"]["service"]["serviceInputs"]
                ["serviceDefinition"]["spec"]["artifacts"]["primary"]["primaryArtifactRef"]
                    .Scalar(),
            "<+input>.executionInput()");
  EXPECT_EQ(p.root["variables"][0]["value"].Scalar(), "<+input>");

  // The result parses back into a pipeline.
  YAML::Node doc;
  doc["pipeline"] = root;
  DiagnosticList reparsed;
  EXPECT_TRUE(ParsePipeline(doc, p.file, &reparsed).has_value());
  EXPECT_TRUE(reparsed.empty());
}

TEST(RuntimeInputTest, AppliesInputSetsInOrderThenPairs) {
  Pipeline p = Parse();
  YAML::Node set1 = YAML::Load(R"(identifier: p
properties:
  ci:
    codebase:
      build:
        type: tag
        spec: {tag: v1.0}
variables:
  - name: tag
    value: from-set-1
  - name: env
    value: dev
stages:
  - stage:
      identifier: build
      spec:
        execution:
          steps:
            - step:
                identifier: run
                spec:
                  command: make
)");
  YAML::Node set2 = YAML::Load("identifier: p\nvariables:\n  - name: tag\n    value: from-set-2\n");
  RuntimeInputValues values;
  values.input_sets = {set1, set2};
  values.pairs = {{"env", "prod"}};
  DiagnosticList diags;
  YAML::Node root = ApplyRuntimeInputs(p.root, p.file, values, &diags);
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, kInputs);
  EXPECT_EQ(root["variables"][0]["value"].Scalar(), "from-set-2");
  EXPECT_EQ(root["variables"][1]["value"].Scalar(), "prod");
  EXPECT_EQ(root["properties"]["ci"]["codebase"]["build"]["spec"]["tag"].Scalar(), "v1.0");
  EXPECT_EQ(root["stages"][0]["stage"]["spec"]["execution"]["steps"][0]["step"]["spec"]["command"]
                .Scalar(),
            "make");
}

TEST(RuntimeInputTest, TreatsAPlainBuildValueAsABranch) {
  Pipeline p = Parse();
  RuntimeInputValues values;
  values.pairs = {{"build", "release"}, {"tag", "x"}};
  DiagnosticList diags;
  YAML::Node root = ApplyRuntimeInputs(p, values, &diags);
  YAML::Node build = root["properties"]["ci"]["codebase"]["build"];
  EXPECT_EQ(build["type"].Scalar(), "branch");
  EXPECT_EQ(build["spec"]["branch"].Scalar(), "release");
  // "tag" names two inputs (variables.tag and stages.build.variables.tag).
  EXPECT_EQ(testing::Format(diags, kInputs),
            "p.yaml: error: --input tag=x is ambiguous: it matches variables.tag, "
            "stages.build.variables.tag (use a "
            "longer key, e.g. --input variables.tag=x)\n"
            "p.yaml:12:14: error: runtime input variables.tag has no value: pass --input "
            "variables.tag=VALUE or an "
            "input set\n"
            "      value: <+input>\n"
            "             ^\n"
            "p.yaml:15:14: error: runtime input variables.env has no value: pass --input env=VALUE "
            "or an input set\n"
            "      value: <+input>.allowedValues(dev,prod)\n"
            "             ^\n"
            "p.yaml:34:30: error: runtime input stages.build.spec.execution.steps.run.spec.command "
            "has no value: "
            "pass --input command=VALUE or an input set\n"
            "                    command: <+input>\n"
            "                             ^\n"
            "4 errors\n");
}

TEST(RuntimeInputTest, ReportsUnknownKeysMissingBuildAndDisallowedValues) {
  Pipeline p = Parse();
  RuntimeInputValues values;
  values.pairs = {{"foo", "bar"}, {"variables.tag", "1"}, {"env", "qa"}, {"command", "true"}};
  DiagnosticList diags;
  (void)ApplyRuntimeInputs(p, values, &diags);
  expr::RuntimeInput env;
  env.allowed_values = {"dev", "prod"};
  Status disallowed = expr::CheckRuntimeInputValue(env, "qa");
  ASSERT_FALSE(disallowed.ok());
  EXPECT_EQ(
      testing::Format(diags, kInputs),
      "p.yaml: error: --input foo=bar matches no runtime input of pipeline p (its inputs: "
      "properties.ci.codebase.build, variables.tag, variables.env, stages.build.variables.tag, "
      "stages.build.spec.execution.steps.run.spec.command, "
      "stages.deploy.spec.service.serviceInputs.serviceDefinition.spec.artifacts.primary."
      "primaryArtifactRef, "
      "stages.deploy.spec.environment.infrastructureDefinitions.infra.inputs)\n"
      "p.yaml:8:16: error: runtime input properties.ci.codebase.build has no value: pass --branch "
      "BRANCH, "
      "--input build=BRANCH or an input set\n"
      "        build: <+input>\n"
      "               ^\n"
      "p.yaml:15:14: error: runtime input variables.env: " +
          disallowed.message() +
          "\n"
          "      value: <+input>.allowedValues(dev,prod)\n"
          "             ^\n"
          "3 errors\n");
}

TEST(RuntimeInputTest, WarnsWhenBranchHasNoBuildInput) {
  constexpr std::string_view yaml = R"(pipeline:
  identifier: fixed
  name: Fixed
  stages:
    - stage:
        identifier: s
        name: S
        type: Custom
        spec: {execution: {steps: [{step: {identifier: w, name: W, type: Wait}}]}}
)";
  DiagnosticList diags;
  auto p = ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_TRUE(p.has_value());
  RuntimeInputValues values;
  values.branch = "main";
  (void)ApplyRuntimeInputs(*p, values, &diags);
  EXPECT_EQ(testing::Format(diags, yaml),
            "p.yaml: warning: --branch main ignored: pipeline fixed does not take its codebase "
            "build as a runtime "
            "input\n"
            "1 warning\n");
}

}  // namespace
}  // namespace sluice::pipeline
