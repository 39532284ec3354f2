#include "scan/secrets.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "scan/secret_rules.h"

namespace sluice::scan {
namespace {

// A deterministic random-looking token: letters and digits mixed, as
// generated secrets are.
std::string Token(
    size_t n,
    std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    uint32_t seed = 7) {
  std::string out;
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    out += alphabet[(x >> 16) % alphabet.size()];
  }
  return out;
}

const std::string kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

SecretScanner Scanner(std::string_view allowlist = "") {
  auto scanner = SecretScanner::Create(allowlist, "test.yaml");
  EXPECT_TRUE(scanner.ok()) << scanner.status().ToString();
  return std::move(scanner).value();
}

// No field of any finding holds `secret`.
void ExpectSecretHidden(const std::vector<Finding>& findings, const std::string& secret) {
  for (const Finding& f : findings) {
    for (const std::string* field : {&f.id, &f.title, &f.description, &f.path, &f.match}) {
      EXPECT_EQ(field->find(secret), std::string::npos) << *field;
    }
  }
}

struct RuleCase {
  std::string rule;
  Severity severity;
  std::string line;    // holds the secret
  std::string secret;  // as the rule extracts it
};

std::vector<RuleCase> RuleCases() {
  const std::string aws_id = "AKIA" + Token(16, kUpperDigits);
  const std::string aws_secret =
      Token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
  const std::string ghp = "ghp_" + Token(36);
  const std::string gho = "gho_" + Token(36, "abcdefghijklmnopqrstuvwxyz0123456789", 3);
  const std::string ghs = "ghs_" + Token(36, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 5);
  const std::string ghr = "ghr_" + Token(76);
  const std::string fine = "github_pat_" + Token(22, kUpperDigits) + "_" + Token(59);
  const std::string glpat = "glpat-" + Token(20);
  const std::string hf = "hf_" + Token(34);
  const std::string slack = "xoxb-" + Token(12, "0123456789") + "-" + Token(24);
  const std::string hook =
      Token(9, kUpperDigits) + "/" + Token(9, kUpperDigits, 9) + "/" + Token(24);
  const std::string stripe = "sk_live_" + Token(24);
  const std::string pypi = "pypi-AgEIcHlwaS5vcmc" + Token(60);
  const std::string generic = Token(20, "abcdefghijklmnopqrstuvwxyz0123456789", 11);
  return {
      {"aws-access-key-id", Severity::kCritical, "aws_access_key_id = " + aws_id, aws_id},
      {"aws-secret-access-key", Severity::kCritical, "AWS_SECRET_ACCESS_KEY=" + aws_secret,
       aws_secret},
      {"github-pat", Severity::kCritical, "token: " + ghp, ghp},
      {"github-oauth", Severity::kCritical, "curl -H 'Authorization: token " + gho + "' x", gho},
      {"github-app-token", Severity::kCritical, "GH=" + ghs, ghs},
      {"github-refresh-token", Severity::kCritical, "refresh(\"" + ghr + "\")", ghr},
      {"github-fine-grained-pat", Severity::kCritical, "pat = '" + fine + "'", fine},
      {"gitlab-pat", Severity::kCritical, "git clone https://oauth2:" + glpat + "@gitlab.com/x",
       glpat},
      {"huggingface-token", Severity::kCritical, "HF_TOKEN=" + hf, hf},
      {"slack-access-token", Severity::kHigh, "slack(\"" + slack + "\")", slack},
      {"slack-web-hook", Severity::kHigh, "url = https://hooks.slack.com/services/" + hook, hook},
      {"stripe-secret-token", Severity::kCritical, "stripe.api_key = \"" + stripe + "\"", stripe},
      {"pypi-upload-token", Severity::kCritical, "password = " + pypi, pypi},
      {"generic-api-key", Severity::kMedium, "db_password = \"" + generic + "\"", generic},
  };
}

TEST(SecretScannerTest, EachBuiltInRuleFindsItsSecretOnItsLineMasked) {
  SecretScanner scanner = Scanner();
  for (const RuleCase& c : RuleCases()) {
    SCOPED_TRACE(c.rule + ": " + c.line);
    auto findings = scanner.ScanFile("app/settings.conf", "sha256:aa",
                                     "# settings\n\n" + c.line + "\nother = 1\n");
    ASSERT_EQ(findings.size(), 1u);
    const Finding& f = findings[0];
    EXPECT_EQ(f.kind, FindingKind::kSecret);
    EXPECT_EQ(f.id, c.rule);
    EXPECT_EQ(f.severity, c.severity);
    EXPECT_EQ(f.line, 3);
    EXPECT_EQ(f.path, "app/settings.conf");
    EXPECT_EQ(f.layer_digest, "sha256:aa");
    EXPECT_NE(f.match.find(c.secret.substr(0, 4) + "****"), std::string::npos) << f.match;
    ExpectSecretHidden(findings, c.secret);
  }
}

// The context around a match may hold the same secret again, where no rule
// matched it (a command line that repeats a password): it is masked too.
TEST(SecretScannerTest, TheSecretRepeatedInTheContextIsMaskedToo) {
  SecretScanner scanner = Scanner();
  const std::string password = "Zx9qT4mLp2Vw8Rk";
  auto findings = scanner.ScanFile(
      "run.sh", "sha256:aa", "export DB_PASSWORD=" + password + " && psql -W " + password + "\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "generic-api-key");
  ExpectSecretHidden(findings, password);
}

TEST(SecretScannerTest, EveryBuiltInRuleHasAPlantedSecretCase) {
  std::set<std::string> covered = {"private-key"};  // PrivateKeyBlockSpansLines
  for (const RuleCase& c : RuleCases()) covered.insert(c.rule);
  for (const auto& spec : internal::BuiltinSecretRules()) {
    EXPECT_TRUE(covered.count(std::string(spec.id))) << spec.id << " has no test case";
    EXPECT_FALSE(spec.keywords.empty()) << spec.id;
  }
}

TEST(SecretScannerTest, OrdinaryCodeHasNoSecrets) {
  SecretScanner scanner = Scanner();
  const std::string code =
      "import os\n"
      "api_key = os.environ[\"API_KEY\"]\n"
      "token = get_token(session)\n"
      "secret_key = settings.SECRET_KEY\n"
      "def authenticate(user, password):\n"
      "    return check_password(password, user.password_hash)\n"
      "keyfile: /etc/ssl/private/server.key\n"
      "auth_url: https://auth.example.com/oauth2/token\n"
      "  \"tokenizer_class\": \"PreTrainedTokenizerFast\",\n"
      "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n"
      "# See https://docs.aws.amazon.com for the ASIA region\n"
      "Author-email: nir36g@example.com\n"
      "DATA_LIB_KEY = \"com.github.fonttools.ufoLib2.lib.plist.data\"\n";
  EXPECT_TRUE(scanner.ScanFile("app/main.py", "", code).empty());
}

// Trivy has no generic rule, and gitleaks's generic-api-key wants 3.5 bits
// of entropy per character over 10+ characters: a placeholder or dictionary
// password is no finding, a generated one is.
TEST(SecretScannerTest, LowEntropyGenericAssignmentsAreNotReported) {
  SecretScanner scanner = Scanner();
  EXPECT_TRUE(scanner.ScanFile("a.env", "", "password = \"changeme\"\n").empty());
  EXPECT_TRUE(scanner.ScanFile("a.env", "", "password = \"password123\"\n").empty());
  EXPECT_TRUE(scanner.ScanFile("a.env", "", "api_token: aaaaaaaaaaaaaaaa1\n").empty());
  EXPECT_EQ(scanner.ScanFile("a.env", "", "password = \"Xk9mQ2vL7pR4tWz\"\n").size(), 1u);
}

TEST(SecretScannerTest, AwsDocumentationExampleKeysAreAllowed) {
  SecretScanner scanner = Scanner();
  EXPECT_TRUE(scanner
                  .ScanFile("README", "",
                            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
                  .empty());
}

TEST(SecretScannerTest, KeywordsMatchInAnyCase) {
  SecretScanner scanner = Scanner();
  const std::string secret =
      Token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 21);
  auto findings = scanner.ScanFile("x", "", "Aws_Secret_Access_Key: " + secret + "\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "aws-secret-access-key");
  findings = scanner.ScanFile("x", "", "DB_PASSWORD=" + Token(24) + "\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "generic-api-key");
}

TEST(SecretScannerTest, PrivateKeyBlockSpansLines) {
  SecretScanner scanner = Scanner();
  const std::string body1 =
      Token(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1);
  const std::string body2 =
      Token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 2);
  const std::string pem = "-----BEGIN RSA PRIVATE KEY-----\n" + body1 + "\n" + body2 +
                          "==\n-----END RSA PRIVATE KEY-----\n";
  auto findings = scanner.ScanFile("root/.ssh/id_rsa", "sha256:bb", "# key\n" + pem);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "private-key");
  EXPECT_EQ(findings[0].severity, Severity::kHigh);
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].match.find("-----BEGIN RSA PRIVATE KEY-----"), 0u) << findings[0].match;
  EXPECT_EQ(findings[0].match.find('\n'), std::string::npos);
  ExpectSecretHidden(findings, body1);
  ExpectSecretHidden(findings, body2);

