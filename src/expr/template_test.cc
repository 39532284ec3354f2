#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "expr/expr.h"
#include "expr/expr_test_util.h"

namespace sluice::expr {
namespace {

TEST(TemplateTest, WholeValueKeepsItsType) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    Value want;
  } cases[] = {
      {"<+pipeline.variables.count>", 10},
      {"  <+pipeline.variables.count>\n", 10},
      {"<+pipeline.variables.ratio>", 0.5},
      {"<+pipeline.variables.flag>", true},
      {"<+pipeline.variables.nothing>", nullptr},
      {"<+pipeline.variables.tags>", Value{"x", "y", "z"}},
      {"<+pipeline.variables.count + 5>", 15},
      {"<+pipeline.variables.count == 10>", true},
      {"<+pipeline.sequenceId>", 7},
      {"no expressions here", "no expressions here"},
      {"", ""},
  };
  for (const Case& c : cases) {
    Result<Value> r = Render(c.text, scope);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.text;
  }
}

TEST(TemplateTest, ExpressionsInsideTextAreSplicedAsText) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"repo:<+pipeline.executionId>", "repo:abc123"},
      {"<+pipeline.variables.count>-<+pipeline.variables.ratio>", "10-0.5"},
      {"flag=<+pipeline.variables.flag> none=<+pipeline.variables.nothing>", "flag=true none=null"},
      {"tags=<+pipeline.variables.tags>", R"(tags=["x","y","z"])"},
      {"meta=<+pipeline.variables.meta>", R"(meta={"owner":"ml"})"},
      {"echo \"<+pipeline.variables.env>\" > out.txt", "echo \"prod\" > out.txt"},
      {"<+pipeline.variables.get(\"k-ey\")>!", "dash!"},
      {"<+pipeline.variables[\"k-ey\"]>!", "dash!"},
      {"<+pipeline.variables.tags[1]>!", "y!"},
      {"a <+'x>y'> b", "a x>y b"},
      {"<+\"it\\\"s\">", "it\"s"},
      {"<+'it\\'s'> <+\"tab\\there\">", "it's tab\there"},
  };
  for (const Case& c : cases) {
    Result<std::string> r = RenderString(c.text, scope);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.text;
  }
}

TEST(TemplateTest, NestedExpressionsResolveInnerFirst) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {R"(<+<+pipeline.variables.list>.split(",")[0]>)", "a"},
      {R"(<+<+pipeline.variables.list>.split(",")[2]>)", "c"},
      {R"(img:<+<+pipeline.variables.branch>.replace("/", "-")>)", "img:feature-x-y"},
      {R"(<+ <+pipeline.variables.env> + "x" >)", "prodx"},
      {R"(<+<+pipeline.variables.env> == "prod" ? "a" : "b">)", "a"},
      {R"(<+<+pipeline.variables.env> == "dev" ? "a" : "b">)", "b"},
      {R"(<+<+<+pipeline.variables.list>.split(",")[1]>.toUpperCase()>)", "B"},
  };
  for (const Case& c : cases) {
    Result<std::string> r = RenderString(c.text, scope);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.text;
  }
}

TEST(TemplateTest, GreaterEqualIsAnOperatorInsideExpressions) {
  JsonScope scope = SampleScope();
  EXPECT_EQ(*Render("<+pipeline.variables.count >= 10>", scope), true);
  // `<+a>=<+b>` never closes when `>=` is an operator, so it reads as two
  // expressions around a literal "=".
  EXPECT_EQ(*Render("<+pipeline.variables.count>=<+pipeline.variables.count>", scope), "10=10");
  EXPECT_EQ(*Render("<+<+pipeline.variables.count> >= 11>", scope), false);
  // `>==` is a close followed by `==`.
  EXPECT_EQ(*EvaluateCondition(R"(<+pipeline.variables.env>=="prod")", scope), true);
  // A script assignment after an expression falls back to `>` closing.
  EXPECT_EQ(*RenderString("export KEY_<+pipeline.variables.env>=value\necho done", scope),
            "export KEY_prod=value\necho done");
}

