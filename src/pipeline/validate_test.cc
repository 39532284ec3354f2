#include <gtest/gtest.h>

#include "expr/expr.h"
#include "pipeline/pipeline_test_util.h"
#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

using testing::FakeCatalog;

const FakeCatalog& Catalog() {
  static const FakeCatalog catalog({"Run", "ShellScript", "Wait"});
  return catalog;
}

// Parses and validates `yaml` (which must parse cleanly); returns the
// formatted validation diagnostics.
std::string Validate(std::string_view yaml, const ScriptChecker& checker = nullptr) {
  DiagnosticList diags;
  auto p = ParsePipelineText(yaml, "p.yaml", &diags);
  EXPECT_TRUE(p.has_value());
  EXPECT_TRUE(diags.empty()) << testing::Format(diags, yaml);
  if (!p) return "";
  ValidatePipeline(*p, Catalog(), checker, &diags);
  return testing::Format(diags, yaml);
}

constexpr std::string_view kHeader = R"(pipeline:
  identifier: p
  name: P
  variables:
    - name: known
      type: String
      value: x
  stages:
)";

TEST(PipelineValidateTest, ReportsUnknownStepTypes) {
  const std::string yaml = std::string(kHeader) + R"(    - stage:
        identifier: s
        name: S
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: a, name: A, type: Teleport}
)";
  EXPECT_EQ(Validate(yaml),
            "p.yaml:16:54: error: step type \"Teleport\" is not supported\n"
            "              - step: {identifier: a, name: A, type: Teleport}\n"
            "                                                     ^\n"
            "1 error\n");
}

TEST(PipelineValidateTest, ReportsExpressionSyntaxErrorsInsideBlockScalars) {
  const std::string yaml = std::string(kHeader) + R"(    - stage:
        identifier: s
        name: S
        type: CI
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Run
                  spec:
                    command: |
                      echo start
                      echo <+pipeline.variables.known
)";
  const std::string command = "echo start\necho <+pipeline.variables.known\n";
  auto err = expr::CheckTemplateSyntax(command);
  ASSERT_TRUE(err.has_value());
  // The offset maps to line 23 of the file, past the block's indentation.
  const int column = 22 + static_cast<int>(err->offset - command.find("echo <+")) + 1;
  std::string caret(static_cast<size_t>(column - 1), ' ');
  EXPECT_EQ(Validate(yaml), "p.yaml:23:" + std::to_string(column) +
                                ": error: invalid expression: " + err->message + "\n" +
                                "                      echo <+pipeline.variables.known\n" + caret +
                                "^\n1 error\n");
}

TEST(PipelineValidateTest, ReportsConditionSyntaxErrorsAtTheOffset) {
  const std::string yaml = std::string(kHeader) + R"(    - stage:
        identifier: s
        name: S
        type: Custom
        when:
          pipelineStatus: Success
          condition: <+pipeline.variables.known> == == 2
        spec:
          execution:
            steps:
              - step: {identifier: a, name: A, type: Wait}
)";
  const std::string cond = "<+pipeline.variables.known> == == 2";
  auto err = expr::CheckConditionSyntax(cond);
  ASSERT_TRUE(err.has_value());
  const int column = 22 + static_cast<int>(err->offset);
  DiagnosticList diags;
  auto p = ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_TRUE(p.has_value());
  ValidatePipeline(*p, Catalog(), nullptr, &diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].location.ToString(), "p.yaml:15:" + std::to_string(column));
  EXPECT_EQ(diags.items()[0].message, "invalid condition: " + err->message);
}

constexpr std::string_view kReferences = R"(    - stage:
        identifier: first
        name: First
        type: CI
        spec:
          execution:
            steps:
              - step:
                  identifier: early
                  name: Early
                  type: Run
                  spec:
                    command: echo <+execution.steps.late.output.outputVariables.X>
              - stepGroup:
                  identifier: g
                  name: G
                  steps:
                    - step:
                        identifier: inner
                        name: Inner
                        type: Run
                        spec:
                          command: export X=1
                          outputVariables:
                            - name: X
              - step:
                  identifier: late
                  name: Late
                  type: Run
                  spec:
                    command: echo <+execution.steps.g.steps.inner.output.outputVariables.Y>
                    outputVariables:
                      - name: X
    - stage:
        identifier: second
        name: Second
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: ShellScript
                  spec:
                    source:
                      spec:
                        script: "echo <+pipeline.stages.nope.status> <+pipeline.stages.first.spec.execution.steps.missing.status> <+pipeline.variables.unknown> <+pipeline.stages.first.spec.execution.steps.g.steps.inner.output.outputVariables.X>"
)";