  // A BEGIN line alone (code that writes PEM) or a block without END is none.
  EXPECT_TRUE(scanner.ScanFile("pem.py", "", "HEADER = '-----BEGIN PRIVATE KEY-----'\n").empty());
  EXPECT_TRUE(scanner.ScanFile("k", "", "-----BEGIN PRIVATE KEY-----\n" + body1 + "\n").empty());
}

TEST(SecretScannerTest, FindsEverySecretOfALineAndMasksThemAll) {
  SecretScanner scanner = Scanner();
  const std::string id = "AKIA" + Token(16, kUpperDigits, 4);
  const std::string key =
      Token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 8);
  const std::string a =
      "ghp_" + Token(36, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 12);
  const std::string b =
      "ghp_" + Token(36, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 13);
  auto findings = scanner.ScanFile(
      "env", "", "AWS_ACCESS_KEY_ID=" + id + " AWS_SECRET_ACCESS_KEY=" + key + "\n" + a + "," + b);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].id, "aws-access-key-id");
  EXPECT_EQ(findings[1].id, "aws-secret-access-key");
  EXPECT_EQ(findings[2].line, 2);
  EXPECT_EQ(findings[3].line, 2);
  for (const std::string& s : {id, key, a, b}) ExpectSecretHidden(findings, s);
}

