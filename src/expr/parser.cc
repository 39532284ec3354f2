#include "expr/parser.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <utility>

namespace sluice::expr {
namespace {

// Deeper nesting than this is rejected rather than risking the stack.
constexpr int kMaxDepth = 200;
// Operators chained at one level (`a + b + ...`, `x.f().g()...`) build a
// tree as deep as the chain, which evaluation walks recursively.
constexpr int kMaxChain = 1000;

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kIdentifier:
      return "'" + t.text + "'";
    case TokenKind::kNumber:
      return "number " + t.text;
    case TokenKind::kString:
      return "string \"" + t.text + "\"";
    default:
      return std::string(TokenKindName(t.kind));
  }
}

NodePtr MakeNode(NodeKind kind, size_t begin, size_t end) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->begin = begin;
  n->end = end;
  return n;
}

NodePtr MakeBinary(Op op, NodePtr left, NodePtr right) {
  auto n = MakeNode(NodeKind::kBinary, left->begin, right->end);
  n->op = op;
  n->children.push_back(std::move(left));
  n->children.push_back(std::move(right));
  return n;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  ParseResult Template() {
    NodePtr n = Primary();
    if (n && !AtEnd()) Fail(Peek(), "unexpected " + Describe(Peek()) + " after the expression");
    return Finish(std::move(n));
  }

  ParseResult Condition() {
    if (AtEnd()) {
      Fail(Peek(), "empty condition");
      return Finish(nullptr);
    }
    NodePtr n = Ternary();
    if (n && !AtEnd()) Fail(Peek(), "unexpected " + Describe(Peek()) + " after the condition");
    return Finish(std::move(n));
  }

 private:
  ParseResult Finish(NodePtr n) {
    if (error_) return *error_;
    return n;
  }

  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool Is(TokenKind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  bool IsKeyword(std::string_view word) const {
    return Is(TokenKind::kIdentifier) && Peek().text == word;
  }
  const Token& Take() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  std::nullptr_t Fail(const Token& at, std::string message) {
    if (!error_) error_ = ExprError{at.offset, std::move(message)};
    return nullptr;
  }
  // Consumes a token of `kind` or fails with "expected <what>, found ...".
  bool Expect(TokenKind kind, std::string_view what) {
    if (Is(kind)) {
      Take();
      return true;
    }
    Fail(Peek(), "expected " + std::string(what) + ", found " + Describe(Peek()));
    return false;
  }

  // Guards recursion through Ternary/Unary/Primary.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) { ++p_->depth_; }
    ~DepthGuard() { --p_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool too_deep() const { return p_->depth_ > kMaxDepth; }

   private:
    Parser* p_;
  };

  NodePtr Ternary() {
    DepthGuard guard(this);
    if (guard.too_deep()) return Fail(Peek(), "expression is nested too deeply");
    NodePtr cond = Or();
    if (!cond || !Is(TokenKind::kQuestion)) return cond;
    Take();
    NodePtr yes = Ternary();
    if (!yes) return nullptr;
    if (!Expect(TokenKind::kColon, "':' of the conditional a ? b : c")) return nullptr;
    NodePtr no = Ternary();
    if (!no) return nullptr;
    auto n = MakeNode(NodeKind::kTernary, cond->begin, no->end);
    n->children.push_back(std::move(cond));
    n->children.push_back(std::move(yes));
    n->children.push_back(std::move(no));
    return n;
  }

  NodePtr Or() {
    NodePtr left = And();
    for (int chain = 0; left && (Is(TokenKind::kOrOr) || IsKeyword("or")); ++chain) {
      if (chain > kMaxChain) return Fail(Peek(), "expression is too long");
      Take();
      NodePtr right = And();
      if (!right) return nullptr;
      left = MakeBinary(Op::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr And() {
    NodePtr left = Equality();
    for (int chain = 0; left && (Is(TokenKind::kAndAnd) || IsKeyword("and")); ++chain) {
      if (chain > kMaxChain) return Fail(Peek(), "expression is too long");
      Take();
      NodePtr right = Equality();
      if (!right) return nullptr;
      left = MakeBinary(Op::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  // Parses `next` operands joined by the operators `table` maps tokens to.
  template <typename Next>
  NodePtr LeftAssociative(const std::initializer_list<std::pair<TokenKind, Op>>& table, Next next) {
    NodePtr left = (this->*next)();
    for (int chain = 0; left; ++chain) {
      if (chain > kMaxChain) return Fail(Peek(), "expression is too long");
      Op op = Op::kNone;
      for (const auto& [kind, candidate] : table) {
        if (Is(kind)) op = candidate;
      }
      if (op == Op::kNone) break;
      Take();
      NodePtr right = (this->*next)();
      if (!right) return nullptr;
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr Equality() {
    return LeftAssociative({{TokenKind::kEqual, Op::kEqual},
                            {TokenKind::kNotEqual, Op::kNotEqual},
                            {TokenKind::kRegexMatch, Op::kRegexMatch},
                            {TokenKind::kRegexNoMatch, Op::kRegexNoMatch},
                            {TokenKind::kStartsWith, Op::kStartsWith},
                            {TokenKind::kEndsWith, Op::kEndsWith}},
                           &Parser::Relation);
  }
  NodePtr Relation() {
    return LeftAssociative({{TokenKind::kLess, Op::kLess},
                            {TokenKind::kLessEqual, Op::kLessEqual},
                            {TokenKind::kGreater, Op::kGreater},
                            {TokenKind::kGreaterEqual, Op::kGreaterEqual}},
                           &Parser::Additive);
  }
  NodePtr Additive() {
    return LeftAssociative({{TokenKind::kPlus, Op::kAdd}, {TokenKind::kMinus, Op::kSubtract}},
                           &Parser::Term);
  }
  NodePtr Term() {
    return LeftAssociative({{TokenKind::kStar, Op::kMultiply},
                            {TokenKind::kSlash, Op::kDivide},
                            {TokenKind::kPercent, Op::kModulo}},
                           &Parser::Unary);
  }

  NodePtr Unary() {
    DepthGuard guard(this);
    if (guard.too_deep()) return Fail(Peek(), "expression is nested too deeply");
    Op op = Op::kNone;
    if (Is(TokenKind::kBang) || IsKeyword("not")) op = Op::kNot;
    if (Is(TokenKind::kMinus)) op = Op::kNegate;
    if (op == Op::kNone) return Postfix();
    const size_t begin = Take().offset;
    NodePtr operand = Unary();
    if (!operand) return nullptr;
    auto n = MakeNode(NodeKind::kUnary, begin, operand->end);
    n->op = op;
    n->children.push_back(std::move(operand));
    return n;
  }

  // True when the tokens from pos_ are `[ literal ]` or `.get(literal)`,
  // i.e. a static key that can extend a path. Sets *key.
  bool StaticKeyAhead(std::string* key, size_t* length) const {
    auto literal_key = [&](size_t ahead) {
      const Token& t = Peek(ahead);
      if (t.kind == TokenKind::kString) return true;
      return t.kind == TokenKind::kNumber && t.number.is_number_integer();
    };
    if (Is(TokenKind::kLeftBracket) && literal_key(1) && Is(TokenKind::kRightBracket, 2)) {
      *key = Peek(1).text;
      *length = 3;
      return true;
    }
    if (Is(TokenKind::kDot) && Is(TokenKind::kIdentifier, 1) && Peek(1).text == "get" &&
        Is(TokenKind::kLeftParen, 2) && literal_key(3) && Is(TokenKind::kRightParen, 4)) {
      *key = Peek(3).text;
      *length = 5;
      return true;
    }
    return false;
  }

  NodePtr Postfix() {
    NodePtr base = Primary();
    for (int chain = 0; base; ++chain) {
      if (chain > kMaxChain) return Fail(Peek(), "expression is too long");
      std::string key;
      size_t length = 0;
      if (base->kind == NodeKind::kPath && StaticKeyAhead(&key, &length)) {
        base->path.push_back(key);
        base->end = Peek(length - 1).offset + Peek(length - 1).length;
        pos_ += length;
      } else if (Is(TokenKind::kDot)) {
        Take();
        if (!Is(TokenKind::kIdentifier)) {
          return Fail(Peek(), "expected a name after '.', found " + Describe(Peek()));
        }
        const Token& name = Take();
        if (Is(TokenKind::kLeftParen)) {
          base = Call(std::move(base), name);
        } else if (base->kind == NodeKind::kPath) {
          base->path.push_back(name.text);
          base->end = name.offset + name.length;
        } else {
          auto n = MakeNode(NodeKind::kMember, base->begin, name.offset + name.length);
          n->name = name.text;
          n->children.push_back(std::move(base));
          base = std::move(n);
        }
      } else if (Is(TokenKind::kLeftBracket)) {
        Take();
        NodePtr index = Ternary();
        if (!index) return nullptr;
        const size_t close = Peek().offset;
        if (!Expect(TokenKind::kRightBracket, "']'")) return nullptr;
        auto n = MakeNode(NodeKind::kIndex, base->begin, close + 1);
        n->children.push_back(std::move(base));
        n->children.push_back(std::move(index));
        base = std::move(n);
      } else {
        break;
      }
    }
    return base;
  }

  NodePtr Call(NodePtr receiver, const Token& name) {
    Take();  // (
    auto n = MakeNode(NodeKind::kCall, receiver->begin, 0);
    n->name = name.text;
    n->children.push_back(std::move(receiver));
    if (!Is(TokenKind::kRightParen)) {
      while (true) {
        NodePtr arg = Ternary();
        if (!arg) return nullptr;
        n->children.push_back(std::move(arg));
        if (Is(TokenKind::kComma)) {
          Take();
          continue;
        }
        if (Is(TokenKind::kRightParen)) break;
        return Fail(Peek(), "expected ',' or ')' in the arguments of " + name.text + "(), found " +
                                Describe(Peek()));
      }
    }
    n->end = Take().offset + 1;
    return n;
  }

  NodePtr Primary() {
    DepthGuard guard(this);
    if (guard.too_deep()) return Fail(Peek(), "expression is nested too deeply");
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        Take();
        auto n = MakeNode(NodeKind::kLiteral, t.offset, t.offset + t.length);
        n->literal = t.number;
        return n;
      }
      case TokenKind::kString: {
        Take();
        auto n = MakeNode(NodeKind::kLiteral, t.offset, t.offset + t.length);
        n->literal = t.text;
        return n;
      }
      case TokenKind::kIdentifier: {
        if (t.text == "and" || t.text == "or") {
          return Fail(t, "expected a value before '" + t.text + "'");
        }
        Take();
        auto n = MakeNode(NodeKind::kLiteral, t.offset, t.offset + t.length);
        if (t.text == "true") {
          n->literal = true;
        } else if (t.text == "false") {
          n->literal = false;
        } else if (t.text == "null") {
          n->literal = nullptr;
        } else {
          n->kind = NodeKind::kPath;
          n->path.push_back(t.text);
        }
        return n;
      }
      case TokenKind::kLeftParen: {
        Take();
        NodePtr inner = Ternary();
        if (!inner) return nullptr;
        if (!Expect(TokenKind::kRightParen, "')'")) return nullptr;
        return inner;
      }
      case TokenKind::kTemplateOpen: {
        Take();
        if (Is(TokenKind::kTemplateClose)) return Fail(t, "empty <+> expression");
        NodePtr inner = Ternary();
        if (!inner) return nullptr;
        const Token& close = Peek();
        if (!Expect(TokenKind::kTemplateClose,
                    "'>' to close the <+ at offset " + std::to_string(t.offset))) {
          return nullptr;
        }
        auto n = MakeNode(NodeKind::kTemplate, t.offset, close.offset + 1);
        n->children.push_back(std::move(inner));
        return n;
      }
      case TokenKind::kLeftBracket: {
        Take();
        auto n = MakeNode(NodeKind::kArray, t.offset, 0);
        while (!Is(TokenKind::kRightBracket)) {
          NodePtr item = Ternary();
          if (!item) return nullptr;
          n->children.push_back(std::move(item));
          if (Is(TokenKind::kComma)) {
            Take();
          } else if (!Is(TokenKind::kRightBracket)) {
            return Fail(Peek(), "expected ',' or ']' in the list, found " + Describe(Peek()));
          }
        }
        n->end = Take().offset + 1;
        return n;
      }
      default:
        return Fail(t, "expected a value, found " + Describe(t));
    }
  }

  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::optional<ExprError> error_;
};

}  // namespace

const char* OpSpelling(Op op) {
  switch (op) {
    case Op::kNone:
      return "";
    case Op::kNot:
      return "!";
    case Op::kNegate:
      return "-";
    case Op::kAnd:
      return "&&";
    case Op::kOr:
      return "||";
    case Op::kEqual:
      return "==";
    case Op::kNotEqual:
      return "!=";
    case Op::kLess:
      return "<";
    case Op::kLessEqual:
      return "<=";
    case Op::kGreater:
      return ">";
    case Op::kGreaterEqual:
      return ">=";
    case Op::kRegexMatch:
      return "=~";
    case Op::kRegexNoMatch:
      return "!~";
    case Op::kStartsWith:
      return "=^";
    case Op::kEndsWith:
      return "=$";
    case Op::kAdd:
      return "+";
    case Op::kSubtract:
      return "-";
    case Op::kMultiply:
      return "*";
    case Op::kDivide:
      return "/";
    case Op::kModulo:
      return "%";
  }
  return "?";
}

ParseResult ParseTemplateTokens(const std::vector<Token>& tokens) {
  return Parser(tokens).Template();
}

ParseResult ParseConditionTokens(const std::vector<Token>& tokens) {
  return Parser(tokens).Condition();
}

}  // namespace sluice::expr