TEST(TemplateTest, SamplePolicyPayloadBecomesJsonWithNumbers) {
  JsonScope scope = SampleScope();
  const char* payload =
      "{\n"
      "    \"accuracy\": "
      "<+execution.steps.Accuracy_and_Fairness.output.outputVariables.accuracy>,\n"
      "    \"fairnessScoreEqualOpportunity\": "
      "<+execution.steps.Accuracy_and_Fairness.output.outputVariables.fairness_equalopportunity>\n"
      "}";
  Result<std::string> r = RenderString(payload, scope);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{\n    \"accuracy\": 0.92662,\n    \"fairnessScoreEqualOpportunity\": 81.3\n}");
  Value parsed = Value::parse(*r);
  EXPECT_DOUBLE_EQ(parsed["accuracy"].get<double>(), 0.92662);
  EXPECT_DOUBLE_EQ(parsed["fairnessScoreEqualOpportunity"].get<double>(), 81.3);

  // The same payload when the outputs were stored as numbers.
  JsonScope typed(Value::parse(R"({"execution": {"steps": {"Accuracy_and_Fairness": {"output":
      {"outputVariables": {"accuracy": 0.92662, "fairness_equalopportunity": 81}}}}}})"));
  EXPECT_EQ(*RenderString(payload, typed),
            "{\n    \"accuracy\": 0.92662,\n    \"fairnessScoreEqualOpportunity\": 81\n}");
}

TEST(TemplateTest, SecretsComeFromTheScope) {
  JsonScope scope = SampleScope();
  EXPECT_EQ(*RenderString(R"(TOKEN=<+secrets.getValue("git_pat")>)", scope), "TOKEN=ghp_s3cr3t");
  EXPECT_EQ(*Render(R"(<+secrets.getValue('aws_key').length()>)", scope), 4);
  Result<Value> missing = Render(R"(<+secrets.getValue("nope")>)", scope);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            R"(cannot resolve <+secrets.getValue("nope")>: secret "nope" is not defined)");
}

TEST(TemplateTest, UnresolvableReferencesNameTheExpression) {
  JsonScope scope = SampleScope();
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"echo <+pipeline.variables.nope>",
       R"(cannot resolve <+pipeline.variables.nope>: pipeline.variables has no "nope")"},
      {"<+nope.x>", R"(cannot resolve <+nope.x>: "nope" is not defined)"},
      {"<+pipeline.variables.env.x>",
       R"(cannot resolve <+pipeline.variables.env.x>: pipeline.variables.env is a string, so it has no "x")"},
      {"<+pipeline.variables.tags[7]>",
       R"(cannot resolve <+pipeline.variables.tags[7]>: pipeline.variables.tags has no element "7" (it is a list of 3))"},
      {R"(<+<+pipeline.variables.nope>.split(",")[0]>)",
       R"(cannot resolve <+pipeline.variables.nope>: pipeline.variables has no "nope")"},
      {R"(<+<+pipeline.variables.list>.split(",")[5]>)",
       R"(cannot resolve <+<+pipeline.variables.list>.split(",")[5]>: index 5 is out of range for a list of 3 elements)"},
      {"<+pipeline.variables.env.foo()>",
       "cannot evaluate <+pipeline.variables.env.foo()>: string has no method foo()"},
      {"<+pipeline.variables.env.split()>",
       "cannot evaluate <+pipeline.variables.env.split()>: split() takes 1 argument, got 0"},
      {"<+pipeline.variables.nothing.trim()>",
       "cannot evaluate <+pipeline.variables.nothing.trim()>: cannot call trim() on null"},
      {"<+pipeline.variables.env - 1>",
       R"(cannot evaluate <+pipeline.variables.env - 1>: operator - needs numbers, got string "prod")"},
      {"<+json.select(\"a\", \"{}\")>",
       "cannot evaluate <+json.select(\"a\", \"{}\")>: json.select() is not supported by sluice"},
  };
  for (const Case& c : cases) {
    Result<Value> r = Render(c.text, scope);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().message(), c.message) << c.text;
  }
}

TEST(TemplateTest, SkippedNodesResolveToNull) {
  JsonScope scope = SampleScope();
  Result<Value> r = Render("<+pipeline.stages.Skipped_Stage.spec.execution.steps.s.status>", scope);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->is_null());
}

TEST(TemplateTest, SyntaxErrorsFailRendering) {
  JsonScope scope = SampleScope();
  Result<Value> r = Render("echo <+pipeline.variables.env", scope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "invalid expression <+pipeline.variables.env: unclosed <+ expression (no matching "
            "'>') (at offset 5)");
}

