// Lexer and parser of Go text/template (go_template_internal.h): the source
// is cut into text and actions, each action into tokens, and the items are
// assembled into a tree of nodes, checking names as Go's parser does
// (undefined variables and functions are parse errors).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "policy/go_template_internal.h"

namespace sluice::policy::gotmpl {
namespace {

struct ParseError {
  size_t pos;
  std::string message;
};

struct Token {
  enum class Kind { kField, kVariable, kDot, kIdent, kString, kRawString, kChar, kNumber, kLeftParen,
                    kRightParen, kPipe, kComma, kDeclare, kAssign, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t pos = 0;
  bool spaced = false;  // whitespace before it
};

// One action: its tokens (ending with kEnd) and source span.
struct Item {
  bool is_text = false;
  std::string text;  // text, or the action source between delimiters
  std::vector<Token> tokens;
  size_t pos = 0;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kKeywords[] = {"if", "else", "end", "range", "with", "break", "continue",
                                          "define", "template", "block", "nil", "true", "false"};
constexpr size_t kMaxDepth = 200;  // nested parentheses and blocks

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

class Parser {
 public:
  explicit Parser(std::vector<Item> items) : items_(std::move(items)) {}

  std::vector<Node> Run() {
    std::vector<Node> list;
    std::string stop = ParseList(list);
    if (!stop.empty()) throw ParseError{items_[next_ - 1].pos, "unexpected {{" + stop + "}}"};
    return list;
  }

 private:
  // Parses nodes up to {{end}}, {{else}} or the end; returns "end",
  // "else" (the else item consumed; else_tok_ points after it) or "".
  std::string ParseList(std::vector<Node>& list) {
    if (++depth_ > kMaxDepth) throw ParseError{0, "max nesting depth exceeded"};
    while (next_ < items_.size()) {
      Item& item = items_[next_++];
      if (item.is_text) {
        list.push_back({Node::Kind::kText, item.text, {}, {}, {}, item.pos});
        continue;
      }
      const Token& first = item.tokens[0];
      std::string_view word = first.kind == Token::Kind::kIdent ? first.text : "";
      if (word == "end" || word == "else") {
        if (word == "end") ExpectEnd(item, 1, "end");
        tok_ = 1;
        --depth_;
        return std::string(word);
      }
      if (word == "if" || word == "with" || word == "range") {
        tok_ = 1;
        list.push_back(ParseControl(item, word));
      } else if (word == "break" || word == "continue") {
        if (range_depth_ == 0) throw ParseError{item.pos, "{{" + std::string(word) + "}} outside {{range}}"};
        ExpectEnd(item, 1, word);
        list.push_back({word == "break" ? Node::Kind::kBreak : Node::Kind::kContinue, "", {}, {}, {}, item.pos});
      } else if (word == "define" || word == "template" || word == "block") {
        throw ParseError{item.pos, "{{" + std::string(word) + "}} is not supported"};
      } else {
        tok_ = 0;
        Node n{Node::Kind::kAction, item.text, ParsePipeline(item, "command", false), {}, {}, item.pos};
        list.push_back(std::move(n));
      }
    }
    --depth_;
    return "";
  }

  void ExpectEnd(const Item& item, size_t at, std::string_view what) {
    const Token& t = item.tokens[at];
    if (t.kind != Token::Kind::kEnd) {
      throw ParseError{t.pos, "unexpected " + Describe(t) + " in " + std::string(what)};
    }
  }

  static std::string Describe(const Token& t) {
    if (t.kind == Token::Kind::kEnd) return "}}";
    return "\"" + t.text + "\"";
  }

