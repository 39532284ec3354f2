// The allowlist, through SecretScanner::Create (secret_allowlist.h is the
// parser behind it).
#include <gtest/gtest.h>

#include <string>

#include "scan/secrets.h"

namespace sluice::scan {
namespace {

const std::string kPat = "ghp_Q7m2Xr9Lk4Tz8Wv1Ns6Bd3Hf5Jc0Py2Ga7Ke";
const std::string kText = "GITHUB=" + kPat + "\n";

SecretScanner Scanner(const std::string& yaml) {
  auto scanner = SecretScanner::Create(yaml, "trivy-secret.yaml");
  EXPECT_TRUE(scanner.ok()) << scanner.status().ToString();
  return std::move(scanner).value();
}

Status CreateError(const std::string& yaml) {
  auto scanner = SecretScanner::Create(yaml, "trivy-secret.yaml");
  EXPECT_FALSE(scanner.ok());
  return scanner.status();
}

TEST(SecretAllowlistTest, EmptyAllowlistKeepsEveryRule) {
  EXPECT_EQ(Scanner("").ScanFile("a", "", kText).size(), 1u);
  EXPECT_EQ(Scanner("# nothing\n").ScanFile("a", "", kText).size(), 1u);
}

TEST(SecretAllowlistTest, DisableRulesTurnsRulesOff) {
  SecretScanner scanner = Scanner("disable-rules: [github-pat, private-key]\n");
  EXPECT_TRUE(scanner.ScanFile("a", "", kText).empty());
  // The generic rule still reads the assignment once github-pat is off.
  auto findings = scanner.ScanFile("a", "", "github_token = " + kPat + "\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "generic-api-key");
}

TEST(SecretAllowlistTest, AllowsByPathRegex) {
  SecretScanner scanner = Scanner(
      "allow-rules:\n"
      "  - id: test-fixtures\n"
      "    path: '^srv/tests/'\n");
  EXPECT_TRUE(scanner.ScanFile("srv/tests/fixture.env", "", kText).empty());
  EXPECT_EQ(scanner.ScanFile("srv/app/prod.env", "", kText).size(), 1u);
}

TEST(SecretAllowlistTest, AllowsBySecretRegex) {
  SecretScanner scanner = Scanner(
      "allow-rules:\n"
      "  - id: known-test-token\n"
      "    regex: 'Ke$'\n");
  EXPECT_TRUE(scanner.ScanFile("any/path", "", kText).empty());
  EXPECT_EQ(scanner.ScanFile("any/path", "", "X=ghp_Zz91" + std::string(32, 'a') + "\n").size(),
            1u);
}

TEST(SecretAllowlistTest, AnEntryWithBothFieldsNeedsBothToMatch) {
  SecretScanner scanner = Scanner(
      "allow-rules:\n"
      "  - id: both\n"
      "    description: the CI token in the test fixtures\n"
      "    path: '^srv/tests/'\n"
      "    regex: '^ghp_Q7m2'\n");
  EXPECT_TRUE(scanner.ScanFile("srv/tests/a", "", kText).empty());
  EXPECT_EQ(scanner.ScanFile("srv/app/a", "", kText).size(), 1u);
  EXPECT_EQ(scanner.ScanFile("srv/tests/a", "", "X=ghp_Zz91" + std::string(32, 'b') + "\n").size(),
            1u);
}

TEST(SecretAllowlistTest, InvalidRegexNamesTheEntryAndField) {
  Status s = CreateError(
      "allow-rules:\n"
      "  - id: fixtures\n"
      "    path: 'tests/(unclosed'\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("trivy-secret.yaml:3:11: allow-rules[0] (\"fixtures\"): path: invalid "
                             "regex \"tests/(unclosed\""),
            std::string::npos)
      << s.message();
  s = CreateError("allow-rules:\n  - regex: '[z-a]'\n");
  EXPECT_NE(s.message().find("allow-rules[0]: regex: invalid regex \"[z-a]\""), std::string::npos)
      << s.message();
}

TEST(SecretAllowlistTest, MalformedYamlIsAnErrorAtItsLine) {
  Status s = CreateError("allow-rules:\n  - id: [unclosed\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("trivy-secret.yaml:"), 0u) << s.message();
  EXPECT_NE(s.message().find("invalid YAML"), std::string::npos) << s.message();
}

TEST(SecretAllowlistTest, WrongShapesNameTheEntryAndField) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const Case cases[] = {
      {"- a\n", "trivy-secret.yaml:1:1: must be a mapping"},
      {"disable-rules: github-pat\n", "disable-rules: must be a list of rule ids"},
      {"disable-rules: [github-pta]\n", "disable-rules[0]: no built-in rule \"github-pta\""},
      {"allow-rules: {id: x}\n", "allow-rules: must be a list"},
      {"allow-rules:\n  - id: x\n    path: [a]\n",
       "trivy-secret.yaml:3:11: allow-rules[0] (\"x\"): path: must be a string"},
      {"allow-rules:\n  - id: x\n    paths: '^a'\n",
       "allow-rules[0] (\"x\"): unknown field \"paths\""},
      {"allow-rules:\n  - id: x\n  - id: y\n", "allow-rules[0] (\"x\"): needs a path or a regex"},
      {"rules:\n  - id: mine\n", "custom secret rules are not supported"},
      {"allowrules: []\n", "unknown key \"allowrules\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    Status s = CreateError(c.yaml);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
}

TEST(SecretAllowlistTest, UnnamedAllowlistIsCalledSecretAllowlist) {
  auto scanner = SecretScanner::Create("- a\n");
  ASSERT_FALSE(scanner.ok());
  EXPECT_EQ(scanner.status().message().find("secret allowlist"), 0u) << scanner.status().message();
}

}  // namespace
}  // namespace sluice::scan
