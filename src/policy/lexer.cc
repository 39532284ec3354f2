#include "policy/lexer.h"

namespace sluice::policy::lexer {

std::string_view TokenName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "eof";
    case TokenKind::kIllegal:
      return "illegal";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kString:
      return "string";
    case TokenKind::kTemplateFull:
    case TokenKind::kTemplateHead:
    case TokenKind::kTemplateMiddle:
    case TokenKind::kTemplateTail:
      return "template-string";
    case TokenKind::kLBrack:
      return "[";
    case TokenKind::kRBrack:
      return "]";
    case TokenKind::kLBrace:
      return "{";
    case TokenKind::kRBrace:
      return "}";
    case TokenKind::kLParen:
      return "(";
    case TokenKind::kRParen:
      return ")";
    case TokenKind::kComma:
      return ",";
    case TokenKind::kSemicolon:
      return ";";
    case TokenKind::kColon:
      return ":";
    case TokenKind::kDot:
      return ".";
    case TokenKind::kAssign:
      return "assign";
    case TokenKind::kUnify:
      return "eq";
    case TokenKind::kEqual:
      return "equal";
    case TokenKind::kNeq:
      return "neq";
    case TokenKind::kLt:
      return "lt";
    case TokenKind::kLte:
      return "lte";
    case TokenKind::kGt:
      return "gt";
    case TokenKind::kGte:
      return "gte";
    case TokenKind::kPlus:
      return "plus";
    case TokenKind::kMinus:
      return "minus";
    case TokenKind::kStar:
      return "mul";
    case TokenKind::kSlash:
      return "div";
    case TokenKind::kPercent:
      return "rem";
    case TokenKind::kAmp:
      return "and";
    case TokenKind::kPipe:
      return "or";
  }
  return "token";
}

Word ClassifyWord(std::string_view w) {
  switch (w.size()) {
    case 2:
      if (w == "as") return Word::kAs;
      if (w == "in") return Word::kIn;
      if (w == "if") return Word::kIf;
      if (w == "or") return Word::kOr;
      break;
    case 3:
      if (w == "not") return Word::kNot;
      if (w == "and") return Word::kAnd;
      break;
    case 4:
      if (w == "else") return Word::kElse;
      if (w == "null") return Word::kNull;
      if (w == "some") return Word::kSome;
      if (w == "true") return Word::kTrue;
      if (w == "with") return Word::kWith;
      break;
    case 5:
      if (w == "false") return Word::kFalse;
      if (w == "every") return Word::kEvery;
      break;
    case 6:
      if (w == "import") return Word::kImport;
      break;
    case 7:
      if (w == "default") return Word::kDefault;
      if (w == "package") return Word::kPackage;
      break;
    case 8:
      if (w == "contains") return Word::kContains;
      break;
    default:
      break;
  }
  return Word::kNone;
}

namespace {

bool IsLetter(unsigned char c) {
  unsigned char lower = c | 0x20;
  return (lower >= 'a' && lower <= 'z') || c == '_';
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  unsigned char lower = c | 0x20;
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

// Decodes the UTF-8 sequence at text[pos] (as Go's utf8.DecodeRune: no
// overlong forms, no surrogates, at most U+10FFFF). Returns its length, or 0.
int DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp) {
  auto byte = [&](size_t i) -> unsigned { return static_cast<unsigned char>(text[pos + i]); };
  unsigned b0 = byte(0);
  size_t left = text.size() - pos;
  auto cont = [&](size_t i) { return i < left && (byte(i) & 0xC0) == 0x80; };
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    *cp = ((b0 & 0x1F) << 6) | (byte(1) & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    uint32_t v = ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    uint32_t v =
        ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF) return 0;
    *cp = v;
    return 4;
  }
  return 0;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr uint32_t kReplacementChar = 0xFFFD;
constexpr uint32_t kByteOrderMark = 0xFEFF;

class Lexer {
 public:
  Lexer(std::string_view text, const ast::Source* source) : text_(text), source_(source) {}

