#include "policy/go_regexp.h"

#include <re2/re2.h>

#include <utility>

#include "policy/pattern_cache.h"
#include "policy/utf8.h"

namespace sluice::policy::internal {
namespace {

RE2::Options GoOptions() {
  RE2::Options opts;
  opts.set_log_errors(false);
  return opts;
}

// regexp/syntax's ErrorCode texts for RE2's codes.
std::string_view GoErrorText(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

PatternCache<GoRegexp>& Cache() {
  static PatternCache<GoRegexp> cache(100);
  return cache;
}

// The width of the rune at s[i] (1 for an invalid byte), as Go steps.
size_t RuneWidth(std::string_view s, size_t i) {
  char32_t r = 0;
  size_t w = DecodeUtf8(s, i, &r);
  return w == 0 ? 1 : w;
}

// Go's unicode.IsLetter / IsDigit approximated: ASCII letters and digits,
// and every non-ASCII byte (so that non-ASCII group names stay whole).
bool NameByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
         c == '_';
}

// Go (since 1.22) names groups as (?<name>...) too; this RE2 release only
// knows (?P<name>...). Rewrites the former outside classes and escapes.
std::string PythonNamedGroups(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += p.substr(i, 2);
      ++i;
      continue;
    }
    if (in_class) {
      if (p.substr(i).starts_with("[:")) {
        size_t end = p.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out += p.substr(i, end + 2 - i);
          i = end + 1;
          continue;
        }
      }
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      out += c;
      // A ']' first in a class is a member.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    } else if (p.substr(i).starts_with("(?<") && i + 3 < p.size() && p[i + 3] != '=' && p[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

GoRegexp::GoRegexp(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
GoRegexp::~GoRegexp() = default;

Result<std::shared_ptr<const GoRegexp>> GoRegexp::Compile(std::string_view pattern) {
  std::string key(pattern);
  if (std::shared_ptr<const GoRegexp> hit = Cache().Find(key)) return hit;
  auto re = std::make_unique<RE2>(PythonNamedGroups(pattern), GoOptions());
  if (!re->ok()) {
    return Status::InvalidArgument("error parsing regexp: " + std::string(GoErrorText(re->error_code())) +
                                   ": `" + re->error_arg() + "`");
  }
  auto compiled = std::make_shared<const GoRegexp>(std::move(re));
  Cache().Insert(key, compiled);
  return compiled;
}

bool GoRegexp::IsValid(std::string_view pattern) {
  return RE2(PythonNamedGroups(pattern), GoOptions()).ok();
}

bool GoRegexp::MatchString(std::string_view s) const {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re_);
}

GoRegexp::Indices GoRegexp::MatchAt(std::string_view s, size_t pos) const {
  int groups = re_->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups));
  re2::StringPiece text(s.data(), s.size());
  if (!re_->Match(text, pos, s.size(), RE2::UNANCHORED, sub.data(), groups)) return {};
  Indices out;
  out.reserve(sub.size() * 2);
  for (const re2::StringPiece& g : sub) {
    if (g.data() == nullptr) {
      out.push_back(-1);
      out.push_back(-1);
    } else {
      out.push_back(g.data() - s.data());
      out.push_back(g.data() - s.data() + static_cast<ptrdiff_t>(g.size()));
    }
  }
  return out;
}

std::vector<GoRegexp::Indices> GoRegexp::FindAll(std::string_view s, long long n) const {
  std::vector<Indices> out;
  ptrdiff_t prev_end = -1;
  for (size_t pos = 0; (n < 0 || static_cast<long long>(out.size()) < n) && pos <= s.size();) {
    Indices m = MatchAt(s, pos);
    if (m.empty()) break;
    bool accept = true;
    if (m[1] == static_cast<ptrdiff_t>(pos)) {
      // An empty match: not right where the previous match ended; step a rune.
      if (m[0] == prev_end) accept = false;
      pos += pos < s.size() ? RuneWidth(s, pos) : 1;
    } else {
      pos = static_cast<size_t>(m[1]);
    }
    prev_end = m[1];
    if (accept) out.push_back(std::move(m));
  }
  return out;
}

std::string GoRegexp::ReplaceAll(std::string_view s, std::string_view repl) const {
  std::string out;
  size_t last_end = 0;
  for (size_t pos = 0; pos <= s.size();) {
    Indices m = MatchAt(s, pos);
    if (m.empty()) break;
    auto begin = static_cast<size_t>(m[0]), end = static_cast<size_t>(m[1]);
    out.append(s.substr(last_end, begin - last_end));
    // No replacement for an empty match right after the previous match.
    if (end > last_end || begin == 0) Expand(out, repl, s, m);
    last_end = end;
    size_t width = pos < s.size() ? RuneWidth(s, pos) : 1;
    pos = pos + width > end ? pos + width : end;
  }
  out.append(s.substr(last_end));
  return out;
}

std::vector<std::string_view> GoRegexp::Split(std::string_view s) const {
  if (s.empty()) {
    if (re_->pattern().empty()) return {};
    return {s};
  }
  std::vector<std::string_view> out;
  size_t begin = 0, end = 0;
  for (const Indices& m : FindAll(s, -1)) {
    end = static_cast<size_t>(m[0]);
    if (m[1] != 0) out.push_back(s.substr(begin, end - begin));
    begin = static_cast<size_t>(m[1]);
  }
  if (end != s.size()) out.push_back(s.substr(begin));
  return out;
}

void GoRegexp::Expand(std::string& out, std::string_view tmpl, std::string_view s,
                      const Indices& m) const {
  auto group = [&](int k) {
    size_t at = static_cast<size_t>(k) * 2;
    if (k >= 0 && at + 1 < m.size() && m[at] >= 0) {
      out.append(s.substr(static_cast<size_t>(m[at]), static_cast<size_t>(m[at + 1] - m[at])));
    }
  };
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    // $name, ${name}; anything else leaves the `$` as text.
    bool brace = !tmpl.empty() && tmpl[0] == '{';
    size_t i = brace ? 1 : 0;
    size_t start = i;
    while (i < tmpl.size() && NameByte(tmpl[i])) ++i;
    std::string_view name = tmpl.substr(start, i - start);
    if (name.empty() || (brace && (i >= tmpl.size() || tmpl[i] != '}'))) {
      out += '$';
      continue;
    }
    tmpl.remove_prefix(brace ? i + 1 : i);
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    if (num >= 0) {
      group(num);
      continue;
    }
    const std::map<std::string, int>& named = re_->NamedCapturingGroups();
    auto it = named.find(std::string(name));
    if (it != named.end()) group(it->second);
  }
  out.append(tmpl);
}

std::string RegexpQuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace sluice::policy::internal
