// The GraphQL lexer, token by token as gqlparser's lexer package reads them
// (its positions count code points; its messages are graphql-js's).
#include <climits>
#include <cstdio>

#include "policy/graphql_parser.h"
#include "policy/utf8.h"

namespace sluice::policy::graphql::internal {
namespace {

using policy::internal::AppendUtf8;

// Width in bytes of the rune at s[i] (1 for invalid UTF-8, as Go steps).
size_t RuneWidth(std::string_view s, size_t i) {
  char32_t r;
  size_t w = sluice::policy::internal::DecodeUtf8(s, i, &r);
  return w == 0 ? 1 : w;
}

size_t LeadingWhitespace(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ' && line[i] != '\t') return i;
  }
  return SIZE_MAX;  // blank lines do not count
}

// The spec's BlockStringValue(): common indentation and blank first / last
// lines removed.
std::string BlockStringValue(const std::string& raw) {
  std::vector<std::string> lines;
  size_t from = 0;
  for (size_t nl; (nl = raw.find('\n', from)) != std::string::npos; from = nl + 1) {
    lines.push_back(raw.substr(from, nl - from));
  }
  lines.push_back(raw.substr(from));
  size_t common = SIZE_MAX;
  for (const std::string& line : lines) {
    size_t indent = LeadingWhitespace(line);
    if (indent < line.size() && indent < common) {
      common = indent;
      if (common == 0) break;
    }
  }
  if (common != SIZE_MAX) {
    for (size_t i = 1; i < lines.size(); ++i) {
      lines[i] = lines[i].size() < common ? "" : lines[i].substr(common);
    }
  }
  size_t start = 0, end = lines.size();
  while (start < end && LeadingWhitespace(lines[start]) == SIZE_MAX) ++start;
  while (start < end && LeadingWhitespace(lines[end - 1]) == SIZE_MAX) --end;
  std::string out;
  for (size_t i = start; i < end; ++i) {
    if (i > start) out += '\n';
    out += lines[i];
  }
  return out;
}

bool IsNameByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

std::string ControlEscape(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04d", c);  // sic: gqlparser formats with %04d
  return buf;
}

}  // namespace

std::string_view TokName(Tok kind) {
  static constexpr std::string_view kNames[] = {
      "<Invalid>", "<EOF>", "!", "$", "&", "(", ")", "...", ":", "=", "@",
      "[", "]", "{", "}", "|", "Name", "Int", "Float", "String", "BlockString"};
  return kNames[static_cast<int>(kind)];
}

std::string Token::Describe() const {
  std::string out(TokName(kind));
  if (!value.empty()) {
    out += " \"";
    for (char c : value) {  // strconv.Quote, enough for names and plain strings
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out;
}

Token Lexer::Make(Tok kind, std::string value) const {
  return Token{kind, std::move(value), Pos{line_, start_runes_ - line_start_runes_ + 1}};
}

Token Lexer::Fail(std::optional<Diagnostic>* error, std::string message) const {
  Pos pos{line_, end_runes_ - line_start_runes_ + 1};
  *error = Diagnostic{std::move(message), pos};
  return Token{Tok::kInvalid, "", pos};
}

void Lexer::SkipWhitespace() {
  while (end_ < in_.size()) {
    char c = in_[end_];
    if (c == '\t' || c == ' ' || c == ',') {
      Advance(1, 1);
    } else if (c == '\n' || c == '\r') {
      Advance(1, 1);
      ++line_;
      line_start_runes_ = end_runes_;
      if (c == '\r' && end_ < in_.size() && in_[end_] == '\n') Advance(1, 1);
    } else if (in_.substr(end_, 3) == "\xEF\xBB\xBF") {  // byte order mark
      Advance(3, 1);
    } else {
      return;
    }
  }
}

Token Lexer::Read(std::optional<Diagnostic>* error) {
  for (;;) {
    SkipWhitespace();
    start_ = end_;
    start_runes_ = end_runes_;
    if (end_ >= in_.size()) return Make(Tok::kEof, "");
    char c = in_[start_];
    if (c != '#') break;
    // A comment runs to the end of the line.
    while (end_ < in_.size()) {
      char32_t r;
      size_t w = sluice::policy::internal::DecodeUtf8(in_, end_, &r);
      if (w == 0) {
        r = 0xFFFD;
        w = 1;
      }
      if (!(r > 0x1F || r == '\t')) break;
      Advance(w, 1);
    }
  }
  char c = in_[start_];
  Advance(1, 1);
  switch (c) {
    case '!': return Make(Tok::kBang, "");
    case '$': return Make(Tok::kDollar, "");
    case '&': return Make(Tok::kAmp, "");
    case '(': return Make(Tok::kParenL, "");
    case ')': return Make(Tok::kParenR, "");
    case ':': return Make(Tok::kColon, "");
    case '=': return Make(Tok::kEquals, "");
    case '@': return Make(Tok::kAt, "");
    case '[': return Make(Tok::kBracketL, "");
    case ']': return Make(Tok::kBracketR, "");
    case '{': return Make(Tok::kBraceL, "");
    case '}': return Make(Tok::kBraceR, "");
    case '|': return Make(Tok::kPipe, "");
    case '.':
      if (in_.substr(start_, 3) == "...") {
        Advance(2, 2);
        return Make(Tok::kSpread, "");
      }
      break;
    case '"':
      if (in_.substr(start_, 3) == "\"\"\"") return ReadBlockString(error);
      return ReadString(error);
    default:
      if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        while (end_ < in_.size() && IsNameByte(in_[end_])) Advance(1, 1);
        return Make(Tok::kName, std::string(in_.substr(start_, end_ - start_)));
      }
      if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber(error);
  }
  Back(1);
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
    return Fail(error, "Cannot contain the invalid character \"" + ControlEscape(u) + "\"");
  }
  if (c == '\'') {
    return Fail(error,
                "Unexpected single quote character ('), did you mean to use a double quote (\")?");
  }
  return Fail(error, "Cannot parse the unexpected character \"" + std::string(1, c) + "\".");
}

