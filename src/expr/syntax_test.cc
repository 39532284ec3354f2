#include <gtest/gtest.h>

#include "expr/expr.h"

namespace sluice::expr {
namespace {

struct SyntaxCase {
  const char* text;
  size_t offset;
  const char* message;
};

TEST(ExprSyntaxTest, TemplateErrorsPointAtTheProblem) {
  const SyntaxCase cases[] = {
      {"echo <+pipeline.variables.env", 5, "unclosed <+ expression (no matching '>')"},
      {"x <+<+a>", 2, "unclosed <+ expression (no matching '>')"},
      {"<+>", 0, "empty <+> expression"},
      {"a <+b c>", 6, "expected '>' to close the <+ at offset 2, found 'c'"},
      {"<+\"abc>", 2, "unterminated string literal"},
      {"<+a.>", 4, "expected a name after '.', found '>'"},
      {"<+a #b>", 4, "unexpected character '#' in expression"},
      {"<+a.split(\",\">", 13, "expected ',' or ')' in the arguments of split(), found '>'"},
      {"<+a = 1>", 4, "unexpected '=' (use == to compare; there is no assignment)"},
      {"<+(a>", 4, "expected ')', found '>'"},
      {"<+1x>", 2, "invalid number '1x'"},
      {"<+a ? b>", 7, "expected ':' of the conditional a ? b : c, found '>'"},
      {"<+a && >", 7, "expected a value, found '>'"},
      {"<+and>", 2, "expected a value before 'and'"},
      {"ok <+a>\n<+b.get(>", 16, "expected a value, found '>'"},
      {"<+\"\\u12\">", 3, "invalid \\u escape (expected 4 hex digits)"},
  };
  for (const SyntaxCase& c : cases) {
    std::optional<ExprError> e = CheckTemplateSyntax(c.text);
    ASSERT_TRUE(e.has_value()) << c.text;
    EXPECT_EQ(e->offset, c.offset) << c.text;
    EXPECT_EQ(e->message, c.message) << c.text;
  }
}

TEST(ExprSyntaxTest, ValidTemplatesPass) {
  for (const char* text : {
           "plain text with > and \" and ' and #",
           "<+pipeline.variables.x>",
           "a <+b> c <+d.e[0].get(\"f-g\")> h",
           "<+<+pipeline.variables.list>.split(\",\")[0]>",
           "<+a >= 1>",
           "<+'>'>",
           "<+\"<+\">",
           "<+a>>out.txt",
           "echo \"<+a>\" '<+b>'",
           "<+secrets.getValue(\"id\")>",
           "<+[1, 2, 3]>",
           "<+-1 + 2.5e3>",
       }) {
    std::optional<ExprError> e = CheckTemplateSyntax(text);
    EXPECT_FALSE(e.has_value()) << text << ": " << e->message << " at " << e->offset;
  }
}

TEST(ExprSyntaxTest, ConditionErrorsPointAtTheProblem) {
  const SyntaxCase cases[] = {
      {"", 0, "empty condition"},
      {"   ", 3, "empty condition"},
      {"a == ", 5, "expected a value, found end of expression"},
      {"a b", 2, "unexpected 'b' after the condition"},
      {"(<+a> == 1", 10, "expected ')', found end of expression"},
      {"<+a> == 'x", 8, "unterminated string literal"},
      {"<+a == 1", 0, "unclosed <+ expression (no matching '>')"},
      {"a & b", 2, "unexpected '&' (use && or and)"},
  };
  for (const SyntaxCase& c : cases) {
    std::optional<ExprError> e = CheckConditionSyntax(c.text);
    ASSERT_TRUE(e.has_value()) << c.text;
    EXPECT_EQ(e->offset, c.offset) << c.text;
    EXPECT_EQ(e->message, c.message) << c.text;
  }
}

TEST(ExprSyntaxTest, ValidConditionsPass) {
  const std::string sample =
      "<+pipeline.stages.Monitor_Model_Stage.spec.execution.steps.Monitor_Model_Step.output."
      "outputVariables.model_stale> == true";
  for (const char* text : {
           sample.c_str(),
           "<+a> > 1 && <+b> >= 2",
           "1 > 2",
           "<+a>==\"x\"",
           "not <+a> or <+b>.contains('x')",
           "<+stage.status> == \"SUCCEEDED\" ? true : false",
       }) {
    std::optional<ExprError> e = CheckConditionSyntax(text);
    EXPECT_FALSE(e.has_value()) << text << ": " << e->message << " at " << e->offset;
  }
}

TEST(ExprSyntaxTest, DeepNestingIsRejectedNotCrashing) {
  std::string deep = "<+" + std::string(5000, '(') + "1" + std::string(5000, ')') + ">";
  std::optional<ExprError> e = CheckTemplateSyntax(deep);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "expression is nested too deeply");

  std::string long_sum = "<+1";
  for (int i = 0; i < 5000; ++i) long_sum += " + 1";
  e = CheckTemplateSyntax(long_sum + ">");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "expression is too long");
}

}  // namespace
}  // namespace sluice::expr
