#include "policy/glob.h"

#include <utility>

#include "policy/utf8.h"

namespace sluice::policy::internal {

struct Glob::Node {
  enum class Type { kText, kAny, kSuper, kSingle, kList, kRange, kAlternatives };
  Type type = Type::kText;
  std::u32string chars;  // kText: the runes; kList: the members; kRange: lo, hi
  bool negated = false;  // kList, kRange
  std::vector<Seq> alternatives;
};

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

using Node = Glob::Node;
using Seq = Glob::Seq;

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

// The rest of the pattern to match after the current node: a stack of
// partly matched sequences (alternatives push one).
struct Frame {
  const Seq* seq;
  size_t index;
  const Frame* next;
};

class Matcher {
 public:
  Matcher(std::u32string_view subject, std::u32string_view separators)
      : s_(subject), separators_(separators) {}

  bool Match(const Frame* f, size_t pos) const {
    while (f != nullptr && f->index == f->seq->size()) f = f->next;
    if (f == nullptr) return pos == s_.size();
    const Node& n = (*f->seq)[f->index];
    Frame rest{f->seq, f->index + 1, f->next};
    switch (n.type) {
      case Node::Type::kText:
        return s_.substr(pos).starts_with(n.chars) && Match(&rest, pos + n.chars.size());
      case Node::Type::kSingle:
        return pos < s_.size() && !IsSeparator(s_[pos]) && Match(&rest, pos + 1);
      case Node::Type::kList:
        return pos < s_.size() && (n.chars.find(s_[pos]) != std::u32string::npos) != n.negated &&
               Match(&rest, pos + 1);
      case Node::Type::kRange:
        return pos < s_.size() && (s_[pos] >= n.chars[0] && s_[pos] <= n.chars[1]) != n.negated &&
               Match(&rest, pos + 1);
      case Node::Type::kAny:
      case Node::Type::kSuper:
        for (size_t k = pos;; ++k) {
          if (Match(&rest, k)) return true;
          if (k == s_.size() || (n.type == Node::Type::kAny && IsSeparator(s_[k]))) return false;
        }
      case Node::Type::kAlternatives:
        for (const Seq& alt : n.alternatives) {
          Frame inner{&alt, 0, &rest};
          if (Match(&inner, pos)) return true;
        }
        return false;
    }
    return false;
  }

 private:
  bool IsSeparator(char32_t r) const { return separators_.find(r) != std::u32string_view::npos; }

  std::u32string_view s_;
  std::u32string_view separators_;
};

}  // namespace

Result<Glob> Glob::Compile(std::string_view pattern, std::u32string separators) {
  std::u32string runes = Runes(pattern);
  Result<Seq> seq = Parser(runes).ParseAll();
  if (!seq.ok()) return seq.status();
  Glob g;
  g.seq_ = std::make_shared<const Seq>(std::move(seq).value());
  g.separators_ = std::move(separators);
  return g;
}

bool Glob::Match(std::string_view subject) const {
  std::u32string runes = Runes(subject);
  Frame top{seq_.get(), 0, nullptr};
  return Matcher(runes, separators_).Match(&top, 0);
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
