#include "scan/secret_match.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "scan/secrets.h"

namespace sluice::scan::internal {

namespace {

bool EndsLine(char c) { return c == '\n' || c == '\0'; }

bool HasLetterAndDigit(std::string_view s) {
  bool letter = false, digit = false;
  for (unsigned char c : s) {
    letter = letter || std::isalpha(c);
    digit = digit || std::isdigit(c);
  }
  return letter && digit;
}

Result<std::unique_ptr<RE2>> Compile(std::string_view pattern, std::string_view rule,
                                     const RE2::Options& options) {
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    // The rules are ours: a rejected one is a bug, not bad input.
    return Status::Internal("secret rule " + std::string(rule) + ": " + re->error());
  }
  return re;
}

// Length of the valid UTF-8 sequence at s[i], 0 when there is none.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// One line, control bytes and broken UTF-8 replaced, trimmed.
std::string Printable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += '.';
    } else if (c >= 0x80) {
      size_t n = Utf8Length(s, i);
      if (n == 0) {
        out += '.';
      } else {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return out.substr(b, out.find_last_not_of(' ') + 1 - b);
}

}  // namespace

bool LooksBinary(std::string_view contents) {
  return contents.substr(0, kBinarySniffBytes).find('\0') != std::string_view::npos;
}

std::string MaskSecret(std::string_view secret) {
  const size_t shown = std::min<size_t>(4, secret.size() / 4);
  return std::string(secret.substr(0, shown)) + "****";
}

Result<std::unique_ptr<SecretMatcher>> SecretMatcher::Create(
    const std::set<std::string>& disabled) {
  std::unique_ptr<SecretMatcher> m(new SecretMatcher());
  RE2::Options rule_options;
  rule_options.set_log_errors(false);
  std::map<std::string, std::vector<size_t>> rules_of_keyword;
  for (const SecretRuleSpec& spec : BuiltinSecretRules()) {
    if (disabled.count(std::string(spec.id))) continue;
    CompiledSecretRule rule;
    rule.spec = &spec;
    SLUICE_ASSIGN_OR_RETURN(rule.regex, Compile(spec.regex, spec.id, rule_options));
    auto group = rule.regex->NamedCapturingGroups().find("secret");
    if (group == rule.regex->NamedCapturingGroups().end()) {
      return Status::Internal("secret rule " + std::string(spec.id) + ": no (?P<secret>) group");
    }
    rule.secret_group = group->second;
    if (!spec.allow_secret.empty()) {
      SLUICE_ASSIGN_OR_RETURN(rule.allow_secret, Compile(spec.allow_secret, spec.id, rule_options));
    }
    if (!spec.allow_match.empty()) {
      SLUICE_ASSIGN_OR_RETURN(rule.allow_match, Compile(spec.allow_match, spec.id, rule_options));
    }
    if (!spec.start_line.empty()) {
      SLUICE_ASSIGN_OR_RETURN(rule.start_line, Compile(spec.start_line, spec.id, rule_options));
    }
    for (std::string_view k : spec.keywords)
      rules_of_keyword[std::string(k)].push_back(m->rules_.size());
    m->rules_.push_back(std::move(rule));
  }
  if (m->rules_.empty()) return m;

  // Keywords are literals matched byte-wise: Latin-1 spares the UTF-8
  // decoding, and binary data need not be valid UTF-8.
  RE2::Options keyword_options;
  keyword_options.set_encoding(RE2::Options::EncodingLatin1);
  keyword_options.set_case_sensitive(false);
  keyword_options.set_never_capture(true);
  keyword_options.set_log_errors(false);
  m->keyword_set_ = std::make_unique<RE2::Set>(keyword_options, RE2::UNANCHORED);
  std::string any;
  for (const auto& [keyword, rules] : rules_of_keyword) {
    const std::string quoted = RE2::QuoteMeta(keyword);
    any += (any.empty() ? "" : "|") + quoted;
    if (m->keyword_set_->Add(quoted, nullptr) < 0) {
      return Status::Internal("secret keyword " + keyword + " does not compile");
    }
    m->keyword_rules_.push_back(rules);
  }
  if (!m->keyword_set_->Compile()) return Status::Internal("secret keywords do not compile");
  SLUICE_ASSIGN_OR_RETURN(m->any_keyword_, Compile(any, "keywords", keyword_options));
  return m;
}

std::vector<SecretHit> SecretMatcher::Find(std::string_view text, bool binary) const {
  std::vector<SecretHit> hits;
  if (rules_.empty()) return hits;
  const re2::StringPiece whole(text.data(), text.size());
  re2::StringPiece keyword;
  size_t pos = 0;      // always the start of a line
  size_t counted = 0;  // '\n' before this offset are counted in `line`
  int line = 1;
  while (pos < text.size() &&
         any_keyword_->Match(whole, pos, text.size(), RE2::UNANCHORED, &keyword, 1)) {
    size_t begin = static_cast<size_t>(keyword.data() - text.data());
    while (begin > pos && !EndsLine(text[begin - 1])) --begin;
    size_t end = begin;
    while (end < text.size() && !EndsLine(text[end])) ++end;
    line += static_cast<int>(std::count(text.begin() + counted, text.begin() + begin, '\n'));
    counted = begin;
    FindInLine(text, begin, end, line, binary, hits);
    pos = end + 1;
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SecretHit& a, const SecretHit& b) {
    return a.match_begin < b.match_begin;
  });
  // The generic rule yields to a specific rule that found the same secret:
  // the specific secrets sorted by start, with the furthest end so far, say
  // at once whether any of them overlaps a generic one.
  std::vector<std::pair<size_t, size_t>> specific;  // (begin, end)
  for (const SecretHit& h : hits) {
    if (!rules_[h.rule].spec->generic) specific.emplace_back(h.secret_begin, h.secret_end);
  }
  std::sort(specific.begin(), specific.end());
  std::vector<size_t> furthest_end(specific.size());
  for (size_t i = 0; i < specific.size(); ++i) {
    furthest_end[i] = std::max(specific[i].second, i > 0 ? furthest_end[i - 1] : 0);
  }
  for (SecretHit& g : hits) {
    if (!rules_[g.rule].spec->generic) continue;
    // The specific secrets starting before g's end; one overlaps g when
    // any of them ends after g's start.
    size_t n = static_cast<size_t>(std::lower_bound(specific.begin(), specific.end(),
                                                    std::make_pair(g.secret_end, size_t{0})) -
                                   specific.begin());
    if (n > 0 && furthest_end[n - 1] > g.secret_begin) g.report = false;
  }
  return hits;
}