  LexOutput Run();

 private:
  // A template-string expression being lexed: the `}` that ends it is the
  // first one at brace depth 0.
  struct Interpolation {
    int depth = 0;
    bool raw = false;
  };

  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= text_.size(); }
  unsigned char Peek(size_t ahead = 0) const {
    return AtEnd(ahead) ? 0 : static_cast<unsigned char>(text_[pos_ + ahead]);
  }
  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
      unsigned char b = static_cast<unsigned char>(text_[pos_]);
      if (b == '\n') {
        ++line_;
        line_code_points_ = 0;
      } else if ((b & 0xC0) != 0x80) {
        ++line_code_points_;
      }
    }
  }
  int column() const { return line_code_points_ + 1; }

  // Consumes one character of string or comment content, appending it to
  // `out` (if not null). Returns an error message for NUL, invalid UTF-8 or
  // a byte-order mark, "" otherwise.
  const char* TakeContentChar(std::string* out);
  bool LexComment(Token* illegal);
  void LexToken(Token* tok);
  void LexNumber(Token* tok);
  void LexString(Token* tok);
  void LexRawString(Token* tok);
  // After the opening `$"` / `` $` `` or a closing `}`.
  void LexTemplatePart(Token* tok, bool raw, bool continuation);
  // After a backslash in a (template) string: decodes the escape into `out`.
  // Returns false for an unknown escape; sets *bad_unicode for a \u without
  // four hex digits.
  bool TakeEscape(std::string* out, bool template_part, bool* bad_unicode);

  std::string_view text_;
  const ast::Source* source_;
  size_t pos_ = 0;
  int line_ = 1;
  int line_code_points_ = 0;
  std::vector<Interpolation> interpolations_;
  LexOutput out_;
};

const char* Lexer::TakeContentChar(std::string* out) {
  unsigned char c = Peek();
  if (c == 0) {
    Advance();
    return "illegal null character";
  }
  if (c < 0x80) {
    if (out != nullptr) out->push_back(static_cast<char>(c));
    Advance();
    return "";
  }
  uint32_t cp = 0;
  int len = DecodeUtf8(text_, pos_, &cp);
  if (len == 0) {
    Advance();
    return "illegal utf-8 character";
  }
  if (cp == kByteOrderMark) {
    Advance(len);
    return "illegal byte-order mark";
  }
  if (out != nullptr) out->append(text_.substr(pos_, len));
  Advance(len);
  return "";
}

LexOutput Lexer::Run() {
  out_.tokens.reserve(text_.size() / 4 + 2);
  // A leading byte-order mark is skipped (it still counts as a column, as in OPA).
  if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") Advance(3);
  bool space = false;
  bool newline = false;
  while (true) {
    unsigned char c = Peek();
    if (!AtEnd()) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = true;
        Advance();
        continue;
      }
      if (c == '\n') {
        space = newline = true;
        Advance();
        continue;
      }
    }
    Token tok;
    tok.space_before = space;
    tok.newline_before = newline;
    tok.offset = static_cast<uint32_t>(pos_);
    tok.line = line_;
    tok.column = column();
    if (!AtEnd() && c == '#') {
      space = true;
      if (LexComment(&tok)) continue;
    } else if (AtEnd()) {
      tok.kind = TokenKind::kEnd;
    } else {
      LexToken(&tok);
    }
    space = newline = false;
    tok.end = static_cast<uint32_t>(pos_);
    TokenKind kind = tok.kind;
    out_.tokens.push_back(std::move(tok));
    if (kind == TokenKind::kEnd) break;
    if (kind == TokenKind::kIllegal) {
      Token end;
      end.offset = end.end = static_cast<uint32_t>(pos_);
      end.line = line_;
      end.column = column();
      out_.tokens.push_back(std::move(end));
      break;
    }
  }
  return std::move(out_);
}