  // The control starting at tok_ of `item` (its keyword consumed).
  Node ParseControl(Item& item, std::string_view word) {
    Node n;
    n.kind = word == "if" ? Node::Kind::kIf : word == "with" ? Node::Kind::kWith : Node::Kind::kRange;
    n.pos = item.pos;
    n.text = item.text;
    size_t vars = vars_.size();
    n.pipe = ParsePipeline(item, word, n.kind == Node::Kind::kRange);
    if (n.kind == Node::Kind::kRange) ++range_depth_;
    std::string stop = ParseList(n.list);
    if (n.kind == Node::Kind::kRange) --range_depth_;
    if (stop == "else") {
      Item& else_item = items_[next_ - 1];
      const Token& t = else_item.tokens[1];
      if (n.kind != Node::Kind::kRange && t.kind == Token::Kind::kIdent && t.text == word) {
        // {{else if ...}}: a nested control that consumes the {{end}}.
        if (++depth_ > kMaxDepth) throw ParseError{else_item.pos, "max nesting depth exceeded"};
        tok_ = 2;
        n.else_list.push_back(ParseControl(else_item, word));
        --depth_;
        vars_.resize(vars);
        return n;
      }
      ExpectEnd(else_item, 1, "else");
      stop = ParseList(n.else_list);
    }
    if (stop != "end") throw ParseError{items_.back().pos, "unexpected EOF"};
    vars_.resize(vars);
    return n;
  }

  // A pipeline from tok_ to the end of the action.
  Pipeline ParsePipeline(const Item& item, std::string_view context, bool is_range) {
    const std::vector<Token>& t = item.tokens;
    Pipeline p;
    p.pos = item.pos;
    size_t i = tok_;
    if (t[i].kind == Token::Kind::kVariable) {
      size_t j = i + 1;
      std::vector<std::string> names{t[i].text};
      if (is_range && t[j].kind == Token::Kind::kComma && t[j + 1].kind == Token::Kind::kVariable) {
        names.push_back(t[j + 1].text);
        j += 2;
      }
      if (t[j].kind == Token::Kind::kDeclare || (t[j].kind == Token::Kind::kAssign && names.size() == 1)) {
        p.is_assign = t[j].kind == Token::Kind::kAssign;
        for (const std::string& name : names) {
          if (p.is_assign && !Defined(name)) throw ParseError{t[i].pos, "undefined variable \"" + name + "\""};
        }
        p.decl = names;
        i = j + 1;
      } else if (names.size() == 2) {
        throw ParseError{t[i].pos, "range can only initialize variables"};
      }
    }
    i = ParseCommands(item, i, p, context);
    if (t[i].kind != Token::Kind::kEnd) throw ParseError{t[i].pos, "unexpected " + Describe(t[i]) + " in " + std::string(context)};
    if (!p.is_assign) vars_.insert(vars_.end(), p.decl.begin(), p.decl.end());
    return p;
  }

  // Commands separated by | up to the action's end or a ')'.
  size_t ParseCommands(const Item& item, size_t i, Pipeline& p, std::string_view context) {
    const std::vector<Token>& t = item.tokens;
    while (true) {
      Command cmd;
      cmd.pos = t[i].pos;
      while (t[i].kind != Token::Kind::kEnd && t[i].kind != Token::Kind::kPipe &&
             t[i].kind != Token::Kind::kRightParen) {
        i = ParseOperand(item, i, cmd);
      }
      if (cmd.args.empty()) throw ParseError{t[i].pos, "missing value for " + std::string(context)};
      size_t end_pos = t[i].pos;
      cmd.text = std::string(TrimSource(item, cmd.pos, end_pos));
      Operand::Kind head = cmd.args[0].kind;
      // Only the first stage may start with something that cannot run.
      bool inert = head == Operand::Kind::kBool || head == Operand::Kind::kDot || head == Operand::Kind::kNil ||
                   head == Operand::Kind::kNumber || head == Operand::Kind::kString;
      if (!p.cmds.empty() && inert) {
        throw ParseError{cmd.pos, "non executable command in pipeline stage " + std::to_string(p.cmds.size() + 1)};
      }
      p.cmds.push_back(std::move(cmd));
      if (t[i].kind != Token::Kind::kPipe) return i;
      ++i;
    }
  }

  std::string_view TrimSource(const Item& item, size_t from, size_t to) const {
    std::string_view s = std::string_view(item.text).substr(std::min(from - ContentStart(item), item.text.size()),
                                                             to - from);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
  }
  static size_t ContentStart(const Item& item) { return item.tokens.back().pos - item.text.size(); }

  bool Defined(const std::string& name) const {
    return name == "$" || std::find(vars_.begin(), vars_.end(), name) != vars_.end();
  }