TEST(PipelineValidateTest, ChecksReferencesToStagesStepsAndOutputs) {
  const std::string yaml = std::string(kHeader) + std::string(kReferences);
  EXPECT_EQ(
      Validate(yaml),
      "p.yaml:21:35: warning: reference to step \"late\", which runs later: "
      "<+execution.steps.late.output.outputVariables.X> resolves to null here\n"
      "                    command: echo <+execution.steps.late.output.outputVariables.X>\n"
      "                                  ^\n"
      "p.yaml:39:35: error: reference to output variable \"Y\" that step \"inner\" does not "
      "declare: "
      "<+execution.steps.g.steps.inner.output.outputVariables.Y> (its outputVariables: X)\n"
      "                    command: echo "
      "<+execution.steps.g.steps.inner.output.outputVariables.Y>\n"
      "                                  ^\n"
      "p.yaml:56:39: error: reference to unknown stage \"nope\": <+pipeline.stages.nope.status> "
      "(stages: "
      "first, second)\n"
      "                        script: \"echo <+pipeline.stages.nope.status> "
      "<+pipeline.stages.first.spec.execution.steps.missing.status> <+pipeline.variables.unknown> "
      "<+pipeline.stages.first.spec.execution.steps.g.steps.inner.output.outputVariables.X>\"\n"
      "                                      ^\n"
      "p.yaml:56:70: error: reference to unknown step \"missing\" in stage \"first\": "
      "<+pipeline.stages.first.spec.execution.steps.missing.status> (steps: early, g, late)\n"
      "                        script: \"echo <+pipeline.stages.nope.status> "
      "<+pipeline.stages.first.spec.execution.steps.missing.status> <+pipeline.variables.unknown> "
      "<+pipeline.stages.first.spec.execution.steps.g.steps.inner.output.outputVariables.X>\"\n"
      "                                                                     ^\n"
      "p.yaml:56:131: error: reference to unknown pipeline variable \"unknown\": "
      "<+pipeline.variables.unknown> "
      "(declare it under pipeline.variables)\n"
      "                        script: \"echo <+pipeline.stages.nope.status> "
      "<+pipeline.stages.first.spec.execution.steps.missing.status> <+pipeline.variables.unknown> "
      "<+pipeline.stages.first.spec.execution.steps.g.steps.inner.output.outputVariables.X>\"\n" +
          std::string(130, ' ') + "^\n" + "1 warning, 4 errors\n");
}

TEST(PipelineValidateTest, ChecksScriptsWithTheShellAndMapsItsLineNumbers) {
  const std::string yaml = std::string(kHeader) + R"(    - stage:
        identifier: s
        name: S
        type: CI
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Run
                  spec:
                    command: |-
                      echo <+pipeline.variables.known>
                      if true; then
                        echo "fine"
                      fi
                      echo "unclosed
                      sleep 1
)";
  ScriptChecker fake = [](const std::string& shell,
                          const std::string& script) -> Result<std::string> {
    EXPECT_EQ(shell, "sh");
    // Expressions are replaced before the shell sees the script.
    EXPECT_EQ(script.find("<+"), std::string::npos) << script;
    return std::string("sh: 6: Syntax error: Unterminated quoted string\n");
  };
  EXPECT_EQ(Validate(yaml, fake),
            "p.yaml:27:23: error: script does not parse (sh -n): sh: 6: Syntax error: Unterminated "
            "quoted string\n"
            "                      sleep 1\n"
            "                      ^\n"
            "1 error\n");
}

TEST(PipelineValidateTest, RealShellReportsTheUnclosedQuote) {
  const std::string yaml = std::string(kHeader) + R"(    - stage:
        identifier: s
        name: S
        type: CI
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  name: A
                  type: Run
                  spec:
                    command: |-
                      echo "in progress...
                      sleep 15
              - step:
                  identifier: b
                  name: B
                  type: ShellScript
                  spec:
                    source:
                      type: Inline
                      spec:
                        script: |
                          if true; then echo ok; fi
)";
  DiagnosticList diags;
  auto p = ParsePipelineText(yaml, "p.yaml", &diags);
  ASSERT_TRUE(p.has_value());
  ValidatePipeline(*p, Catalog(), testing::RealScriptChecker, &diags);
  ASSERT_EQ(diags.items().size(), 1u) << testing::Format(diags, yaml);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.location.file, "p.yaml");
  // dash reports the line where the file ended (2), bash the line of the quote (1).
  EXPECT_TRUE(d.location.line == 22 || d.location.line == 23) << d.location.ToString();
  EXPECT_EQ(d.message.rfind("script does not parse (sh -n): ", 0), 0u) << d.message;
}

}  // namespace
}  // namespace sluice::pipeline
