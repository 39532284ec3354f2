#include <gtest/gtest.h>

#include "expr/expr.h"
#include "expr/expr_test_util.h"

namespace sluice::expr {
namespace {

constexpr const char* kSampleCondition =
    "<+pipeline.stages.Monitor_Model_Stage.spec.execution.steps.Monitor_Model_Step.output."
    "outputVariables.model_stale> == true";

struct Case {
  const char* condition;
  bool want;
};

void ExpectAll(const std::vector<Case>& cases, const Scope& scope) {
  for (const Case& c : cases) {
    Result<bool> r = EvaluateCondition(c.condition, scope);
    ASSERT_TRUE(r.ok()) << c.condition << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.condition;
  }
}

TEST(ConditionTest, SampleEmailConditionComparesStringWithBoolean) {
  struct {
    const char* model_stale;
    bool want;
  } cases[] = {{"true", true},   {"True", true}, {"false", false},
               {"FALSE", false}, {"yes", true},  {"", false}};
  for (const auto& c : cases) {
    Result<bool> r = EvaluateCondition(kSampleCondition, SampleScope(c.model_stale));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.want) << "model_stale=" << c.model_stale;
  }
}

TEST(ConditionTest, LooseComparisons) {
  ExpectAll({{R"("true" == true)", true},
             {R"("false" == true)", false},
             {R"("yes" == true)", true},
             {R"("" == false)", true},
             {R"("FALSE" == false)", true},
             {R"("10" == 10)", true},
             {R"(10 == "10.0")", true},
             {R"("abc" == 10)", false},
             {R"("10" != 10)", false},
             {"1 == 1.0", true},
             {"1 == true", true},
             {"0 == false", true},
             {"null == null", true},
             {"null == false", false},
             {R"(null == "")", false},
             {"null != 0", true},
             {R"("a" == "a")", true},
             {R"("a" == "A")", false},
             {R"("10" > 9)", true},
             {R"("10" < "9")", true},  // two strings compare as text,
                                       // as in JEXL
             {R"(2.5 >= "2.5")", true},
             {"null < 1", false},
             {"null >= 1", false},
             {R"("abc" < 1)", false}},
            SampleScope());
}

TEST(ConditionTest, EveryOperator) {
  ExpectAll({{"1 < 2", true},
             {"2 < 1", false},
             {"2 <= 2", true},
             {"3 > 2", true},
             {"2 > 3", false},
             {"2 >= 3", false},
             {"1 == 1 && 2 == 2", true},
             {"1 == 1 && 2 == 3", false},
             {"1 == 2 || 2 == 2", true},
             {"1 == 2 || 2 == 3", false},
             {"1 == 1 and 2 == 2", true},
             {"1 == 2 or 2 == 2", true},
             {"!(1 == 2)", true},
             {"not (1 == 1)", false},
             {"!false", true},
             {"1 + 2 == 3", true},
             {"5 - 7 == -2", true},
             {"3 * 4 == 12", true},
             {"7 / 2 == 3", true},
             {"7.0 / 2 == 3.5", true},
             {"7 % 3 == 1", true},
             {"2 + 3 * 4 == 14", true},
             {"(2 + 3) * 4 == 20", true},
             {R"("a" + 1 == "a1")", true},
             {R"("3" - 1 == 2)", true},
             {R"(1 > 2 ? false : true)", true},
             {R"(true ? 1 == 2 : true)", false},
             {R"("abc" =~ "a.c")", true},
             {R"("abc" =~ "b")", false},
             {R"("b" =~ ["a", "b"])", true},
             {R"("c" =~ ["a", "b"])", false},
             {R"([1, 2].length() == 2)", true},
             {R"("abc" !~ "x.*")", true},
             {R"("feature/x" =^ "feature/")", true},
             {R"("model.pkl" =$ ".pkl")", true},
             {"-(2) == -2", true}},
            SampleScope());
}

TEST(ConditionTest, ReferencesInsideAndOutsideTemplates) {
  ExpectAll({{R"(<+pipeline.variables.env> == "prod")", true},
             {R"(<+pipeline.variables.env> != "prod")", false},
             {R"(<+pipeline.variables.count> > 9 && <+pipeline.variables.flag>)", true},
             {R"(<+pipeline.variables.count> >= 11)", false},
             {R"(<+pipeline.variables.env>.startsWith("pr"))", true},
             {R"(<+<+pipeline.variables.list>.split(",").length() == 3>)", true},
             {R"(pipeline.variables.env == "prod")", true},
             {R"(<+pipeline.stages.Skipped_Stage.status> == "SUCCEEDED")", false},
             {R"(<+pipeline.variables.nothing>)", false},
             {R"(<+pipeline.variables.empty>)", false},
             {R"(<+pipeline.variables.env>)", true},
             {R"(<+pipeline.variables.tags>.contains("y"))", true},
             {R"(<+pipeline.variables.ratio> < 1)", true}},
            SampleScope());
}

TEST(ConditionTest, ShortCircuitSkipsFailingRight) {
  ExpectAll({{R"(false && <+pipeline.variables.nope> == 1)", false},
             {R"(true || <+pipeline.variables.nope> == 1)", true}},
            SampleScope());
}

TEST(ConditionTest, ErrorsNameTheFailingPart) {
  JsonScope scope = SampleScope();
  struct {
    const char* condition;
    const char* message;
  } cases[] = {
      {R"(<+pipeline.variables.nope> == true)",
       R"(cannot resolve <+pipeline.variables.nope>: pipeline.variables has no "nope")"},
      {R"(pipeline.variables.nope == true)",
       R"(cannot resolve pipeline.variables.nope: pipeline.variables has no "nope")"},
      {"true < 1", "cannot evaluate true < 1: cannot compare boolean true < number 1"},
      {"1 / 0 == 1", "cannot evaluate 1 / 0: division by zero"},
      {"<+pipeline.variables.env> ==",
       "invalid condition <+pipeline.variables.env> ==: expected a "
       "value, found end of expression (at offset 28)"},
  };
  for (const auto& c : cases) {
    Result<bool> r = EvaluateCondition(c.condition, scope);
    ASSERT_FALSE(r.ok()) << c.condition;
    EXPECT_EQ(r.status().message(), c.message) << c.condition;
  }
}

}  // namespace
}  // namespace sluice::expr