TEST(SecretScannerTest, BinaryFilesGetOnlyTheTokenRules) {
  SecretScanner scanner = Scanner();
  const std::string token = "ghp_" + Token(36);
  std::string binary(
      "\x7f"
      "ELF\0\0\1",
      7);
  binary += "\nplain\n";
  binary += std::string("\0", 1) + token + std::string("\0", 1);
  binary += "password=" + Token(20) + std::string("\0", 1);
  binary += "-----BEGIN PRIVATE KEY-----\n" + Token(64) + "\n-----END PRIVATE KEY-----\n";
  auto findings = scanner.ScanFile("usr/bin/app", "", binary);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "github-pat");
  EXPECT_EQ(findings[0].line, 3);
  ExpectSecretHidden(findings, token);
}

TEST(SecretScannerTest, ConfigEnvLabelsAndHistory) {
  SecretScanner scanner = Scanner();
  const std::string id = "AKIA" + Token(16, kUpperDigits, 6);
  const std::string password =
      Token(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 17);
  const std::string ghp = "ghp_" + Token(36);
  const std::string hf =
      "hf_" + Token(34, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 19);
  oci::ImageConfig config;
  config.config.env = {"PATH=/usr/bin", "AWS_ACCESS_KEY_ID=" + id, "DB_PASSWORD=" + password,
                       "EMPTY_TOKEN="};
  config.config.labels = {{"org.example.token", hf}, {"version", "1.0"}};
  config.history = {{"", "FROM debian", "", true},
                    {"", "RUN |1 GITHUB_TOKEN=" + ghp + " /bin/sh -c make", "", false}};
  auto findings = scanner.ScanConfig(config);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].title, "AWS access key id in ENV AWS_ACCESS_KEY_ID");
  EXPECT_EQ(findings[1].title, "Generic secret assignment in ENV DB_PASSWORD");
  EXPECT_EQ(findings[2].title, "Hugging Face access token in LABEL org.example.token");
  EXPECT_EQ(findings[3].title, "GitHub personal access token in history step 2");
  for (const Finding& f : findings) {
    EXPECT_EQ(f.path, "");
    EXPECT_EQ(f.line, 0);
  }
  for (const std::string& s : {id, password, ghp, hf}) ExpectSecretHidden(findings, s);
}

TEST(SecretScannerTest, FingerprintFollowsTheRulesAndTheAllowlistAsLoaded) {
  auto fingerprint = [](std::string_view yaml) {
    auto scanner = SecretScanner::Create(yaml, "allowlist");
    EXPECT_TRUE(scanner.ok()) << scanner.status().message();
    return scanner.ok() ? scanner->Fingerprint() : std::string();
  };
  const std::string builtin = fingerprint("");
  EXPECT_EQ(builtin.size(), 64u);
  EXPECT_EQ(builtin, fingerprint(""));
  // The same allowlist written otherwise loads the same.
  EXPECT_EQ(fingerprint("disable-rules: [generic-api-key]\n"),
            fingerprint("disable-rules:\n  - generic-api-key\n"));
  std::set<std::string> seen = {builtin};
  for (std::string_view yaml :
       {"disable-rules: [generic-api-key]\n", "disable-rules: [aws-access-key-id]\n",
        "allow-rules:\n  - id: a\n    path: '^tmp/'\n",
        "allow-rules:\n  - id: a\n    path: '^srv/'\n",
        "allow-rules:\n  - id: a\n    regex: '^tmp/'\n",
        "allow-rules:\n  - id: b\n    path: '^tmp/'\n"}) {
    EXPECT_TRUE(seen.insert(fingerprint(yaml)).second) << yaml;
  }
}

TEST(SecretScannerTest, ShannonEntropyInBitsPerCharacter) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2);
}

}  // namespace
}  // namespace sluice::scan
