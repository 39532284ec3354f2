// Composite terms: lists, arrays, sets, objects and comprehensions.
#include "policy/parser_internal.h"

namespace sluice::policy::internal {

using ast::Term;

bool Parser::ParseTermList(TokenKind end, std::vector<Term>* out) {
  if (At(end)) {
    Next();
    return true;
  }
  while (true) {
    TermOpt t = ParseTermInfixCallInList();
    if (!t) return false;
    out->push_back(std::move(*t));
    if (At(end)) {
      Next();
      return true;
    }
    if (!At(TokenKind::kComma)) {
      Illegal("expected \",\" or \"" + std::string(lexer::TokenName(end)) + "\"");
      return false;
    }
    Next();
    if (At(end)) {  // a trailing comma
      Next();
      return true;
    }
  }
}

bool Parser::ParseTermPairList(TokenKind end, std::vector<ast::ObjectItem>* out) {
  if (At(end)) {
    Next();
    return true;
  }
  while (true) {
    TermOpt key = ParseTermInfixCallInList();
    if (!key) return false;
    if (!At(TokenKind::kColon)) {
      Illegal("expected \":\"");
      return false;
    }
    Next();
    TermOpt value = ParseTermInfixCallInList();
    if (!value) return false;
    out->push_back(ast::ObjectItem{std::move(*key), std::move(*value)});
    if (At(end)) {
      Next();
      return true;
    }
    if (!At(TokenKind::kComma)) {
      Illegal("expected \",\" or \"" + std::string(lexer::TokenName(end)) + "\"");
      return false;
    }
    Next();
    if (At(end)) {
      Next();
      return true;
    }
  }
}

// ---- composites --------------------------------------------------------------------
//
// `[t | body]` and `{t | body}` are comprehensions before `|` is read as the
// set-union operator: the first element is parsed as a plain term, and only
// when no comprehension follows is it continued as an infix term (OPA
// re-parses it; here it is continued from the parsed term).

Parser::TermOpt Parser::ParseArray() {
  const Token& open = tok();
  Next();
  auto finish = [&](ast::TermValue v) {
    return ast::MakeTerm(std::move(v), Span(open, LastEnd()));
  };
  if (At(TokenKind::kRBrack)) {
    Next();
    return finish(ast::Array{});
  }
  bool potential_comprehension = true;
  if (At(TokenKind::kComma)) {  // `[, x]` is accepted, as OPA does
    potential_comprehension = false;
    Next();
  }
  TermOpt head = ParseTerm();
  if (!head) return std::nullopt;
  ast::Array array;
  if (At(TokenKind::kRBrack)) {
    Next();
    array.items.push_back(std::move(*head));
    return finish(std::move(array));
  }
  if (At(TokenKind::kComma)) {
    Next();
    array.items.push_back(std::move(*head));
    if (!ParseTermList(TokenKind::kRBrack, &array.items)) return std::nullopt;
    return finish(std::move(array));
  }
  if (At(TokenKind::kPipe) && potential_comprehension) {
    State before_pipe = Save();
    Next();
    if (std::optional<ast::Body> body = ParseBody(TokenKind::kRBrack)) {
      Next();
      return finish(ast::ArrayComprehension{ast::Box<Term>(std::move(*head)), std::move(*body)});
    }
    if (!At(TokenKind::kComma)) return std::nullopt;
    // `[a | b, c]`: an array whose first item is a | b.
    Restore(before_pipe);
  }
  TermOpt item = ParseTermInfixCallInListFrom(std::move(*head));
  if (!item) return std::nullopt;
  array.items.push_back(std::move(*item));
  if (At(TokenKind::kRBrack)) {
    Next();
    return finish(std::move(array));
  }
  if (!At(TokenKind::kComma)) {
    Illegal("expected \",\" or \"]\"");
    return std::nullopt;
  }
  Next();
  if (!ParseTermList(TokenKind::kRBrack, &array.items)) return std::nullopt;
  return finish(std::move(array));
}

Parser::TermOpt Parser::ParseSetOrObject() {
  const Token& open = tok();
  Next();
  if (At(TokenKind::kRBrace)) {
    Next();
    return ast::MakeTerm(ast::Object{}, Span(open, LastEnd()));
  }
  bool potential_comprehension = true;
  if (At(TokenKind::kComma)) {
    potential_comprehension = false;
    Next();
  }
  State s = Save();
  TermOpt head = ParseTerm();
  if (!head) return std::nullopt;
  switch (tok().kind) {
    case TokenKind::kPipe:
      if (potential_comprehension) {
        return ParseSet(s, std::move(*head), /*potential_comprehension=*/true, open);
      }
      break;
    case TokenKind::kRBrace:
    case TokenKind::kComma:
      return ParseSet(s, std::move(*head), potential_comprehension, open);
    case TokenKind::kColon:
      return ParseObject(std::move(*head), potential_comprehension, open);
    default:
      break;
  }
  TermOpt key = ParseTermInfixCallInListFrom(std::move(*head));
  if (!key) return std::nullopt;
  switch (tok().kind) {
    case TokenKind::kRBrace:
    case TokenKind::kComma:
      return ParseSet(s, std::move(*key), /*potential_comprehension=*/false, open);
    case TokenKind::kColon:
      // Still maybe an object comprehension: `{k + 1: v | ...}`.
      return ParseObject(std::move(*key), potential_comprehension, open);
    default:
      break;
  }
  Illegal("non-terminated set");
  return std::nullopt;
}

Parser::TermOpt Parser::ParseSet(const State& s, Term head, bool potential_comprehension,
                                 const Token& open) {
  auto finish = [&](ast::TermValue v) {
    return ast::MakeTerm(std::move(v), Span(open, LastEnd()));
  };
  ast::Set set;
  switch (tok().kind) {
    case TokenKind::kRBrace:
      Next();
      set.items.push_back(std::move(head));
      return finish(std::move(set));
    case TokenKind::kComma:
      Next();
      set.items.push_back(std::move(head));
      if (!ParseTermList(TokenKind::kRBrace, &set.items)) return std::nullopt;
      return finish(std::move(set));
    case TokenKind::kPipe:
      if (potential_comprehension) {
        Next();
        if (std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace)) {
          Next();
          return finish(ast::SetComprehension{ast::Box<Term>(std::move(head)), std::move(*body)});
        }
        if (!At(TokenKind::kComma)) return std::nullopt;
      }
      // `{a | b, c}`: a set whose first item is a | b.
      Restore(s);
      if (!ParseTermList(TokenKind::kRBrace, &set.items)) return std::nullopt;
      return finish(std::move(set));
    default:
      return std::nullopt;
  }
}

