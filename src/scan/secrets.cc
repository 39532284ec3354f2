#include "scan/secrets.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

#include "common/hash.h"
#include "scan/secret_allowlist.h"
#include "scan/secret_match.h"

namespace sluice::scan {

namespace {

// Bump when what ScanFile finds changes without the rules' data changing
// (the matching or masking code): it is part of Fingerprint().
constexpr int kMatchingVersion = 1;

constexpr std::string_view kAdvice =
    "Revoke or rotate this secret, then remove it from the image: deleting it in a later "
    "layer leaves it in the layer that added it. Pass secrets at run time or with a build "
    "secret mount (RUN --mount=type=secret).";

// Appends `text` length-prefixed, so that no two field lists hash alike.
void AddField(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

}  // namespace

struct SecretScanner::Impl {
  std::unique_ptr<internal::SecretMatcher> matcher;
  internal::SecretAllowlist allowlist;

  // The findings in `text`. `where` names a config field ("ENV TOKEN"):
  // then the title says it and the finding has no line.
  std::vector<Finding> Scan(std::string_view path, std::string_view layer_digest,
                            std::string_view text, bool binary, std::string_view where) const {
    std::vector<Finding> out;
    const std::vector<internal::SecretHit> hits = matcher->Find(text, binary);
    for (const internal::SecretHit& hit : hits) {
      if (!hit.report) continue;
      const std::string_view secret =
          text.substr(hit.secret_begin, hit.secret_end - hit.secret_begin);
      if (allowlist.Allows(path, secret)) continue;
      const internal::SecretRuleSpec& spec = *matcher->rules()[hit.rule].spec;
      Finding f;
      f.kind = FindingKind::kSecret;
      f.id = spec.id;
      f.severity = spec.severity;
      f.title = std::string(spec.title);
      if (!where.empty()) f.title += " in " + std::string(where);
      f.description = std::string(kAdvice);
      f.path = std::string(path);
      f.layer_digest = std::string(layer_digest);
      f.line = where.empty() ? hit.line : 0;
      f.match = internal::SecretMatcher::MaskedMatch(text, hit, hits);
      out.push_back(std::move(f));
    }
    return out;
  }
};

Result<SecretScanner> SecretScanner::Create(std::string_view allowlist_yaml,
                                            std::string_view allowlist_name) {
  std::set<std::string> known;
  for (const auto& spec : internal::BuiltinSecretRules()) known.emplace(spec.id);
  auto impl = std::make_unique<Impl>();
  SLUICE_ASSIGN_OR_RETURN(impl->allowlist,
                          internal::ParseSecretAllowlist(allowlist_yaml, allowlist_name, known));
  SLUICE_ASSIGN_OR_RETURN(impl->matcher,
                          internal::SecretMatcher::Create(impl->allowlist.disabled_rules));
  return SecretScanner(std::move(impl));
}

SecretScanner::SecretScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretScanner::SecretScanner(SecretScanner&&) noexcept = default;
SecretScanner& SecretScanner::operator=(SecretScanner&&) noexcept = default;
SecretScanner::~SecretScanner() = default;

std::vector<Finding> SecretScanner::ScanFile(std::string_view path, std::string_view layer_digest,
                                             std::string_view contents) const {
  return impl_->Scan(path, layer_digest, contents, internal::LooksBinary(contents), "");
}

std::vector<Finding> SecretScanner::ScanConfig(const oci::ImageConfig& config) const {
  std::vector<Finding> out;
  auto add = [&](std::string_view text, const std::string& where) {
    for (Finding& f : impl_->Scan("", "", text, false, where)) out.push_back(std::move(f));
  };
  for (const std::string& env : config.config.env) {
    const size_t eq = env.find('=');
    if (eq == std::string::npos || eq + 1 == env.size()) continue;  // no value, no secret
    // The whole KEY=value: the generic rule needs the name, the others
    // find their token in the value.
    add(env, "ENV " + env.substr(0, eq));
  }
  for (const auto& [key, value] : config.config.labels) {
    if (value.empty()) continue;
    add(key + "=" + value, "LABEL " + key);
  }
  for (size_t i = 0; i < config.history.size(); ++i) {
    add(config.history[i].created_by, "history step " + std::to_string(i + 1));
  }
  return out;
}

std::string SecretScanner::Fingerprint() const {
  std::string text = "sluice secret scanner " + std::to_string(kMatchingVersion) + "\n";
  AddField(text, kAdvice);
  AddField(text, std::to_string(internal::kMultilineWindow));
  AddField(text, std::to_string(internal::kBinarySniffBytes));
  AddField(text, std::to_string(internal::SecretMatcher::kContext));
  for (const internal::CompiledSecretRule& rule : impl_->matcher->rules()) {
    const internal::SecretRuleSpec& spec = *rule.spec;
    text += "\nrule ";
    for (std::string_view field :
         {spec.id, spec.title, spec.regex, spec.allow_secret, spec.allow_match, spec.start_line}) {
      AddField(text, field);
    }
    for (std::string_view keyword : spec.keywords) AddField(text, keyword);
    AddField(text, SeverityName(spec.severity));
    char flags[96];
    std::snprintf(flags, sizeof flags, "%.17g %d%d%d%d", spec.min_entropy, spec.require_digit,
                  spec.multiline, spec.text_only, spec.generic);
    AddField(text, flags);
  }
  for (const std::string& id : impl_->allowlist.disabled_rules) {
    text += "\ndisabled ";
    AddField(text, id);
  }
  for (const internal::AllowRule& allow : impl_->allowlist.allow_rules) {
    text += "\nallow ";
    AddField(text, allow.id);
    AddField(text, allow.path ? "path " + allow.path->pattern() : "");
    AddField(text, allow.secret ? "secret " + allow.secret->pattern() : "");
  }
  return Sha256Hex(text);
}

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0;
  const double n = static_cast<double>(text.size());
  for (size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / n;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

}  // namespace sluice::scan
