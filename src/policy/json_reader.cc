// ParseJson (value_json.h): our own RFC 8259 reader, so that numbers keep
// their text.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/utf8.h"
#include "policy/value_json.h"

namespace sluice::policy {

namespace {

constexpr size_t kMaxDepth = 10000;  // Go's encoding/json nesting limit

// A recursive-descent reader of RFC 8259 JSON with Go's leniencies: invalid
// UTF-8 and lone surrogate escapes become U+FFFD rather than errors.
class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  Result<Value> ReadDocument() {
    Value v;
    if (!ReadValue(&v)) return Error();
    SkipSpace();
    if (pos_ != text_.size()) {
      Fail("invalid character after the top-level value");
      return Error();
    }
    return v;
  }

 private:
  // An array or object being read; nesting lives on this explicit stack, not
  // the C++ one, so 10000 levels are safe on any thread.
  struct Frame {
    bool is_object = false;
    Value key;  // of the member being read
    std::vector<Value> elems;
    std::vector<ObjectEntry> entries;
  };

  bool ReadValue(Value* out) {
    std::vector<Frame> stack;
    Value value;
    while (true) {
      // Read one value, or open a collection and go on with its first member.
      SkipSpace();
      if (pos_ >= text_.size()) return Fail("unexpected end of input");
      char c = text_[pos_];
      bool opened = false;
      if (c == '{' || c == '[') {
        if (stack.size() >= kMaxDepth) return Fail("exceeded max depth of 10000");
        ++pos_;
        SkipSpace();
        bool is_object = c == '{';
        if (Peek(is_object ? '}' : ']')) {
          ++pos_;
          value = is_object ? Value::Object({}) : Value::Array({});
        } else {
          stack.push_back(Frame{is_object, Value(), {}, {}});
          if (is_object && !ReadKey(&stack.back())) return false;
          opened = true;
        }
      } else if (!ReadScalar(c, &value)) {
        return false;
      }
      if (opened) continue;
      // Hand the value to the enclosing collections, closing those that end.
      while (true) {
        if (stack.empty()) {
          *out = std::move(value);
          return true;
        }
        Frame& top = stack.back();
        if (top.is_object) {
          top.entries.push_back(
              ObjectEntry{std::exchange(top.key, Value()), std::exchange(value, Value())});
        } else {
          top.elems.push_back(std::exchange(value, Value()));
        }
        SkipSpace();
        if (Peek(',')) {
          ++pos_;
          if (top.is_object && !ReadKey(&top)) return false;
          break;  // read the next member
        }
        if (!Peek(top.is_object ? '}' : ']')) {
          return Fail(top.is_object ? "expected ',' or '}' in object"
                                    : "expected ',' or ']' in array");
        }
        ++pos_;
        value = top.is_object ? Value::Object(std::move(top.entries))
                              : Value::Array(std::move(top.elems));
        stack.pop_back();
      }
    }
  }

  // `"key":` of an object member, into frame->key.
  bool ReadKey(Frame* frame) {
    SkipSpace();
    if (!Peek('"')) return Fail("expected a string object key");
    if (!ReadStringValue(&frame->key)) return false;
    SkipSpace();
    if (!Peek(':')) return Fail("expected ':' after object key");
    ++pos_;
    return true;
  }

  bool ReadScalar(char c, Value* out) {
    switch (c) {
      case '"':
        return ReadStringValue(out);
      case 't':
        return ReadLiteral("true", Value::Boolean(true), out);
      case 'f':
        return ReadLiteral("false", Value::Boolean(false), out);
      case 'n':
        return ReadLiteral("null", Value::Null(), out);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber(out);
        return Fail(std::string("invalid character '") + c + "' looking for beginning of value");
    }
  }

  bool ReadLiteral(std::string_view word, Value value, Value* out) {
    if (text_.substr(pos_, word.size()) != word) {
      return Fail("invalid literal, expected " + std::string(word));
    }
    pos_ += word.size();
    *out = std::move(value);
    return true;
  }

