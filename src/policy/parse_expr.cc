// Bodies and literals: expressions, `not`, `some`, `every`, `with`, and the
// experimental `and` / `or` operators.
#include "policy/parser_internal.h"

namespace sluice::policy::internal {


std::optional<ast::Body> Parser::ParseQueryText() {
  if (At(TokenKind::kEnd)) {
    Error(tok(), "empty query");
    return std::nullopt;
  }
  // As OPA's statement loop: one literal (or several joined by `;`) per step.
  ast::Body body;
  while (!At(TokenKind::kEnd)) {
    std::optional<ast::Body> part = ParseQuery(/*require_semicolon=*/true, TokenKind::kEnd);
    if (!part) {
      KeepLimitError();
      return std::nullopt;
    }
    for (ast::Expr& e : *part) body.push_back(std::move(e));
  }
  if (!errors_.empty()) return std::nullopt;
  return body;
}

std::optional<ast::Body> Parser::ParseBody(TokenKind end) {
  if (!Enter()) return std::nullopt;
  std::optional<ast::Body> body = ParseQuery(/*require_semicolon=*/false, end);
  Leave();
  return body;
}

std::optional<ast::Body> Parser::ParseQuery(bool require_semicolon, TokenKind end) {
  if (At(end)) {
    Error(tok(), "found empty body");
    return std::nullopt;
  }
  ast::Body body;
  while (true) {
    ExprOpt e = ParseLiteral();
    if (!e) return std::nullopt;
    body.push_back(std::move(*e));
    if (At(TokenKind::kSemicolon)) {
      Next();
      continue;
    }
    if (At(end) || require_semicolon) return body;
    if (!tok().newline_before) {
      if (errors_.empty()) {
        Illegal("expected \\n or ; or " + std::string(lexer::TokenName(end)));
      }
      return std::nullopt;
    }
  }
}

Parser::ExprOpt Parser::ParseLiteral() {
  if (LogicalSyntax()) return ParseLogicalLiteral();
  return ParseSimpleLiteral();
}

// OPA's parseLiteral.
Parser::ExprOpt Parser::ParseSimpleLiteral() {
  const Token& start = tok();
  ExprOpt e;
  if (ScanAheadRef()) {
    e = ParseLiteralExpr(/*negated=*/false, /*with_allowed=*/true);
  } else {
    bool negated = false;
    if (AtKeyword(Word::kNot)) {
      Next();
      negated = true;
    }
    if (AtKeyword(Word::kSome)) {
      if (negated) {
        Illegal("illegal negation of 'some'");
        return std::nullopt;
      }
      e = ParseSome();
    } else if (AtKeyword(Word::kEvery)) {
      if (negated) {
        Illegal("illegal negation of 'every'");
        return std::nullopt;
      }
      e = ParseEvery();
    } else {
      e = ParseLiteralExpr(negated, /*with_allowed=*/true);
    }
  }
  if (e) e->location = Span(start, LastEnd());
  return e;
}

Parser::ExprOpt Parser::ParseLiteralExpr(bool negated, bool with_allowed) {
  ExprOpt e = ParseExpr();
  if (!e) return std::nullopt;
  e->negated = negated;
  if (with_allowed && AtKeyword(Word::kWith) && !ParseWith(&e->with)) return std::nullopt;
  return e;
}

Parser::ExprOpt Parser::ParseExpr() {
  const Token& start = tok();
  TermOpt lhs = ParseTermInfixCall();
  if (!lhs) return std::nullopt;
  ast::Expr e;
  if (At(TokenKind::kAssign) || At(TokenKind::kUnify)) {
    const Token& op = tok();
    bool assign = At(TokenKind::kAssign);
    Next();
    TermOpt rhs = ParseTermInfixCall();
    if (!rhs) return std::nullopt;
    ast::Call call;
    call.terms.reserve(3);
    call.terms.push_back(ast::MakeOperatorRef(assign ? "assign" : "eq", Loc(op)));
    call.terms.push_back(std::move(*lhs));
    call.terms.push_back(std::move(*rhs));
    e.value = std::move(call);
  } else if (ast::Call* call = lhs->get_if<ast::Call>()) {
    // A call at the top of an expression is the expression itself (OPA).
    e.value = std::move(*call);
  } else {
    e.value = std::move(*lhs);
  }
  e.location = Span(start, LastEnd());
  return e;
}

bool Parser::ParseWith(std::vector<ast::With>* out) {
  while (true) {
    const Token& start = tok();
    Next();  // with
    if (!AtIdent()) {
      Illegal("expected ident");
      return false;
    }
    TermOpt target = ParseTerm();
    if (!target) return false;
    if (!target->is<ast::Ref>() && !target->is<ast::Var>()) {
      Illegal("expected with target path");
      return false;
    }
    if (!AtKeyword(Word::kAs)) {
      Illegal("expected as keyword");
      return false;
    }
    Next();
    TermOpt value = ParseTermInfixCall();
    if (!value) return false;
    out->push_back(ast::With{Span(start, LastEnd()), std::move(*target), std::move(*value)});
    if (!AtKeyword(Word::kWith)) return true;
  }
}

Parser::ExprOpt Parser::ParseSome() {
  const Token& start = tok();
  State s = Save();
  Next();  // some
  // `some x in xs` / `some k, v in xs`: one member call.
  if (TermOpt term = ParseTermInfixCall()) {
    if (const ast::Call* call = term->get_if<ast::Call>()) {
      std::string op = ast::OperatorName(*call);
      size_t want = op == kMember2 ? 3 : op == kMember3 ? 4 : 0;
      if (want == 0) {
        Illegal("expected `x in xs` or `x, y in xs` expression");
        return std::nullopt;
      }
      if (call->terms.size() != want) {
        Illegal("illegal domain");
        return std::nullopt;
      }
      ast::Expr e;
      ast::SomeDecl decl;
      decl.symbols.push_back(std::move(*term));
      e.value = std::move(decl);
      if (AtKeyword(Word::kWith) && !ParseWith(&e.with)) return std::nullopt;
      e.location = Span(start, LastEnd());
      return e;
    }
  }
  Restore(s);
  // `some x, y`: declared variables.
  ast::SomeDecl decl;
  while (true) {
    Next();  // some or ,
    if (!AtIdent()) {
      Illegal("expected var");
      return std::nullopt;
    }
    decl.symbols.push_back(ParseVar());
    if (!At(TokenKind::kComma)) break;
  }
  ast::Expr e;
  e.value = std::move(decl);
  e.location = Span(start, LastEnd());
  return e;
}

Parser::ExprOpt Parser::ParseEvery() {
  const Token& start = tok();
  Next();  // every
  TermOpt term = ParseTermInfixCall();
  if (!term) return std::nullopt;
  ast::Call* call = term->get_if<ast::Call>();
  const char* kShape = "expected `x[, y] in xs { ... }` expression";
  if (call == nullptr) {
    Illegal(kShape);
    return std::nullopt;
  }
  std::string op = ast::OperatorName(*call);
  ast::Every every;
  if (op == kMember2) {
    if (call->terms.size() != 3) {
      Illegal("illegal domain");
      return std::nullopt;
    }
    every.value = std::move(call->terms[1]);
    every.domain = std::move(call->terms[2]);
  } else if (op == kMember3) {
    if (call->terms.size() != 4) {
      Illegal("illegal domain");
      return std::nullopt;
    }
    if (!call->terms[1].is<ast::Var>()) {
      Illegal("expected key to be a variable");
      return std::nullopt;
    }
    every.key = std::move(call->terms[1]);
    every.value = std::move(call->terms[2]);
    every.domain = std::move(call->terms[3]);
  } else {
    Illegal(kShape);
    return std::nullopt;
  }
  if (!every.value.is<ast::Var>()) {
    Illegal("expected value to be a variable");
    return std::nullopt;
  }
  if (!At(TokenKind::kLBrace)) {
    Illegal("missing body");
    return std::nullopt;
  }
  Next();
  std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
  if (!body) return std::nullopt;
  Next();
  every.body = std::move(*body);
  ast::Expr e;
  e.value = std::move(every);
  if (AtKeyword(Word::kWith) && !ParseWith(&e.with)) return std::nullopt;
  e.location = Span(start, LastEnd());
  return e;
}

// ---- experimental and / or, `not { ... }` ----------------------------------------
//
//   literal := some-decl | every | or-expr { with-modifier }
//   or-expr := and-expr { "or" and-expr }
//   and-expr := unit { "and" unit }
//   unit    := [ "not" ] ( "{" query "}" | expr )
// A `{ query }` unit is a block only when it is negated or an operand of
// and / or; otherwise `{` starts a set or object term as usual. `with`
// modifiers after the whole literal apply to all of it.

bool Parser::LogicalSyntax() const {
  return keywords_.has(ast::FutureKeyword::kAnd) || keywords_.has(ast::FutureKeyword::kOr) ||
         keywords_.has(ast::FutureKeyword::kNot);
}

Parser::ExprOpt Parser::ParseLogicalLiteral() {
  const Token& start = tok();
  bool keyword_ref = IsKeywordToken(tok(), pos_) && !Peek().space_before &&
                     (Peek().kind == TokenKind::kDot || Peek().kind == TokenKind::kLBrack);
  if (!keyword_ref) {
    bool negated = AtKeyword(Word::kNot);
    const Token& t = negated ? Peek() : tok();
    if (t.kind == TokenKind::kIdent &&
        (t.word == Word::kSome || (t.word == Word::kEvery && KeywordEnabled(Word::kEvery)))) {
      return ParseSimpleLiteral();
    }
  }
  ExprOpt e = ParseLogical(ast::LogicalOp::kOr, /*first_is_operand=*/false);
  if (!e) return std::nullopt;
  if (AtKeyword(Word::kWith) && !ParseWith(&e->with)) return std::nullopt;
  e->location = Span(start, LastEnd());
  return e;
}

Parser::ExprOpt Parser::ParseLogical(ast::LogicalOp op, bool first_is_operand) {
  const Token& start = tok();
  Word word = op == ast::LogicalOp::kOr ? Word::kOr : Word::kAnd;
  auto operand = [&](bool is_operand) {
    return op == ast::LogicalOp::kOr ? ParseLogical(ast::LogicalOp::kAnd, is_operand)
                                     : ParseLogicalUnit(is_operand);
  };
  ExprOpt first = operand(first_is_operand);
  if (!first || !AtKeyword(word)) return first;
  ast::Logical logical;
  logical.op = op;
  auto add = [&](ast::Expr e) {
    // A block operand contributes its body; any other expression is a
    // one-expression body.
    ast::Logical* block = e.get_if<ast::Logical>();
    if (block != nullptr && !e.negated && e.with.empty() && block->op == ast::LogicalOp::kAnd &&
        block->operands.size() == 1) {
      logical.operands.push_back(std::move(block->operands[0]));
    } else {
      ast::Body body;
      body.push_back(std::move(e));
      logical.operands.push_back(std::move(body));
    }
  };
  add(std::move(*first));
  while (AtKeyword(word)) {
    Next();
    ExprOpt next = operand(/*is_operand=*/true);
    if (!next) return std::nullopt;
    add(std::move(*next));
  }
  ast::Expr e;
  e.value = std::move(logical);
  e.location = Span(start, LastEnd());
  return e;
}

Parser::ExprOpt Parser::ParseLogicalUnit(bool is_operand) {
  const Token& start = tok();
  ExprOpt e;
  if (ScanAheadRef()) {
    e = ParseLiteralExpr(/*negated=*/false, /*with_allowed=*/false);
  } else {
    bool negated = false;
    if (AtKeyword(Word::kNot)) {
      Next();
      negated = true;
    }
    if (AtKeyword(Word::kSome) || AtKeyword(Word::kEvery)) {
      Illegal(negated ? "illegal negation of '" + tok().text + "'" : "");
      return std::nullopt;
    }
    if (At(TokenKind::kLBrace)) {
      State s = Save();
      Next();
      std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
      if (body) {
        Next();
        if (negated || is_operand || AtKeyword(Word::kAnd) || AtKeyword(Word::kOr)) {
          ast::Expr block;
          block.negated = negated;
          ast::Logical logical;
          logical.operands.push_back(std::move(*body));
          block.value = std::move(logical);
          block.location = Span(start, LastEnd());
          return block;
        }
      }
      Restore(s);  // a set or object term
    }
    e = ParseLiteralExpr(negated, /*with_allowed=*/false);
  }
  if (e) e->location = Span(start, LastEnd());
  return e;
}

}  // namespace sluice::policy::internal