TEST(TemplateTest, ToTextFormatsValuesForSplicing) {
  struct Case {
    Value value;
    const char* want;
  } cases[] = {
      {Value(nullptr), "null"},
      {Value(true), "true"},
      {Value(false), "false"},
      {Value(12), "12"},
      {Value(-3), "-3"},
      {Value(2.0), "2"},
      {Value(0.92662), "0.92662"},
      {Value(81.3), "81.3"},
      {Value(0.1 + 0.2), "0.30000000000000004"},
      {Value(1e21), "1e+21"},
      {Value("text"), "text"},
      {Value::parse(R"({"a":[1,"b"]})"), R"({"a":[1,"b"]})"},
  };
  for (const Case& c : cases) EXPECT_EQ(ToText(c.value), c.want) << c.value.dump();
}

TEST(TemplateTest, HasExpressions) {
  EXPECT_TRUE(HasExpressions("a <+b> c"));
  EXPECT_TRUE(HasExpressions("<+"));
  EXPECT_FALSE(HasExpressions("a < b + c"));
  EXPECT_FALSE(HasExpressions(""));
}

TEST(TemplateTest, PlaceholdersKeepShellSyntaxAndLines) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"echo <+pipeline.variables.x>", "echo __SLUICE_EXPR__"},
      {"A=\"<+a>\"; B='<+b.replace(\"'\", \"\")>'", "A=\"__SLUICE_EXPR__\"; B='__SLUICE_EXPR__'"},
      {"x=<+a +\n b>\ny", "x=__SLUICE_EXPR__\n\ny"},
      {"<+<+a>.split(\",\")[0]>/<+b>", "__SLUICE_EXPR__/__SLUICE_EXPR__"},
      {"no expressions", "no expressions"},
      {"ok <+a> broken <+b", "ok __SLUICE_EXPR__ broken <+b"},
  };
  for (const Case& c : cases) EXPECT_EQ(ReplaceWithPlaceholders(c.text), c.want) << c.text;
}

TEST(TemplateTest, CollectReferencesFindsPlainReferences) {
  const std::string text =
      "a=<+pipeline.stages.S1.spec.execution.steps.T.output.outputVariables.V>\n"
      "b=<+secrets.getValue(\"tok\")> "
      "c=<+<+pipeline.variables.list>.split(\",\")[0]> "
      "d=<+pipeline.variables.get(\"k-ey\").trim() + stage.variables[\"x\"] + list[0]>";
  std::vector<Reference> refs = CollectReferences(text);
  using Path = std::vector<std::string>;
  ASSERT_EQ(refs.size(), 5u);
  EXPECT_EQ(refs[0].path, (Path{"pipeline", "stages", "S1", "spec", "execution", "steps", "T",
                                "output", "outputVariables", "V"}));
  EXPECT_EQ(refs[0].offset, 2u);
  EXPECT_EQ(refs[1].path, (Path{"pipeline", "variables", "list"}));
  EXPECT_EQ(refs[1].offset, text.find("<+pipeline.variables.list"));
  EXPECT_EQ(refs[2].path, (Path{"pipeline", "variables", "k-ey"}));
  EXPECT_EQ(refs[2].offset, text.find("<+pipeline.variables.get"));
  EXPECT_EQ(refs[3].path, (Path{"stage", "variables", "x"}));
  EXPECT_EQ(refs[4].path, (Path{"list", "0"}));
}

TEST(TemplateTest, SamplePipelineExpressionsParse) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) +
                   "/../shared/seed/sample-project/sample-mlops-pipeline.yaml");
  if (!in) GTEST_SKIP() << "shared/seed sample pipeline not available";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string yaml = buffer.str();
  std::optional<ExprError> e = CheckTemplateSyntax(yaml);
  EXPECT_FALSE(e.has_value()) << e->message << " at " << e->offset;

  std::vector<Reference> refs = CollectReferences(yaml);
  bool found_monitor = false;
  for (const Reference& r : refs) {
    if (r.path.size() > 2 && r.path[2] == "Monitor_Model_Stage") found_monitor = true;
    EXPECT_NE(r.path[0], "secrets");
  }
  EXPECT_TRUE(found_monitor);
  std::string placeholders = ReplaceWithPlaceholders(yaml);
  EXPECT_FALSE(HasExpressions(placeholders));
  EXPECT_EQ(std::count(placeholders.begin(), placeholders.end(), '\n'),
            std::count(yaml.begin(), yaml.end(), '\n'));
}

}  // namespace
}  // namespace sluice::expr