  bool ReadNumber(Value* out) {
    size_t begin = pos_;
    auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    if (Peek('-')) ++pos_;
    while (digit()) ++pos_;
    if (Peek('.')) {
      ++pos_;
      while (digit()) ++pos_;
    }
    if (Peek('e') || Peek('E')) {
      ++pos_;
      if (Peek('+') || Peek('-')) ++pos_;
      while (digit()) ++pos_;
    }
    // Number::Parse checks the grammar (leading zeros, missing digits).
    Result<Number> n = Number::Parse(text_.substr(begin, pos_ - begin));
    if (!n.ok()) {
      pos_ = begin;
      return Fail(n.status().message());
    }
    *out = Value(std::move(n).value());
    return true;
  }

  // A string value. Most strings are plain ASCII without escapes: those are
  // taken straight from the text.
  bool ReadStringValue(Value* out) {
    size_t end = pos_ + 1;
    while (end < text_.size()) {
      auto b = static_cast<unsigned char>(text_[end]);
      if (b == '"' || b == '\\' || b < 0x20 || b >= 0x80) break;
      ++end;
    }
    if (end < text_.size() && text_[end] == '"') {
      *out = Value::String(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return true;
    }
    std::string s;
    if (!ReadString(&s)) return false;
    *out = Value::String(s);
    return true;
  }

  // A string starting at the opening quote, unescaped into *out.
  bool ReadString(std::string* out) {
    ++pos_;  // "
    while (true) {
      if (pos_ >= text_.size()) return Fail("unterminated string");
      auto b = static_cast<unsigned char>(text_[pos_]);
      if (b == '"') {
        ++pos_;
        return true;
      }
      if (b < 0x20) return Fail("invalid control character in string");
      if (b == '\\') {
        if (!ReadEscape(out)) return false;
        continue;
      }
      if (b < 0x80) {
        out->push_back(static_cast<char>(b));
        ++pos_;
        continue;
      }
      char32_t rune;
      size_t width = internal::DecodeUtf8(text_, pos_, &rune);
      if (width == 0) {
        out->append(kReplacement);
        ++pos_;
      } else {
        out->append(text_.substr(pos_, width));
        pos_ += width;
      }
    }
  }

  bool ReadEscape(std::string* out) {
    ++pos_;  // backslash
    if (pos_ >= text_.size()) return Fail("unterminated string");
    char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        --pos_;
        return Fail(std::string("invalid escape '\\") + c + "' in string");
    }
    char32_t unit;
    if (!ReadHex4(&unit)) return false;
    char32_t rune = unit;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      // A high surrogate pairs with a following \uDC00-\uDFFF escape.
      char32_t low = 0;
      size_t save = pos_;
      if (text_.substr(pos_, 2) == "\\u" && (pos_ += 2, ReadHex4(&low)) && low >= 0xDC00 &&
          low <= 0xDFFF) {
        rune = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      } else {
        pos_ = save;
        error_.clear();
        rune = 0xFFFD;
      }
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      rune = 0xFFFD;
    }
    AppendUtf8(out, rune);
    return true;
  }

  bool ReadHex4(char32_t* unit) {
    if (pos_ + 4 > text_.size()) return Fail("invalid \\u escape in string");
    char32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      char h = text_[pos_ + k];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<char32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<char32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<char32_t>(h - 'A' + 10);
      } else {
        return Fail("invalid \\u escape in string");
      }
    }
    pos_ += 4;
    *unit = v;
    return true;
  }

  static void AppendUtf8(std::string* out, char32_t r) {
    if (r < 0x80) {
      out->push_back(static_cast<char>(r));
    } else if (r < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (r >> 6)));
      out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (r >> 12)));
      out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (r >> 18)));
      out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
    }
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  bool Fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_pos_ = pos_;
    }
    return false;
  }

  Status Error() const {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < error_pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Status::InvalidArgument("invalid JSON at line " + std::to_string(line) + ", column " +
                                   std::to_string(column) + ": " + error_);
  }

  static constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_pos_ = 0;
};

}  // namespace

Result<Value> ParseJson(std::string_view text) { return JsonReader(text).ReadDocument(); }

}  // namespace sluice::policy
