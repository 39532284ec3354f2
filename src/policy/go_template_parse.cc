// Parser of Go text/template (go_template_internal.h): the lexer's items
// are assembled into a tree of nodes, checking names as Go's parser does
// (undefined variables and functions are parse errors).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "policy/go_template_internal.h"

namespace sluice::policy::gotmpl {
namespace {

constexpr std::string_view kKeywords[] = {"if", "else", "end", "range", "with", "break", "continue",
                                          "define", "template", "block", "nil", "true", "false"};
// Nested parentheses and blocks (Go stops parentheses at 10000 and blocks
// never; execution allows 1000 nested bodies, go_template_exec.cc).
constexpr size_t kMaxDepth = 1000;

class Parser {
 public:
  explicit Parser(std::vector<Item> items) : items_(std::move(items)) {}

  Tree Run() {
    std::vector<Node> list;
    std::string stop = ParseList(list);
    if (!stop.empty()) throw ParseError{items_[next_ - 1].pos, "unexpected {{" + stop + "}}"};
    tree_.templates[std::string(kRootName)] = std::move(list);
    return std::move(tree_);
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
      } else if (word == "define" && depth_ == 1) {
        std::string name = TemplateName(item, "define");
        ExpectEnd(item, 2, "define clause");
        ParseDefinition(name);
      } else if (word == "template" || word == "block") {
        list.push_back(ParseTemplateCall(item, word));
      } else {
        tok_ = 0;
        Node n{Node::Kind::kAction, item.text, ParsePipeline(item, "command", false), {}, {}, item.pos};
        list.push_back(std::move(n));
      }
    }
    --depth_;
    return "";
  }

  // The quoted name after define / template / block.
  static std::string TemplateName(const Item& item, std::string_view clause) {
    const Token& t = item.tokens[1];
    if (t.kind == Token::Kind::kString) return Unquote(t.text, t.pos);
    if (t.kind == Token::Kind::kRawString) return t.text.substr(1, t.text.size() - 2);
    throw ParseError{t.pos, "unexpected " + Describe(t) + " in " + std::string(clause) + " clause"};
  }

  // A body up to {{end}}, defined as `name`, with its own variables.
  void ParseDefinition(const std::string& name) {
    std::vector<std::string> vars = std::move(vars_);
    vars_.clear();
    size_t ranges = std::exchange(range_depth_, 0);
    std::vector<Node> body;
    std::string stop = ParseList(body);
    if (stop != "end") throw ParseError{items_[next_ - 1].pos, stop.empty() ? "unexpected EOF" : "unexpected {{else}}"};
    tree_.templates[name] = std::move(body);
    vars_ = std::move(vars);
    range_depth_ = ranges;
  }

  // {{template "name" [pipeline]}}, or {{block "name" pipeline}}...{{end}}
  // which also defines the name.
  Node ParseTemplateCall(const Item& item, std::string_view word) {
    Node n;
    n.kind = Node::Kind::kTemplate;
    n.pos = item.tokens[1].pos;  // Go places the node at its name
    n.text = "{{" + item.text + "}}";
    n.name = TemplateName(item, word);
    if (word == "block" || item.tokens[2].kind != Token::Kind::kEnd) {
      tok_ = 2;
      n.pipe = ParsePipeline(item, std::string(word) + " clause", false);
    }
    if (word == "block") ParseDefinition(n.name);
    return n;
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
        if (++depth_ > kMaxDepth) throw ParseError{tok.pos, "max expression depth exceeded"};
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
  Tree tree_;
};

}  // namespace

Result<Tree> ParseTemplate(std::string_view source) {
  try {
    return Parser(Lex(source)).Run();
  } catch (const ParseError& e) {
    size_t line = 1 + static_cast<size_t>(std::count(source.begin(), source.begin() + std::min(e.pos, source.size()), '\n'));
    return Status::InvalidArgument("template: template:" + std::to_string(line) + ": " + e.message);
  }
}

}  // namespace sluice::policy::gotmpl
