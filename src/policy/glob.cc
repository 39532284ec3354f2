#include "policy/glob.h"

#include <re2/re2.h>

#include <cstdio>
#include <utility>
#include <vector>

#include "policy/utf8.h"

namespace sluice::policy::internal {

std::u32string Runes(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t r = 0;
    size_t width = DecodeUtf8(s, i, &r);
    out += width == 0 ? U'\uFFFD' : r;
    i += width == 0 ? 1 : width;
  }
  return out;
}

namespace {

struct Node;
using Seq = std::vector<Node>;

struct Node {
  enum class Type { kText, kAny, kSuper, kSingle, kList, kRange, kAlternatives };
  Type type = Type::kText;
  std::u32string chars;  // kText: the runes; kList: the members; kRange: lo, hi
  bool negated = false;  // kList, kRange
  std::vector<Seq> alternatives;
};

// A recursive-descent reader of gobwas's grammar over runes.
class Parser {
 public:
  explicit Parser(std::u32string_view p) : p_(p) {}

  Result<Seq> ParseAll() {
    Seq seq = ParseSeq(false);
    if (!error_.empty()) return Status::InvalidArgument(error_);
    return seq;
  }

 private:
  bool AtEnd() const { return i_ >= p_.size(); }

  // Text up to the next breaker; `\` takes the following rune literally.
  std::u32string Text(std::u32string_view breakers) {
    std::u32string out;
    while (!AtEnd()) {
      char32_t r = p_[i_];
      if (r == U'\\') {
        ++i_;
        if (!AtEnd()) out += p_[i_++];
        continue;
      }
      if (breakers.find(r) != std::u32string_view::npos) break;
      out += r;
      ++i_;
    }
    return out;
  }

  Seq ParseSeq(bool in_terms) {
    Seq seq;
    while (!AtEnd() && error_.empty()) {
      char32_t r = p_[i_];
      if (in_terms && (r == U',' || r == U'}')) break;
      Node n;
      if (r == U'*') {
        ++i_;
        n.type = Node::Type::kAny;
        if (!AtEnd() && p_[i_] == U'*') {
          ++i_;
          n.type = Node::Type::kSuper;
        }
      } else if (r == U'?') {
        ++i_;
        n.type = Node::Type::kSingle;
      } else if (r == U'[') {
        ++i_;
        n = ParseClass();
      } else if (r == U'{') {
        ++i_;
        n = ParseAlternatives();
      } else {
        n.chars = Text(in_terms ? std::u32string_view(U"?*[{},") : std::u32string_view(U"?*[{"));
      }
      seq.push_back(std::move(n));
    }
    return seq;
  }

  // After `[`: `!`? then either `lo-hi` or a list, then `]`.
  Node ParseClass() {
    Node n;
    n.type = Node::Type::kList;
    if (!AtEnd() && p_[i_] == U'!') {
      n.negated = true;
      ++i_;
    }
    if (i_ + 1 < p_.size() && p_[i_ + 1] == U'-') {
      if (i_ + 2 >= p_.size()) return Fail("unexpected end of input");
      n.type = Node::Type::kRange;
      n.chars = {p_[i_], p_[i_ + 2]};
      i_ += 3;
    } else {
      n.chars = Text(U"]");
    }
    if (AtEnd()) return Fail("unexpected end of input");
    if (p_[i_] != U']') return Fail("expected close range character");
    ++i_;
    return n;
  }

  // After `{`: sequences separated by `,` up to `}`.
  Node ParseAlternatives() {
    Node n;
    n.type = Node::Type::kAlternatives;
    while (true) {
      n.alternatives.push_back(ParseSeq(true));
      if (!error_.empty()) return n;
      if (AtEnd()) return Fail("unexpected end of input");
      if (p_[i_++] == U'}') return n;
    }
  }

  Node Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return {};
  }

  std::u32string_view p_;
  size_t i_ = 0;
  std::string error_;
};

// "\x{41}": a rune written so that no character is special.
std::string RuneEscape(char32_t r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x{%X}", static_cast<unsigned>(r));
  return buf;
}

// The RE2 expression for a sequence: `*` and `?` stop at separators, lists
// and ranges do not.
void Translate(const Seq& seq, std::u32string_view separators, std::string& out) {
  std::string not_separator = "[^";
  for (char32_t r : separators) not_separator += RuneEscape(r);
  not_separator += "]";
  if (separators.empty()) not_separator = ".";
  for (const Node& n : seq) {
    switch (n.type) {
      case Node::Type::kText: {
        std::string text;
        for (char32_t r : n.chars) AppendUtf8(text, r);
        out += RE2::QuoteMeta(text);
        break;
      }
      case Node::Type::kAny:
        out += not_separator + "*";
        break;
      case Node::Type::kSuper:
        out += ".*";
        break;
      case Node::Type::kSingle:
        out += not_separator;
        break;
      case Node::Type::kList:
      case Node::Type::kRange: {
        std::string members;
        if (n.type == Node::Type::kList) {
          for (char32_t r : n.chars) members += RuneEscape(r);
        } else if (n.chars[0] <= n.chars[1]) {
          members = RuneEscape(n.chars[0]) + "-" + RuneEscape(n.chars[1]);
        }
        // A class with no members matches nothing; negated, any rune.
        if (members.empty()) {
          out += n.negated ? "." : "[^\\x{0}-\\x{10FFFF}]";
        } else {
          out += (n.negated ? "[^" : "[") + members + "]";
        }
        break;
      }
      case Node::Type::kAlternatives:
        out += "(?:";
        for (size_t i = 0; i < n.alternatives.size(); ++i) {
          if (i > 0) out += "|";
          Translate(n.alternatives[i], separators, out);
        }
        out += ")";
        break;
    }
  }
}

}  // namespace

Result<Glob> Glob::Compile(std::string_view pattern, std::u32string_view separators) {
  std::u32string runes = Runes(pattern);
  Result<Seq> seq = Parser(runes).ParseAll();
  if (!seq.ok()) return seq.status();
  std::string expr = "(?s)";
  Translate(*seq, separators, expr);
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(expr, opts);
  if (!re->ok()) return Status::Internal("glob: " + re->error());
  Glob g;
  g.re_ = std::move(re);
  return g;
}

bool Glob::Match(std::string_view subject) const {
  // Invalid UTF-8 matches as U+FFFD, as gobwas reads runes.
  for (size_t i = 0; i < subject.size();) {
    char32_t r = 0;
    size_t width = DecodeUtf8(subject, i, &r);
    if (width == 0) {
      std::string valid;
      for (char32_t c : Runes(subject)) AppendUtf8(valid, c);
      return RE2::FullMatch(valid, *re_);
    }
    i += width;
  }
  return RE2::FullMatch(re2::StringPiece(subject.data(), subject.size()), *re_);
}

std::string GlobQuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("*?\\[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace sluice::policy::internal