bool Lexer::LexComment(Token* illegal) {
  ast::Comment comment;
  comment.location.source = source_;
  comment.location.offset = static_cast<uint32_t>(pos_);
  comment.location.line = line_;
  comment.location.column = column();
  Advance();  // '#'
  while (!AtEnd() && Peek() != '\n') {
    const char* error = TakeContentChar(&comment.text);
    if (*error != '\0') {
      illegal->kind = TokenKind::kIllegal;
      illegal->text = error;
      return false;
    }
  }
  if (!comment.text.empty() && comment.text.back() == '\r') comment.text.pop_back();
  comment.location.end = static_cast<uint32_t>(pos_);
  out_.comments.push_back(std::move(comment));
  return true;
}

void Lexer::LexToken(Token* tok) {
  unsigned char c = Peek();
  if (IsLetter(c)) {
    size_t start = pos_;
    while (IsLetter(Peek()) || IsDigit(Peek())) Advance();
    tok->kind = TokenKind::kIdent;
    tok->text.assign(text_.substr(start, pos_ - start));
    tok->word = ClassifyWord(tok->text);
    return;
  }
  if (IsDigit(c)) {
    LexNumber(tok);
    return;
  }
  auto single = [&](TokenKind kind) {
    Advance();
    tok->kind = kind;
  };
  // One of two tokens depending on whether `=` follows.
  auto with_eq = [&](TokenKind plain, TokenKind eq) {
    Advance();
    if (Peek() == '=' && !AtEnd()) {
      Advance();
      tok->kind = eq;
    } else {
      tok->kind = plain;
    }
  };
  auto illegal = [&](const char* message, size_t consume) {
    Advance(consume);
    tok->kind = TokenKind::kIllegal;
    tok->text = message;
  };
  switch (c) {
    case '"':
      LexString(tok);
      return;
    case '`':
      LexRawString(tok);
      return;
    case '[':
      single(TokenKind::kLBrack);
      return;
    case ']':
      single(TokenKind::kRBrack);
      return;
    case '(':
      single(TokenKind::kLParen);
      return;
    case ')':
      single(TokenKind::kRParen);
      return;
    case ',':
      single(TokenKind::kComma);
      return;
    case ';':
      single(TokenKind::kSemicolon);
      return;
    case '.':
      single(TokenKind::kDot);
      return;
    case '+':
      single(TokenKind::kPlus);
      return;
    case '-':
      single(TokenKind::kMinus);
      return;
    case '*':
      single(TokenKind::kStar);
      return;
    case '/':
      single(TokenKind::kSlash);
      return;
    case '%':
      single(TokenKind::kPercent);
      return;
    case '&':
      single(TokenKind::kAmp);
      return;
    case '|':
      single(TokenKind::kPipe);
      return;
    case ':':
      with_eq(TokenKind::kColon, TokenKind::kAssign);
      return;
    case '=':
      with_eq(TokenKind::kUnify, TokenKind::kEqual);
      return;
    case '<':
      with_eq(TokenKind::kLt, TokenKind::kLte);
      return;
    case '>':
      with_eq(TokenKind::kGt, TokenKind::kGte);
      return;
    case '{':
      if (!interpolations_.empty()) ++interpolations_.back().depth;
      single(TokenKind::kLBrace);
      return;
    case '}':
      if (!interpolations_.empty()) {
        if (interpolations_.back().depth == 0) {
          Advance();
          LexTemplatePart(tok, interpolations_.back().raw, /*continuation=*/true);
          return;
        }
        --interpolations_.back().depth;
      }
      single(TokenKind::kRBrace);
      return;
    case '!':
      if (Peek(1) == '=' && !AtEnd(1)) {
        Advance(2);
        tok->kind = TokenKind::kNeq;
      } else {
        illegal("illegal ! character", 1);
      }
      return;
    case '$':
      if (!AtEnd(1) && (Peek(1) == '"' || Peek(1) == '`')) {
        bool raw = Peek(1) == '`';
        Advance(2);
        LexTemplatePart(tok, raw, /*continuation=*/false);
      } else {
        illegal("illegal $ character", 1);
      }
      return;
    default:
      break;
  }
  if (c == 0) {
    illegal("illegal null character", 1);
    return;
  }
  if (c >= 0x80) {
    uint32_t cp = 0;
    int len = DecodeUtf8(text_, pos_, &cp);
    if (len == 0) {
      illegal("illegal utf-8 character", 1);
    } else if (cp == kByteOrderMark) {
      illegal("illegal byte-order mark", len);
    } else {
      illegal("illegal token", len);
    }
    return;
  }
  illegal("illegal token", 1);
}

