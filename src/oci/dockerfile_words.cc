#include "oci/dockerfile_words.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace sluice::oci {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A cursor over one word; every Expand* member appends to `out` and stops
// after the construct it reads.
class Expander {
 public:
  Expander(std::string_view word, const Environment& vars, char escape)
      : word_(word), vars_(vars), escape_(escape) {}

  // Reads until the end of the word, or until an unquoted `stop` (consumed)
  // when `stop` is not '\0' (the word of a `${NAME:-word}`).
  Status Run(std::string& out, char stop) {
    while (pos_ < word_.size()) {
      char c = word_[pos_];
      if (stop != '\0' && c == stop) {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\'') {
        SLUICE_RETURN_IF_ERROR(SingleQuoted(out));
      } else if (c == '"') {
        SLUICE_RETURN_IF_ERROR(DoubleQuoted(out));
      } else if (c == '$') {
        SLUICE_RETURN_IF_ERROR(Dollar(out));
      } else if (c == escape_) {
        ++pos_;
        if (pos_ < word_.size()) out += word_[pos_++];
      } else {
        out += c;
        ++pos_;
      }
    }
    if (stop != '\0') {
      return Status::InvalidArgument(std::string("missing '") + stop + "' in \"" +
                                     std::string(word_) + "\"");
    }
    return Status::Ok();
  }

 private:
  Status SingleQuoted(std::string& out) {
    size_t end = word_.find('\'', pos_ + 1);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("unterminated single quote in \"" + std::string(word_) +
                                     "\"; close it with '");
    }
    out.append(word_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return Status::Ok();
  }

  Status DoubleQuoted(std::string& out) {
    ++pos_;
    while (pos_ < word_.size()) {
      char c = word_[pos_];
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (c == '$') {
        SLUICE_RETURN_IF_ERROR(Dollar(out));
        continue;
      }
      if (c == escape_ && pos_ + 1 < word_.size()) {
        char next = word_[pos_ + 1];
        // Inside double quotes only these can be escaped; other escapes stay
        // as written (so Windows paths survive).
        if (next == '"' || next == '$' || next == escape_) {
          out += next;
          pos_ += 2;
          continue;
        }
      }
      out += c;
      ++pos_;
    }
    return Status::InvalidArgument("unterminated double quote in \"" + std::string(word_) +
                                   "\"; close it with \"");
  }

  Status Dollar(std::string& out) {
    ++pos_;  // the '$'
    if (pos_ >= word_.size()) {
      out += '$';
      return Status::Ok();
    }
    if (word_[pos_] != '{') {
      size_t start = pos_;
      while (pos_ < word_.size() && IsNameChar(word_[pos_])) ++pos_;
      if (pos_ == start) {
        out += '$';  // a lone '$' is literal, as in Docker
        return Status::Ok();
      }
      out += Lookup(word_.substr(start, pos_ - start)).value_or("");
      return Status::Ok();
    }
    ++pos_;  // the '{'
    size_t start = pos_;
    while (pos_ < word_.size() && IsNameChar(word_[pos_])) ++pos_;
    std::string_view name = word_.substr(start, pos_ - start);
    if (name.empty()) {
      return Status::InvalidArgument("bad substitution in \"" + std::string(word_) +
                                     "\": ${ needs a variable name");
    }
    if (pos_ >= word_.size()) {
      return Status::InvalidArgument("missing '}' in \"" + std::string(word_) + "\"");
    }
    std::optional<std::string> value = Lookup(name);
    if (word_[pos_] == '}') {
      ++pos_;
      out += value.value_or("");
      return Status::Ok();
    }
    bool colon = word_[pos_] == ':';
    if (colon) ++pos_;
    char op = pos_ < word_.size() ? word_[pos_] : '\0';
    if (op != '-' && op != '+' && op != '?') {
      return Status::InvalidArgument("unsupported modifier in ${" + std::string(name) +
                                     "...} in \"" + std::string(word_) +
                                     "\"; use :-, -, :+, +, :? or ?");
    }
    ++pos_;
    std::string alternative;
    SLUICE_RETURN_IF_ERROR(Run(alternative, '}'));
    // With ':' an empty value counts as unset.
    bool set = value.has_value() && !(colon && value->empty());
    if (op == '-') {
      out += set ? *value : alternative;
    } else if (op == '+') {
      if (set) out += alternative;
    } else {
      if (!set) {
        return Status::InvalidArgument(std::string(name) + " is " + (value ? "empty" : "not set") +
                                       (alternative.empty() ? std::string() : ": " + alternative));
      }
      out += *value;
    }
    return Status::Ok();
  }

  std::optional<std::string> Lookup(std::string_view name) const {
    if (const std::string* v = FindVariable(vars_, name)) return *v;
    return std::nullopt;
  }

  std::string_view word_;
  const Environment& vars_;
  char escape_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::string> SplitWords(std::string_view text, char escape) {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  char quote = '\0';
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\0' && IsSpace(c)) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    current += c;
    if (c == escape && quote != '\'' && i + 1 < text.size()) {
      current += text[++i];
    } else if (quote == '\0' && (c == '"' || c == '\'')) {
      quote = c;
    } else if (c == quote) {
      quote = '\0';
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

std::optional<std::vector<std::string>> ParseJsonArray(std::string_view text) {
  if (text.empty() || text.front() != '[') return std::nullopt;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : parsed) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> ExpandWord(std::string_view word, const Environment& vars, char escape) {
  std::string out;
  Expander expander(word, vars, escape);
  SLUICE_RETURN_IF_ERROR(expander.Run(out, '\0'));
  return out;
}

}  // namespace sluice::oci
