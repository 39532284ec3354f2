#include "steps/plugin_settings.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

using Env = std::map<std::string, std::string>;

Env FromYaml(std::string_view settings_yaml, nlohmann::json secrets = nlohmann::json::object()) {
  TestStepContext t("Plugin", "settings:\n" + std::string(settings_yaml), std::move(secrets));
  auto resolved = t.ctx().Resolve(t.node().spec["settings"], "spec.settings");
  EXPECT_TRUE(resolved.ok()) << resolved.status().message();
  auto env = PluginSettingsEnv(resolved.ok() ? *resolved : nlohmann::json());
  EXPECT_TRUE(env.ok()) << env.status().message();
  return env.ok() ? *env : Env{};
}

TEST(PluginSettingsTest, KeysBecomeUpperCasePluginVariables) {
  EXPECT_EQ(PluginVariableName("file_urls"), "PLUGIN_FILE_URLS");
  EXPECT_EQ(PluginVariableName("dryRun"), "PLUGIN_DRYRUN");
  EXPECT_EQ(PluginVariableName("dry-run"), "PLUGIN_DRY_RUN");
  EXPECT_EQ(PluginVariableName("cache.key"), "PLUGIN_CACHE_KEY");
}

TEST(PluginSettingsTest, ScalarsNumbersAndBooleansAreText) {
  Env env = FromYaml(
      "  message: hello world\n  count: 3\n  ratio: 0.25\n  debug: true\n"
      "  quiet: false\n  quoted: '007'\n  empty:\n");
  EXPECT_EQ(env, (Env{{"PLUGIN_MESSAGE", "hello world"},
                      {"PLUGIN_COUNT", "3"},
                      {"PLUGIN_RATIO", "0.25"},
                      {"PLUGIN_DEBUG", "true"},
                      {"PLUGIN_QUIET", "false"},
                      {"PLUGIN_QUOTED", "007"},
                      {"PLUGIN_EMPTY", ""}}));
}

TEST(PluginSettingsTest, ListsOfPrimitivesAreCommaJoined) {
  Env env = FromYaml(
      "  tags: [latest, '1.2', 3, true]\n  file_urls:\n    - https://a/x.html\n"
      "    - https://b/y.html\n  none: []\n");
  EXPECT_EQ(env["PLUGIN_TAGS"], "latest,1.2,3,true");
  EXPECT_EQ(env["PLUGIN_FILE_URLS"], "https://a/x.html,https://b/y.html");
  EXPECT_EQ(env["PLUGIN_NONE"], "");
}

TEST(PluginSettingsTest, MapsAndComplexListsAreJsonText) {
  Env env = FromYaml(
      "  build_args: {A: one, B: 2}\n  targets:\n    - {name: x, paths: [a, b]}\n"
      "  nested: [[1, 2], [3]]\n");
  EXPECT_EQ(env["PLUGIN_BUILD_ARGS"], R"({"A":"one","B":2})");
  EXPECT_EQ(env["PLUGIN_TARGETS"], R"([{"name":"x","paths":["a","b"]}])");
  EXPECT_EQ(env["PLUGIN_NESTED"], "[[1,2],[3]]");
}

TEST(PluginSettingsTest, ExpressionsAndSecretsResolveBeforeTheMapping) {
  Env env = FromYaml(
      "  token: <+secrets.getValue(\"api_token\")>\n"
      "  headers: {Authorization: 'Bearer <+secrets.getValue(\"api_token\")>'}\n"
      "  hosts: [<+secrets.getValue(\"api_token\")>, plain]\n",
      {{"api_token", "s3cr3t-value"}});
  EXPECT_EQ(env["PLUGIN_TOKEN"], "s3cr3t-value");
  EXPECT_EQ(env["PLUGIN_HEADERS"], R"({"Authorization":"Bearer s3cr3t-value"})");
  EXPECT_EQ(env["PLUGIN_HOSTS"], "s3cr3t-value,plain");
}

TEST(PluginSettingsTest, NoSettingsGiveNoVariables) {
  auto env = PluginSettingsEnv(nullptr);
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(env->empty());
}

TEST(PluginSettingsTest, KeysThatCollideAreAnErrorNamingBoth) {
  auto env = PluginSettingsEnv({{"dry-run", true}, {"dry_run", false}});
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().message(),
            "spec.settings: \"dry-run\" and \"dry_run\" both become PLUGIN_DRY_RUN; keep one of "
            "them");
  EXPECT_FALSE(PluginSettingsEnv(nlohmann::json::array({1})).ok());
}

}  // namespace
}  // namespace sluice::steps