bool Lexer::AcceptByte(std::string_view any) {
  if (end_ >= in_.size() || any.find(in_[end_]) == std::string_view::npos) return false;
  Advance(1, 1);
  return true;
}

int Lexer::AcceptDigits() {
  int n = 0;
  while (end_ < in_.size() && in_[end_] >= '0' && in_[end_] <= '9') {
    Advance(1, 1);
    ++n;
  }
  return n;
}

std::string Lexer::DescribeNext() const {
  return end_ < in_.size() ? "\"" + std::string(1, in_[end_]) + "\"" : "<EOF>";
}

Token Lexer::ReadNumber(std::optional<Diagnostic>* error) {
  bool is_float = false;
  Back(1);  // to the first character
  AcceptByte("-");
  if (AcceptByte("0")) {
    if (int n = AcceptDigits(); n != 0) {
      Back(n);
      return Fail(error, "Invalid number, unexpected digit after 0: " + DescribeNext() + ".");
    }
  } else if (AcceptDigits() == 0) {
    return Fail(error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
  }
  if (AcceptByte(".")) {
    is_float = true;
    if (AcceptDigits() == 0) {
      return Fail(error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
    }
  }
  if (AcceptByte("eE")) {
    is_float = true;
    AcceptByte("-+");
    if (AcceptDigits() == 0) {
      return Fail(error, "Invalid number, expected digit but got: " + DescribeNext() + ".");
    }
  }
  return Make(is_float ? Tok::kFloat : Tok::kInt, std::string(in_.substr(start_, end_ - start_)));
}

Token Lexer::ReadString(std::optional<Diagnostic>* error) {
  ++start_;  // the opening quote
  ++start_runes_;
  std::string buf;
  while (end_ < in_.size()) {
    auto c = static_cast<unsigned char>(in_[end_]);
    if (c == '\n' || c == '\r') break;
    if (c < 0x20 && c != '\t') {
      return Fail(error, "Invalid character within String: \"" + ControlEscape(c) + "\".");
    }
    if (c == '"') {
      Token t = Make(Tok::kString, std::move(buf));
      Advance(1, 1);
      return t;
    }
    if (c != '\\') {
      size_t w = RuneWidth(in_, end_);
      buf.append(in_.substr(end_, w));
      Advance(w, 1);
      continue;
    }
    if (end_ + 1 >= in_.size()) {
      Advance(1, 1);
      return Fail(error, "Invalid character escape sequence.");
    }
    char esc = in_[end_ + 1];
    if (esc == 'u') {
      if (end_ + 6 >= in_.size()) {
        Advance(1, 1);
        return Fail(error, "Invalid character escape sequence: \\" +
                               std::string(in_.substr(end_)) + ".");
      }
      char32_t r = 0;
      for (size_t k = end_ + 2; k < end_ + 6; ++k) {
        char h = in_[k];
        int d = h >= '0' && h <= '9' ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) {
          Advance(1, 1);
          return Fail(error, "Invalid character escape sequence: \\" +
                                 std::string(in_.substr(end_, 5)) + ".");
        }
        r = r * 16 + static_cast<char32_t>(d);
      }
      AppendUtf8(buf, r);
      Advance(6, 6);
      continue;
    }
    switch (esc) {
      case '"': case '/': case '\\': buf += esc; break;
      case 'b': buf += '\b'; break;
      case 'f': buf += '\f'; break;
      case 'n': buf += '\n'; break;
      case 'r': buf += '\r'; break;
      case 't': buf += '\t'; break;
      default:
        Advance(1, 1);
        return Fail(error, "Invalid character escape sequence: \\" + std::string(1, esc) + ".");
    }
    Advance(2, 2);
  }
  return Fail(error, "Unterminated string.");
}

Token Lexer::ReadBlockString(std::optional<Diagnostic>* error) {
  start_ += 3;
  start_runes_ += 3;
  Advance(2, 2);
  std::string buf;
  while (end_ < in_.size()) {
    auto c = static_cast<unsigned char>(in_[end_]);
    if (in_.substr(end_, 3) == "\"\"\"") {
      Token t = Make(Tok::kBlockString, BlockStringValue(buf));
      Advance(3, 3);
      return t;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Fail(error, "Invalid character within String: \"" + ControlEscape(c) + "\".");
    }
    if (in_.substr(end_, 4) == "\\\"\"\"") {
      buf += "\"\"\"";
      Advance(4, 4);
    } else if (c == '\r') {
      if (end_ + 1 < in_.size() && in_[end_ + 1] == '\n') Advance(1, 1);
      buf += '\n';
      Advance(1, 1);
      ++line_;
      line_start_runes_ = end_runes_;
    } else {
      size_t w = RuneWidth(in_, end_);
      buf.append(in_.substr(end_, w));
      Advance(w, 1);
      if (c == '\n') {
        ++line_;
        line_start_runes_ = end_runes_;
      }
    }
  }
  return Fail(error, "Unterminated string.");
}

}  // namespace sluice::policy::graphql::internal