void SecretMatcher::FindInLine(std::string_view text, size_t begin, size_t end, int line,
                               bool binary, std::vector<SecretHit>& hits) const {
  const re2::StringPiece line_text(text.data() + begin, end - begin);
  std::vector<int> keywords;
  keyword_set_->Match(line_text, &keywords);
  std::vector<bool> run(rules_.size(), false);
  for (int k : keywords) {
    for (size_t r : keyword_rules_[static_cast<size_t>(k)]) run[r] = true;
  }
  for (size_t r = 0; r < rules_.size(); ++r) {
    const CompiledSecretRule& rule = rules_[r];
    const SecretRuleSpec& spec = *rule.spec;
    if (!run[r] || (binary && spec.text_only)) continue;
    if (rule.start_line && !RE2::PartialMatch(line_text, *rule.start_line)) continue;
    const size_t limit = spec.multiline ? std::min(text.size(), begin + kMultilineWindow) : end;
    const re2::StringPiece subject(text.data() + begin, limit - begin);
    const int ngroups = rule.regex->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
    size_t p = 0;
    while (p < subject.size() &&
           rule.regex->Match(subject, p, subject.size(), RE2::UNANCHORED, groups.data(), ngroups)) {
      const size_t mb = static_cast<size_t>(groups[0].data() - subject.data());
      const size_t me = mb + groups[0].size();
      // A multi-line match starting on a later line is found from that line.
      if (begin + mb >= end) break;
      const re2::StringPiece secret = groups[static_cast<size_t>(rule.secret_group)];
      if (secret.data() == nullptr || secret.empty()) {
        p = std::max(me, p + 1);
        continue;
      }
      const size_t sb = static_cast<size_t>(secret.data() - subject.data());
      const size_t se = sb + secret.size();
      // The next match may start at the boundary character this one ended on.
      p = std::max(se, mb + 1);
      std::string_view secret_view(secret.data(), secret.size());
      if (spec.min_entropy > 0 && ShannonEntropy(secret_view) < spec.min_entropy) continue;
      if (spec.require_digit && !HasLetterAndDigit(secret_view)) continue;
      SecretHit hit{r, begin + sb, begin + se, begin + mb, begin + me, line, true};
      if ((rule.allow_secret && RE2::PartialMatch(secret, *rule.allow_secret)) ||
          (rule.allow_match && RE2::PartialMatch(groups[0], *rule.allow_match))) {
        hit.report = false;
      }
      hits.push_back(hit);
    }
  }
}

std::string SecretMatcher::MaskedMatch(std::string_view text, const SecretHit& hit,
                                       const std::vector<SecretHit>& all) {
  size_t ws = hit.match_begin;
  while (ws > 0 && hit.match_begin - ws < kContext && !EndsLine(text[ws - 1])) --ws;
  size_t we = hit.match_end;
  while (we < text.size() && we - hit.match_end < kContext && !EndsLine(text[we])) ++we;
  // The secret spans in view, merged where they overlap. `all` is sorted by
  // match_begin and no match is longer than the multi-line window, so only
  // the hits starting from that far before the view can reach into it.
  std::vector<std::pair<size_t, size_t>> spans;
  const size_t reach = ws > kMultilineWindow ? ws - kMultilineWindow : 0;
  auto first = std::lower_bound(all.begin(), all.end(), reach,
                                [](const SecretHit& h, size_t at) { return h.match_begin < at; });
  for (auto h = first; h != all.end() && h->match_begin < we; ++h) {
    if (h->secret_begin < we && ws < h->secret_end) {
      spans.emplace_back(h->secret_begin, h->secret_end);
    }
  }
  // The same secret written again in view, where no rule matched it, is
  // masked too: the context must not show what the mask hides.
  std::string_view window = text.substr(ws, we - ws);
  for (size_t k = 0, hits_in_view = spans.size(); k < hits_in_view; ++k) {
    std::string_view secret = text.substr(spans[k].first, spans[k].second - spans[k].first);
    if (secret.size() < 4) continue;
    for (size_t at = window.find(secret); at != std::string_view::npos;
         at = window.find(secret, at + 1)) {
      spans.emplace_back(ws + at, ws + at + secret.size());
    }
  }
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t i = ws;
  for (size_t s = 0; s < spans.size();) {
    size_t sb = spans[s].first, se = spans[s].second;
    for (++s; s < spans.size() && spans[s].first < se; ++s) se = std::max(se, spans[s].second);
    if (sb > i) out += text.substr(i, sb - i);
    out += sb < ws ? std::string("****") : MaskSecret(text.substr(sb, se - sb));
    i = std::max(i, se);
  }
  if (i < we) out += text.substr(i, we - i);
  return Printable(out);
}

}  // namespace sluice::scan::internal