  size_t ParseOperand(const Item& item, size_t i, Command& cmd) {
    const std::vector<Token>& t = item.tokens;
    const Token& tok = t[i];
    Operand op;
    op.pos = tok.pos;
    switch (tok.kind) {
      case Token::Kind::kDot: op.kind = Operand::Kind::kDot; break;
      case Token::Kind::kField:
        op.kind = Operand::Kind::kField;
        op.chain.push_back(tok.text.substr(1));
        break;
      case Token::Kind::kVariable:
        if (!Defined(tok.text)) throw ParseError{tok.pos, "undefined variable \"" + tok.text + "\""};
        op.kind = Operand::Kind::kVariable;
        op.name = tok.text;
        break;
      case Token::Kind::kString:
      case Token::Kind::kRawString:
        op.kind = Operand::Kind::kString;
        op.name = tok.kind == Token::Kind::kString ? Unquote(tok.text, tok.pos) : tok.text.substr(1, tok.text.size() - 2);
        break;
      case Token::Kind::kChar:
      case Token::Kind::kNumber:
        op.kind = Operand::Kind::kNumber;
        op.name = tok.text;
        if (tok.kind == Token::Kind::kChar) {
          std::string c = Unquote(tok.text, tok.pos);
          if (c.size() != 1) throw ParseError{tok.pos, "malformed character constant: " + tok.text};
          op.name = std::to_string(static_cast<unsigned char>(c[0]));
        }
        break;
      case Token::Kind::kIdent:
        if (tok.text == "true" || tok.text == "false") {
          op.kind = Operand::Kind::kBool;
          op.boolean = tok.text == "true";
        } else if (tok.text == "nil") {
          op.kind = Operand::Kind::kNil;
        } else if (IsFunction(tok.text) || tok.text == "and" || tok.text == "or") {
          op.kind = Operand::Kind::kFunction;
          op.name = tok.text;
        } else if (std::find(std::begin(kKeywords), std::end(kKeywords), tok.text) != std::end(kKeywords)) {
          throw ParseError{tok.pos, "unexpected <" + tok.text + "> in command"};
        } else {
          throw ParseError{tok.pos, "function \"" + tok.text + "\" not defined"};
        }
        break;
      case Token::Kind::kLeftParen: {
        if (++depth_ > kMaxDepth) throw ParseError{tok.pos, "max nesting depth exceeded"};
        op.kind = Operand::Kind::kPipe;
        op.pipe = std::make_shared<Pipeline>();
        op.pipe->pos = tok.pos;
        size_t close = ParseCommands(item, i + 1, *op.pipe, "parenthesized pipeline");
        if (t[close].kind != Token::Kind::kRightParen) throw ParseError{t[close].pos, "unclosed left paren"};
        --depth_;
        i = close;
        break;
      }
      default:
        throw ParseError{tok.pos, "unexpected " + Describe(tok) + " in operand"};
    }
    ++i;
    while (t[i].kind == Token::Kind::kField && !t[i].spaced) {
      if (op.kind != Operand::Kind::kField && op.kind != Operand::Kind::kVariable && op.kind != Operand::Kind::kPipe &&
          op.kind != Operand::Kind::kDot) {
        throw ParseError{t[i].pos, "unexpected . after term \"" + t[i - 1].text + "\""};
      }
      op.chain.push_back(t[i].text.substr(1));
      ++i;
    }
    op.text = std::string(TrimSource(item, tok.pos, t[i].pos));
    cmd.args.push_back(std::move(op));
    return i;
  }

  std::vector<Item> items_;
  size_t next_ = 0;
  size_t tok_ = 0;
  size_t depth_ = 0;
  size_t range_depth_ = 0;
  std::vector<std::string> vars_;
};

}  // namespace

Result<std::vector<Node>> ParseTemplate(std::string_view source) {
  try {
    return Parser(Lexer(source).Run()).Run();
  } catch (const ParseError& e) {
    size_t line = 1 + static_cast<size_t>(std::count(source.begin(), source.begin() + std::min(e.pos, source.size()), '\n'));
    return Status::InvalidArgument("template: template:" + std::to_string(line) + ": " + e.message);
  }
}

}  // namespace sluice::policy::gotmpl