Parser::TermOpt Parser::ParseObject(Term key, bool potential_comprehension, const Token& open) {
  Next();  // :
  State s = Save();
  TermOpt value = ParseTerm();
  if (!value) return std::nullopt;
  TokenKind after = tok().kind;
  if (potential_comprehension &&
      (after == TokenKind::kRBrace || after == TokenKind::kComma || after == TokenKind::kPipe)) {
    if (TermOpt t = ParseObjectFinish(&key, &*value, /*potential_comprehension=*/true, open)) {
      return t;
    }
    Restore(s);
    if (after != TokenKind::kPipe) {
      Illegal("non-terminated object");
      return std::nullopt;
    }
    // `{k: a | b}` whose body did not parse: the value is a | b.
    value = ParseTermInfixCallInList();
  } else {
    value = ParseTermInfixCallInListFrom(std::move(*value));
  }
  if (!value) return std::nullopt;
  if (At(TokenKind::kRBrace) || At(TokenKind::kComma)) {
    return ParseObjectFinish(&key, &*value, /*potential_comprehension=*/false, open);
  }
  Illegal("non-terminated object");
  return std::nullopt;
}

// Moves *key and *value into the result only when it succeeds, except on the
// `,` path (after which the caller does not reuse them).
Parser::TermOpt Parser::ParseObjectFinish(Term* key, Term* value, bool potential_comprehension,
                                          const Token& open) {
  auto finish = [&](ast::TermValue v) {
    return ast::MakeTerm(std::move(v), Span(open, LastEnd()));
  };
  switch (tok().kind) {
    case TokenKind::kRBrace: {
      Next();
      ast::Object object;
      object.items.push_back(ast::ObjectItem{std::move(*key), std::move(*value)});
      return finish(std::move(object));
    }
    case TokenKind::kPipe: {
      if (!potential_comprehension) {
        Illegal("non-terminated object");
        return std::nullopt;
      }
      Next();
      std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
      if (!body) return std::nullopt;
      Next();
      return finish(ast::ObjectComprehension{ast::Box<Term>(std::move(*key)),
                                             ast::Box<Term>(std::move(*value)), std::move(*body)});
    }
    case TokenKind::kComma: {
      Next();
      ast::Object object;
      object.items.push_back(ast::ObjectItem{std::move(*key), std::move(*value)});
      if (!ParseTermPairList(TokenKind::kRBrace, &object.items)) return std::nullopt;
      return finish(std::move(object));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::policy::internal
