// Lexer of Go text/template (go_template_internal.h): cuts the source into
// text and actions, applying trim markers and dropping comments, and each
// action into tokens.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "policy/go_template_internal.h"

namespace sluice::policy::gotmpl {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  std::vector<Item> Run() {
    std::vector<Item> items;
    bool trim_next = false;
    size_t pos = 0;
    while (pos < src_.size()) {
      size_t open = src_.find("{{", pos);
      size_t text_end = open == std::string_view::npos ? src_.size() : open;
      std::string_view text = src_.substr(pos, text_end - pos);
      size_t content = open + 2;
      bool trim_left = open != std::string_view::npos && open + 3 < src_.size() &&
                       src_[open + 2] == '-' && IsSpace(src_[open + 3]);
      if (trim_next) text = TrimLeft(text);
      if (trim_left) {
        text = TrimRight(text);
        content = open + 3;
      }
      if (!text.empty()) items.push_back({true, std::string(text), {}, pos});
      if (open == std::string_view::npos) break;
      if (src_.substr(trim_left ? content + 1 : content, 2) == "/*") {
        pos = LexComment(open, trim_left ? content + 1 : content, trim_next);
        continue;
      }
      Item action;
      action.pos = open;
      pos = LexAction(content, action, trim_next);
      action.text = std::string(src_.substr(content, action.tokens.back().pos - content));
      items.push_back(std::move(action));
    }
    return items;
  }

 private:
  static std::string_view TrimLeft(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    return s;
  }
  static std::string_view TrimRight(std::string_view s) {
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  // Whether a closing delimiter starts at `p`; sets trim for " -}}".
  bool AtClose(size_t p, bool& trim, size_t& after) const {
    if (src_.substr(p, 2) == "}}") {
      trim = false;
      after = p + 2;
      return true;
    }
    if (p + 4 <= src_.size() && IsSpace(src_[p]) && src_.substr(p + 1, 3) == "-}}") {
      trim = true;
      after = p + 4;
      return true;
    }
    return false;
  }

  size_t LexComment(size_t open, size_t content, bool& trim_next) {
    size_t close = src_.find("*/", content + 2);
    if (close == std::string_view::npos) throw ParseError{open, "unclosed comment"};
    size_t after = 0;
    if (!AtClose(close + 2, trim_next, after)) {
      throw ParseError{open, "comment ends before closing delimiter"};
    }
    return after;
  }

  size_t LexAction(size_t p, Item& action, bool& trim_next) {
    bool spaced = false;
    while (true) {
      size_t after = 0;
      if (p >= src_.size()) throw ParseError{action.pos, "unclosed action"};
      if (AtClose(p, trim_next, after)) {
        action.tokens.push_back({Token::Kind::kEnd, "", p, spaced});
        return after;
      }
      char c = src_[p];
      if (IsSpace(c)) {
        spaced = true;
        ++p;
        continue;
      }
      Token t;
      t.pos = p;
      t.spaced = spaced;
      spaced = false;
      size_t start = p;
      if (c == '"' || c == '\'') {
        ++p;
        while (p < src_.size() && src_[p] != c) {
          if (src_[p] == '\n') break;
          p += src_[p] == '\\' ? 2 : 1;
        }
        if (p >= src_.size() || src_[p] != c) {
          throw ParseError{start, c == '"' ? "unterminated quoted string" : "unterminated character constant"};
        }
        ++p;
        t.kind = c == '"' ? Token::Kind::kString : Token::Kind::kChar;
      } else if (c == '`') {
        p = src_.find('`', p + 1);
        if (p == std::string_view::npos) throw ParseError{start, "unterminated raw quoted string"};
        ++p;
        t.kind = Token::Kind::kRawString;
      } else if ((c == '.' && p + 1 < src_.size() && IsDigit(src_[p + 1])) || IsDigit(c) ||
                 ((c == '+' || c == '-') && p + 1 < src_.size() && (IsDigit(src_[p + 1]) || src_[p + 1] == '.'))) {
        ++p;
        while (p < src_.size() && (IsAlnum(src_[p]) || src_[p] == '.' ||
                                   ((src_[p] == '+' || src_[p] == '-') && strchr("eEpP", src_[p - 1])))) {
          ++p;
        }
        t.kind = Token::Kind::kNumber;
      } else if (c == '.' || c == '$') {
        ++p;
        while (p < src_.size() && IsAlnum(src_[p])) ++p;
        bool bare = p == start + 1;
        t.kind = c == '$' ? Token::Kind::kVariable : (bare ? Token::Kind::kDot : Token::Kind::kField);
      } else if (IsAlnum(c)) {
        while (p < src_.size() && IsAlnum(src_[p])) ++p;
        t.kind = Token::Kind::kIdent;
      } else if (c == ':' && src_.substr(p, 2) == ":=") {
        p += 2;
        t.kind = Token::Kind::kDeclare;
      } else if (c == '=' || c == '(' || c == ')' || c == '|' || c == ',') {
        ++p;
        t.kind = c == '=' ? Token::Kind::kAssign
                 : c == '(' ? Token::Kind::kLeftParen
                 : c == ')' ? Token::Kind::kRightParen
                 : c == '|' ? Token::Kind::kPipe
                            : Token::Kind::kComma;
      } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%04X", static_cast<unsigned char>(c));
        throw ParseError{start, std::string("unrecognized character in action: U+") + buf};
      }
      t.text = std::string(src_.substr(start, p - start));
      action.tokens.push_back(std::move(t));
    }
  }

  std::string_view src_;
};

}  // namespace

// Go's strconv.Unquote for "..." and '...' literals (UTF-8 output).
std::string Unquote(std::string_view q, size_t pos) {
  std::string out;
  for (size_t i = 1; i + 1 < q.size(); ++i) {
    char c = q[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = q[++i];
    auto hex = [&](int n) {
      uint32_t v = 0;
      for (int k = 0; k < n; ++k) {
        char h = ++i < q.size() - 1 ? q[i] : '?';
        int d = IsDigit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
        if (d < 0) throw ParseError{pos, "invalid syntax"};
        v = v * 16 + static_cast<uint32_t>(d);
      }
      return v;
    };
    auto utf8 = [&](uint32_t r) {
      if (r < 0x80) { out += static_cast<char>(r); return; }
      if (r < 0x800) { out += static_cast<char>(0xC0 | (r >> 6)); }
      else {
        if (r < 0x10000) { out += static_cast<char>(0xE0 | (r >> 12)); }
        else { out += static_cast<char>(0xF0 | (r >> 18)); out += static_cast<char>(0x80 | ((r >> 12) & 0x3F)); }
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
      }
      out += static_cast<char>(0x80 | (r & 0x3F));
    };
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': case '"': case '\'': out += e; break;
      case 'x': out += static_cast<char>(hex(2)); break;
      case 'u': utf8(hex(4)); break;
      case 'U': utf8(hex(8)); break;
      default: throw ParseError{pos, "invalid syntax"};
    }
  }
  return out;
}

std::vector<Item> Lex(std::string_view source) { return Lexer(source).Run(); }

}  // namespace sluice::policy::gotmpl
