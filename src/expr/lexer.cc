#include "expr/lexer.h"

#include <charconv>
#include <cstdint>

namespace sluice::expr {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, bool ge_closes) : text_(text), ge_closes_(ge_closes) {}

  // Reads tokens from `pos`. With `stop_when_closed`, stops after the `>`
  // that brings the open-`<+` count back to zero; otherwise at end of text.
  LexOutput Run(size_t pos, bool stop_when_closed) {
    pos_ = pos;
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) {
        if (depth_ > 0) {
          return Fail(open_offsets_.back(), "unclosed <+ expression (no matching '>')");
        }
        Push(TokenKind::kEnd, pos_, 0);
        break;
      }
      if (!Next()) return std::move(out_);
      if (stop_when_closed && depth_ == 0) {
        Push(TokenKind::kEnd, pos_, 0);
        break;
      }
    }
    out_.end = pos_;
    return std::move(out_);
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  char Peek(size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  void Push(TokenKind kind, size_t offset, size_t length) {
    Token t;
    t.kind = kind;
    t.offset = offset;
    t.length = length;
    out_.tokens.push_back(std::move(t));
    pos_ = offset + length;
  }
  LexOutput Fail(size_t offset, std::string message) {
    out_.error = ExprError{offset, std::move(message)};
    out_.end = offset;
    return std::move(out_);
  }
  bool FailInline(size_t offset, std::string message) {
    out_.error = ExprError{offset, std::move(message)};
    out_.end = offset;
    return false;
  }

  // Reads one token at pos_ (not whitespace). False on error.
  bool Next() {
    const size_t at = pos_;
    const char c = text_[at];
    if (IsIdentStart(c)) return Identifier();
    if (IsDigit(c)) return Number();
    if (c == '"' || c == '\'') return String();
    switch (c) {
      case '(':
        Push(TokenKind::kLeftParen, at, 1);
        return true;
      case ')':
        Push(TokenKind::kRightParen, at, 1);
        return true;
      case '[':
        Push(TokenKind::kLeftBracket, at, 1);
        return true;
      case ']':
        Push(TokenKind::kRightBracket, at, 1);
        return true;
      case '.':
        Push(TokenKind::kDot, at, 1);
        return true;
      case ',':
        Push(TokenKind::kComma, at, 1);
        return true;
      case '?':
        Push(TokenKind::kQuestion, at, 1);
        return true;
      case ':':
        Push(TokenKind::kColon, at, 1);
        return true;
      case '+':
        Push(TokenKind::kPlus, at, 1);
        return true;
      case '-':
        Push(TokenKind::kMinus, at, 1);
        return true;
      case '*':
        Push(TokenKind::kStar, at, 1);
        return true;
      case '/':
        Push(TokenKind::kSlash, at, 1);
        return true;
      case '%':
        Push(TokenKind::kPercent, at, 1);
        return true;
      case '<':
        if (Peek(1) == '+') {
          open_offsets_.push_back(at);
          ++depth_;
          Push(TokenKind::kTemplateOpen, at, 2);
        } else if (Peek(1) == '=') {
          Push(TokenKind::kLessEqual, at, 2);
        } else {
          Push(TokenKind::kLess, at, 1);
        }
        return true;
      case '>':
        return Greater();
      case '=':
        switch (Peek(1)) {
          case '=':
            Push(TokenKind::kEqual, at, 2);
            return true;
          case '~':
            Push(TokenKind::kRegexMatch, at, 2);
            return true;
          case '^':
            Push(TokenKind::kStartsWith, at, 2);
            return true;
          case '$':
            Push(TokenKind::kEndsWith, at, 2);
            return true;
          default:
            return FailInline(at, "unexpected '=' (use == to compare; there is no assignment)");
        }
      case '!':
        if (Peek(1) == '=') {
          Push(TokenKind::kNotEqual, at, 2);
        } else if (Peek(1) == '~') {
          Push(TokenKind::kRegexNoMatch, at, 2);
        } else {
          Push(TokenKind::kBang, at, 1);
        }
        return true;
      case '&':
        if (Peek(1) == '&') {
          Push(TokenKind::kAndAnd, at, 2);
          return true;
        }
        return FailInline(at, "unexpected '&' (use && or and)");
      case '|':
        if (Peek(1) == '|') {
          Push(TokenKind::kOrOr, at, 2);
          return true;
        }
        return FailInline(at, "unexpected '|' (use || or or)");
      default:
        break;
    }
    std::string shown =
        (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            ? "byte " + std::to_string(static_cast<unsigned char>(c))
            : std::string("'") + c + "'";
    return FailInline(at, "unexpected character " + shown + " in expression");
  }

  bool Greater() {
    const size_t at = pos_;
    if (depth_ == 0) {
      if (Peek(1) == '=') {
        Push(TokenKind::kGreaterEqual, at, 2);
      } else {
        Push(TokenKind::kGreater, at, 1);
      }
      return true;
    }
    const char after = Peek(2);
    const bool continues_other_operator =
        after == '=' || after == '~' || after == '^' || after == '$';
    if (Peek(1) == '=' && !continues_other_operator && !ge_closes_) {
      out_.saw_ambiguous_ge = true;
      Push(TokenKind::kGreaterEqual, at, 2);
      return true;
    }
    --depth_;
    open_offsets_.pop_back();
    Push(TokenKind::kTemplateClose, at, 1);
    return true;
  }

  bool Identifier() {
    size_t end = pos_;
    while (end < text_.size() && IsIdentChar(text_[end])) ++end;
    const size_t at = pos_;
    Push(TokenKind::kIdentifier, at, end - at);
    out_.tokens.back().text = std::string(text_.substr(at, end - at));
    return true;
  }

  bool Number() {
    const size_t at = pos_;
    size_t end = at;
    while (end < text_.size() && IsDigit(text_[end])) ++end;
    bool is_float = false;
    if (end + 1 < text_.size() && text_[end] == '.' && IsDigit(text_[end + 1])) {
      is_float = true;
      ++end;
      while (end < text_.size() && IsDigit(text_[end])) ++end;
    }
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      size_t exp = end + 1;
      if (exp < text_.size() && (text_[exp] == '+' || text_[exp] == '-')) ++exp;
      if (exp < text_.size() && IsDigit(text_[exp])) {
        is_float = true;
        end = exp;
        while (end < text_.size() && IsDigit(text_[end])) ++end;
      }
    }
    if (end < text_.size() && IsIdentChar(text_[end])) {
      return FailInline(at, "invalid number '" + std::string(text_.substr(at, end + 1 - at)) + "'");
    }
    std::string_view digits = text_.substr(at, end - at);
    Value number;
    int64_t as_int = 0;
    auto int_result = std::from_chars(digits.data(), digits.data() + digits.size(), as_int);
    if (!is_float && int_result.ec == std::errc() &&
        int_result.ptr == digits.data() + digits.size()) {
      number = as_int;
    } else {
      double as_double = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), as_double);
      number = as_double;
    }
    Push(TokenKind::kNumber, at, end - at);
    out_.tokens.back().text = std::string(digits);
    out_.tokens.back().number = std::move(number);
    return true;
  }

  bool String() {
    const size_t at = pos_;
    const char quote = text_[at];
    std::string value;
    size_t i = at + 1;
    while (true) {
      if (i >= text_.size()) return FailInline(at, "unterminated string literal");
      const char c = text_[i];
      if (c == quote) break;
      if (c != '\\' || i + 1 >= text_.size()) {
        value += c;
        ++i;
        continue;
      }
      const char e = text_[i + 1];
      i += 2;
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case '\\':
          value += '\\';
          break;
        case '"':
          value += '"';
          break;
        case '\'':
          value += '\'';
          break;
        case 'u': {
          uint32_t cp = 0;
          auto r = std::from_chars(text_.data() + i, text_.data() + std::min(i + 4, text_.size()),
                                   cp, 16);
          if (r.ptr != text_.data() + i + 4) {
            return FailInline(i - 2, "invalid \\u escape (expected 4 hex digits)");
          }
          AppendUtf8(cp, &value);
          i += 4;
          break;
        }
        default:
          // Unknown escapes stay as written, so regex patterns like "\d" work.
          value += '\\';
          value += e;
          break;
      }
    }
    Push(TokenKind::kString, at, i + 1 - at);
    out_.tokens.back().text = std::move(value);
    return true;
  }

  std::string_view text_;
  bool ge_closes_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<size_t> open_offsets_;  // offsets of the `<+` still open
  LexOutput out_;
};

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdentifier:
      return "name";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kString:
      return "string";
    case TokenKind::kTemplateOpen:
      return "'<+'";
    case TokenKind::kTemplateClose:
      return "'>'";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kLeftBracket:
      return "'['";
    case TokenKind::kRightBracket:
      return "']'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kQuestion:
      return "'?'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kEqual:
      return "'=='";
    case TokenKind::kNotEqual:
      return "'!='";
    case TokenKind::kLess:
      return "'<'";
    case TokenKind::kLessEqual:
      return "'<='";
    case TokenKind::kGreater:
      return "'>'";
    case TokenKind::kGreaterEqual:
      return "'>='";
    case TokenKind::kRegexMatch:
      return "'=~'";
    case TokenKind::kRegexNoMatch:
      return "'!~'";
    case TokenKind::kStartsWith:
      return "'=^'";
    case TokenKind::kEndsWith:
      return "'=$'";
    case TokenKind::kAndAnd:
      return "'&&'";
    case TokenKind::kOrOr:
      return "'||'";
    case TokenKind::kBang:
      return "'!'";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kEnd:
      return "end of expression";
  }
  return "token";
}

LexOutput LexTemplate(std::string_view text, size_t start, bool ge_closes) {
  return Lexer(text, ge_closes).Run(start, /*stop_when_closed=*/true);
}

LexOutput LexCondition(std::string_view text, bool ge_closes) {
  return Lexer(text, ge_closes).Run(0, /*stop_when_closed=*/false);
}

}  // namespace sluice::expr