void Lexer::LexNumber(Token* tok) {
  size_t start = pos_;
  const char* error = nullptr;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.' && !AtEnd()) {
    Advance();
    bool found = false;
    while (IsDigit(Peek())) {
      Advance();
      found = true;
    }
    if (!found) error = "expected fraction";
  }
  if ((Peek() | 0x20) == 'e' && !AtEnd()) {
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    bool found = false;
    while (IsDigit(Peek())) {
      Advance();
      found = true;
    }
    if (!found && error == nullptr) error = "expected exponent";
  }
  // Swallow the rest of e.g. `0a2b` so it reads as one bad number.
  if (IsLetter(Peek())) {
    if (error == nullptr) error = "illegal number format";
    while (IsLetter(Peek()) || IsDigit(Peek())) Advance();
  }
  if (error != nullptr) {
    tok->kind = TokenKind::kIllegal;
    tok->text = error;
    return;
  }
  tok->kind = TokenKind::kNumber;
  tok->text.assign(text_.substr(start, pos_ - start));
}

bool Lexer::TakeEscape(std::string* out, bool template_part, bool* bad_unicode) {
  unsigned char e = Peek();
  switch (e) {
    case '"':
    case '\\':
    case '/':
      out->push_back(static_cast<char>(e));
      break;
    case 'b':
      out->push_back('\b');
      break;
    case 'f':
      out->push_back('\f');
      break;
    case 'n':
      out->push_back('\n');
      break;
    case 'r':
      out->push_back('\r');
      break;
    case 't':
      out->push_back('\t');
      break;
    case '{':
      if (!template_part) return false;
      out->push_back('{');
      break;
    case 'u': {
      auto hex4 = [&](size_t at) -> int {
        int v = 0;
        for (size_t i = 0; i < 4; ++i) {
          int h = AtEnd(at + i) ? -1 : HexValue(Peek(at + i));
          if (h < 0) return -1;
          v = v * 16 + h;
        }
        return v;
      };
      int cp = hex4(1);
      if (cp < 0) {
        *bad_unicode = true;
        Advance();  // the 'u'; the rest is read as ordinary characters
        return true;
      }
      Advance(5);
      uint32_t value = static_cast<uint32_t>(cp);
      if (value >= 0xD800 && value < 0xDC00) {
        // A high surrogate pairs with a following \uDC00-\uDFFF; alone it is
        // U+FFFD, as Go's encoding/json decodes it.
        int low = (Peek() == '\\' && Peek(1) == 'u') ? hex4(2) : -1;
        if (low >= 0xDC00 && low <= 0xDFFF) {
          Advance(6);
          value = 0x10000 + ((value - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        } else {
          value = kReplacementChar;
        }
      } else if (value >= 0xDC00 && value <= 0xDFFF) {
        value = kReplacementChar;
      }
      AppendUtf8(out, value);
      return true;
    }
    default:
      return false;
  }
  Advance();
  return true;
}

void Lexer::LexString(Token* tok) {
  size_t start = pos_;
  Advance();  // '"'
  std::string value;
  const char* error = nullptr;
  bool has_escape = false;
  bool has_control = false;
  bool bad_unicode = false;
  while (true) {
    if (AtEnd() || Peek() == '\n') {
      if (error == nullptr) error = "non-terminated string";
      break;
    }
    unsigned char c = Peek();
    if (c == '"') {
      Advance();
      break;
    }
    if (c == '\\') {
      has_escape = true;
      Advance();
      if (!TakeEscape(&value, /*template_part=*/false, &bad_unicode) && error == nullptr) {
        error = "illegal escape sequence";
      }
      continue;
    }
    if (c != 0 && c < 0x20) has_control = true;
    const char* e = TakeContentChar(&value);
    if (*e != '\0' && error == nullptr) error = e;
  }
  tok->raw = false;
  if (error != nullptr) {
    tok->kind = TokenKind::kIllegal;
    tok->text = error;
  } else if (has_escape && (has_control || bad_unicode)) {
    // OPA decodes strings with escapes as JSON, which rejects these.
    tok->kind = TokenKind::kIllegal;
    tok->text = "illegal string literal: ";
    tok->text.append(text_.substr(start, pos_ - start));
  } else {
    tok->kind = TokenKind::kString;
    tok->text = std::move(value);
  }
}

void Lexer::LexRawString(Token* tok) {
  Advance();  // '`'
  std::string value;
  const char* error = nullptr;
  while (true) {
    if (AtEnd()) {
      if (error == nullptr) error = "non-terminated string";
      break;
    }
    if (Peek() == '`') {
      Advance();
      break;
    }
    const char* e = TakeContentChar(&value);
    if (*e != '\0' && error == nullptr) error = e;
  }
  tok->raw = true;
  if (error != nullptr) {
    tok->kind = TokenKind::kIllegal;
    tok->text = error;
  } else {
    tok->kind = TokenKind::kString;
    tok->text = std::move(value);
  }
}

void Lexer::LexTemplatePart(Token* tok, bool raw, bool continuation) {
  size_t start = pos_;
  std::string value;
  const char* error = nullptr;
  bool has_escape = false;
  bool has_control = false;
  bool bad_unicode = false;
  bool closed = false;  // ended by the closing quote (not by `{`)
  unsigned char quote = raw ? '`' : '"';
  while (true) {
    if (AtEnd() || (!raw && Peek() == '\n')) {
      if (error == nullptr) error = "non-terminated string";
      break;
    }
    unsigned char c = Peek();
    if (c == quote) {
      Advance();
      closed = true;
      break;
    }
    if (c == '{') {
      Advance();
      break;
    }
    if (c == '\\') {
      if (raw) {
        // Only `\{` is an escape in a raw template string.
        if (Peek(1) == '{' && !AtEnd(1)) {
          value.push_back('{');
          Advance(2);
        } else {
          value.push_back('\\');
          Advance();
        }
        continue;
      }
      has_escape = true;
      Advance();
      if (!TakeEscape(&value, /*template_part=*/true, &bad_unicode) && error == nullptr) {
        error = "illegal escape sequence";
      }
      continue;
    }
    if (c != 0 && c < 0x20 && c != '\n') has_control = true;
    const char* e = TakeContentChar(&value);
    if (*e != '\0' && error == nullptr) error = e;
  }
  tok->raw = raw;
  if (error != nullptr) {
    tok->kind = TokenKind::kIllegal;
    tok->text = error;
    return;
  }
  if (!raw && has_escape && (has_control || bad_unicode)) {
    tok->kind = TokenKind::kIllegal;
    tok->text = "illegal template-string part: ";
    tok->text.append(text_.substr(start, pos_ - start));
    return;
  }
  tok->text = std::move(value);
  if (continuation) {
    tok->kind = closed ? TokenKind::kTemplateTail : TokenKind::kTemplateMiddle;
    if (closed) interpolations_.pop_back();
  } else {
    tok->kind = closed ? TokenKind::kTemplateFull : TokenKind::kTemplateHead;
    if (!closed) interpolations_.push_back({0, raw});
  }
}

}  // namespace

LexOutput Lex(std::string_view text, const ast::Source* source) {
  return Lexer(text, source).Run();
}

}  // namespace sluice::policy::lexer
