#include "steps/lambda_manifest.h"

#include <gtest/gtest.h>

namespace sluice::steps {
namespace {

TEST(LambdaManifestTest, AFunctionDefinitionInJsonGivesNameAndConfiguration) {
  auto def = ParseFunctionDefinition(R"({
    "functionName": "creditcardapplicationlambda",
    "runtime": "provided.al2", "role": "arn:aws:iam::1:role/x",
    "memorySize": 256, "timeout": "10",
    "environment": {"variables": {"MODEL": "/model/model.json", "THRESHOLD": 0.5}},
    "imageConfig": {"entryPoint": ["/ccapproval"], "command": ["handler"]},
    "reservedConcurrentExecutions": 4,
    "description": "credit-card approval"})",
                                     "function.json");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->function_name, "creditcardapplicationlambda");
  EXPECT_EQ(def->config.memory_mb, 256);
  EXPECT_EQ(def->config.timeout_s, 10);
  EXPECT_EQ(def->config.env.at("MODEL"), "/model/model.json");
  EXPECT_EQ(def->config.env.at("THRESHOLD"), "0.5");
  EXPECT_EQ(def->config.command, (std::vector<std::string>{"/ccapproval", "handler"}));
  EXPECT_EQ(def->config.reserved_concurrency, 4);
  EXPECT_EQ(def->config.description, "credit-card approval");
}

TEST(LambdaManifestTest, PascalCaseAndYamlAreReadAndDefaultsAreLambdas) {
  auto def = ParseFunctionDefinition("FunctionName: fn\nHandler: app.handler\n", "function.yaml");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->function_name, "fn");
  EXPECT_EQ(def->config.handler, "app.handler");
  EXPECT_EQ(def->config.memory_mb, 128);
  EXPECT_EQ(def->config.timeout_s, 3);
  EXPECT_EQ(def->config.reserved_concurrency, -1);
  EXPECT_TRUE(def->config.command.empty());
}

TEST(LambdaManifestTest, MistakesNameTheFileAndTheField) {
  auto missing = ParseFunctionDefinition(R"({"timeout": 3})", "f.json");
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("f.json: functionName is required"), std::string::npos);
  auto bad_name = ParseFunctionDefinition(R"({"functionName": "a b"})", "f.json");
  EXPECT_NE(bad_name.status().message().find("functionName"), std::string::npos)
      << bad_name.status().message();
  auto range = ParseFunctionDefinition(R"({"functionName": "f", "timeout": 901})", "f.json");
  EXPECT_NE(range.status().message().find("timeout is 901; it must be between 1 and 900"),
            std::string::npos)
      << range.status().message();
  auto broken = ParseFunctionDefinition("{\"functionName\": ", "f.json");
  EXPECT_NE(broken.status().message().find("f.json:"), std::string::npos);
  auto env = ParseFunctionDefinition(
      R"({"functionName": "f", "environment": {"variables": {"A": []}}})", "f.json");
  EXPECT_NE(env.status().message().find("environment.variables.A must be a string"),
            std::string::npos);
}

TEST(LambdaManifestTest, AnAliasDefinitionNeedsAValidName) {
  auto alias = ParseAliasDefinition(R"({"name": "live", "description": "production"})", "a.json");
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(alias->name, "live");
  EXPECT_EQ(alias->description, "production");
  EXPECT_EQ(ParseAliasDefinition(R"({"name": "12"})", "a.json").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAliasDefinition(R"({})", "a.json").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::steps
