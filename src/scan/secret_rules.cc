// The built-in rules. The regexes are our own, written after the shapes
// Trivy (pkg/fanal/secret/builtin-rules.go) and gitleaks (config/gitleaks.toml)
// document; ids follow Trivy where it has the rule, gitleaks otherwise.
#include "scan/secret_rules.h"

namespace sluice::scan::internal {

namespace {

std::vector<SecretRuleSpec> MakeRules() {
  std::vector<SecretRuleSpec> rules;
  rules.push_back({
      .id = "aws-access-key-id",
      .title = "AWS access key id",
      .severity = Severity::kCritical,
      // Not inside a longer run of letters and digits.
      .regex = "(?:^|[^0-9A-Za-z])"
               "(?P<secret>(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16})"
               "(?:[^0-9A-Za-z]|$)",
      .keywords = {"a3t", "akia", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "asia"},
      // AWS documents AKIAIOSFODNN7EXAMPLE; gitleaks allows `.+EXAMPLE$`.
      .allow_secret = "EXAMPLE$",
  });
  rules.push_back({
      .id = "aws-secret-access-key",
      .title = "AWS secret access key",
      .severity = Severity::kCritical,
      .regex =
          R"re((?i)(?:^|[^0-9a-z])["']?aws_?(?:sec(?:ret)?)?_?(?:access)?_?key["']?\s{0,50}(?::=|=>|:|=)\s{0,50}["']?(?P<secret>[A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$))re",
      .keywords = {"aws"},
      // wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, AWS's documented example.
      .allow_secret = "EXAMPLEKEY$",
  });
  rules.push_back({
      .id = "github-pat",
      .title = "GitHub personal access token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>ghp_[0-9A-Za-z]{36})",
      .keywords = {"ghp_"},
  });
  rules.push_back({
      .id = "github-oauth",
      .title = "GitHub OAuth access token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>gho_[0-9A-Za-z]{36})",
      .keywords = {"gho_"},
  });
  rules.push_back({
      .id = "github-app-token",
      .title = "GitHub app token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>(?:ghu|ghs)_[0-9A-Za-z]{36})",
      .keywords = {"ghu_", "ghs_"},
  });
  rules.push_back({
      .id = "github-refresh-token",
      .title = "GitHub refresh token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>ghr_[0-9A-Za-z]{76})",
      .keywords = {"ghr_"},
  });
  rules.push_back({
      .id = "github-fine-grained-pat",
      .title = "GitHub fine-grained personal access token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})",
      .keywords = {"github_pat_"},
  });
  rules.push_back({
      .id = "gitlab-pat",
      .title = "GitLab personal access token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>glpat-[0-9A-Za-z_-]{20})",
      .keywords = {"glpat-"},
  });
  rules.push_back({
      .id = "huggingface-token",
      .title = "Hugging Face access token",
      .severity = Severity::kCritical,
      .regex = "(?:^|[^0-9A-Za-z_])(?P<secret>hf_[0-9A-Za-z]{34,40})(?:[^0-9A-Za-z_]|$)",
      .keywords = {"hf_"},
  });
  rules.push_back({
      .id = "slack-access-token",
      .title = "Slack token",
      .severity = Severity::kHigh,
      .regex = "(?P<secret>xox[abprs]-[0-9A-Za-z-]{10,250})",
      .keywords = {"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"},
  });
  rules.push_back({
      .id = "slack-web-hook",
      .title = "Slack webhook URL",
      .severity = Severity::kHigh,
      .regex = R"re(https://hooks\.slack\.com/services/(?P<secret>[0-9A-Za-z+/]{40,60}))re",
      .keywords = {"hooks.slack.com"},
  });
  rules.push_back({
      .id = "stripe-secret-token",
      .title = "Stripe secret key",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>(?:sk|rk)_(?:test|live|prod)_[0-9A-Za-z]{10,99})(?:[^0-9A-Za-z]|$)",
      .keywords = {"sk_test_", "sk_live_", "sk_prod_", "rk_test_", "rk_live_", "rk_prod_"},
  });
  rules.push_back({
      .id = "pypi-upload-token",
      .title = "PyPI upload token",
      .severity = Severity::kCritical,
      .regex = "(?P<secret>pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,})",
      .keywords = {"pypi-ageichlwas5vcmc"},
  });
  rules.push_back({
      .id = "private-key",
      .title = "Private key",
      .severity = Severity::kHigh,
      // The base64 body (with PEM headers such as Proc-Type/DEK-Info) up to
      // the first END line; at least 32 characters, so a lone BEGIN line in
      // code that writes PEM is no finding.
      .regex =
          R"re(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\s*(?P<secret>[0-9A-Za-z+/=\s:,.-]{32,}?)\s*-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)re",
      .keywords = {"private key"},
      .multiline = true,
      .start_line = "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
      // Libraries carry self-test keys (libgnutls30 has a dozen): in
      // binaries these are noise, as Trivy, which skips binaries, agrees.
      .text_only = true,
  });
  rules.push_back({
      .id = "generic-api-key",
      .title = "Generic secret assignment",
      .severity = Severity::kMedium,
      // A name holding a secret word (up to 20 name characters around it),
      // an assignment, then a 10-150 character value that starts with a
      // letter or digit (so paths and URLs do not read as values).
      .regex =
          R"re((?i)(?:^|[^0-9a-z])[0-9a-z_.-]{0,20}(?:access|auth|api|credential|creds|key|passwd|password|secret|token)[0-9a-z_.-]{0,20}["']?\s{0,5}(?::=|=>|:|=)\s{0,5}["']?(?P<secret>[0-9a-z][0-9a-z_./+=~@!$%^&*-]{9,149})(?:["'\s;,]|$))re",
      .keywords = {"access", "auth", "api", "credential", "creds", "key", "passw", "secret",
                   "token"},
      .min_entropy = 3.5,
      // An e-mail address (Author-email: ...) or a dotted name
      // (com.github.fonttools.ufoLib2.lib) is no secret; JWTs, whose parts
      // are longer than 20 characters, still are.
      .allow_secret =
          R"re((?i)^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$|^[a-z][a-z0-9_-]{0,19}(?:\.[a-z0-9_-]{1,20}){2,}$)re",
      .allow_match = "(?i)gpg|fingerprint|public|pub_?key|checksum|sha(?:1|256|512)",
      .require_digit = true,
      .text_only = true,
      .generic = true,
  });
  return rules;
}

}  // namespace

const std::vector<SecretRuleSpec>& BuiltinSecretRules() {
  static const std::vector<SecretRuleSpec>* rules = new std::vector<SecretRuleSpec>(MakeRules());
  return *rules;
}

}  // namespace sluice::scan::internal
