// Terms: infix operators (as builtin calls), scalars, refs, calls and
// template strings (composites are in parse_composite.cc).
#include <cstdint>

#include "policy/parser_internal.h"

namespace sluice::policy::internal {

using ast::Term;

namespace {

// OPA rejects numbers whose binary exponent exceeds 1e5 in magnitude
// (about 10^±30103): the decimal exponent of the leading digit, roughly.
bool NumberTooBig(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  int64_t leading = INT64_MIN;  // decimal exponent of the first non-zero digit
  int64_t int_digits = 0;
  bool in_fraction = false;
  int64_t fraction_index = 0;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    char c = text[i];
    if (c == '.') {
      in_fraction = true;
      continue;
    }
    if (!in_fraction) {
      if (leading == INT64_MIN && c != '0') leading = 0;
      if (leading != INT64_MIN) ++int_digits;
    } else {
      ++fraction_index;
      if (leading == INT64_MIN && c != '0') leading = -fraction_index;
    }
  }
  if (leading == INT64_MIN) return false;  // zero
  if (int_digits > 0) leading = int_digits - 1;
  int64_t exponent = 0;
  if (i < text.size()) {
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    for (; i < text.size(); ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  int64_t e10 = leading + exponent;
  return e10 > 30102 || e10 < -30104;
}

}  // namespace

// ---- infix operators, loosest first: in, relations, |, &, + -, * / % -----------

Parser::TermOpt Parser::ParseTermInfixCall() {
  std::optional<Term> first;
  return ParseTermIn(&first, /*key_value=*/true);
}

Parser::TermOpt Parser::ParseTermInfixCallInList() {
  std::optional<Term> first;
  return ParseTermIn(&first, /*key_value=*/false);
}

Parser::TermOpt Parser::ParseTermInfixCallInListFrom(Term first_term) {
  std::optional<Term> first = std::move(first_term);
  return ParseTermIn(&first, /*key_value=*/false);
}

Term Parser::MakeCall(const Token& op_token, std::string_view op_name, Term lhs, Term rhs) const {
  ast::Location loc = SpanFrom(lhs.location, LastEnd());
  ast::Call call;
  call.terms.reserve(3);
  call.terms.push_back(ast::MakeOperatorRef(op_name, Loc(op_token)));
  call.terms.push_back(std::move(lhs));
  call.terms.push_back(std::move(rhs));
  return ast::MakeTerm(std::move(call), loc);
}

Parser::TermOpt Parser::ParseTermIn(std::optional<Term>* first, bool key_value) {
  TermOpt lhs = ParseBinary(first, 1);
  if (!lhs) return std::nullopt;
  while (true) {
    // `k, v in xs` (only where a comma cannot mean anything else).
    if (key_value && At(TokenKind::kComma)) {
      State s = Save();
      Next();
      std::optional<Term> none;
      TermOpt mhs = ParseBinary(&none, 1);
      if (mhs && AtKeyword(Word::kIn)) {
        const Token& op = tok();
        Next();
        std::optional<Term> none2;
        if (TermOpt rhs = ParseBinary(&none2, 1)) {
          ast::Location loc = SpanFrom(lhs->location, LastEnd());
          ast::Call call;
          call.terms.reserve(4);
          call.terms.push_back(ast::MakeOperatorRef(kMember3, Loc(op)));
          call.terms.push_back(std::move(*lhs));
          call.terms.push_back(std::move(*mhs));
          call.terms.push_back(std::move(*rhs));
          lhs = ast::MakeTerm(std::move(call), loc);
          if (AtKeyword(Word::kIn)) continue;
          return lhs;
        }
      }
      Restore(s);
    }
    ScanAheadRef();
    if (!AtKeyword(Word::kIn)) return lhs;
    const Token& op = tok();
    Next();
    std::optional<Term> none;
    TermOpt rhs = ParseBinary(&none, 1);
    if (!rhs) return std::nullopt;
    lhs = MakeCall(op, kMember2, std::move(*lhs), std::move(*rhs));
    if (!AtKeyword(Word::kIn)) return lhs;
  }
}

namespace {

// Binding strength of the binary operators below `in`; 0 for other tokens.
int BinaryPrecedence(TokenKind k) {
  switch (k) {
    case TokenKind::kEqual:
    case TokenKind::kNeq:
    case TokenKind::kLt:
    case TokenKind::kGt:
    case TokenKind::kLte:
    case TokenKind::kGte:
      return 1;
    case TokenKind::kPipe:
      return 2;
    case TokenKind::kAmp:
      return 3;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return 4;
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return 5;
    default:
      return 0;
  }
}

}  // namespace

// Precedence climbing over OPA's levels (relations, |, &, + -, * / %), all
// left-associative: the same trees as OPA's one-function-per-level parser
// with fewer stack frames per nesting level.
Parser::TermOpt Parser::ParseBinary(std::optional<Term>* first, int min_precedence) {
  TermOpt lhs;
  if (first->has_value()) {
    lhs = std::move(*first);
    first->reset();
  } else {
    lhs = ParseTerm();
  }
  while (lhs) {
    int precedence = BinaryPrecedence(tok().kind);
    if (precedence == 0 || precedence < min_precedence) break;
    const Token& op = tok();
    Next();
    std::optional<Term> none;
    TermOpt rhs = ParseBinary(&none, precedence + 1);
    if (!rhs) return std::nullopt;
    // TokenName is the builtin each binary operator stands for ("plus", "lt").
    lhs = MakeCall(op, TokenName(op.kind), std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

// ---- primaries -------------------------------------------------------------------

Parser::TermOpt Parser::ParseTerm() {
  if (!Enter()) return std::nullopt;
  const Token& t = tok();
  TermOpt term;
  switch (t.kind) {
    case TokenKind::kIdent: {
      bool keyword = IsKeywordToken(t, pos_);
      if (keyword && t.word == Word::kNull) {
        term = ast::MakeTerm(ast::Null{}, Loc(t));
        Next();
      } else if (keyword && (t.word == Word::kTrue || t.word == Word::kFalse)) {
        term = ast::MakeBoolean(t.word == Word::kTrue, Loc(t));
        Next();
      } else if (!keyword || t.word == Word::kContains) {
        // `contains` is a keyword only in rule heads (the builtin elsewhere).
        term = ParseVar();
      } else {
        Illegal();
      }
      break;
    }
    case TokenKind::kNumber:
    case TokenKind::kMinus:
    case TokenKind::kDot:
      term = ParseNumber();
      break;
    case TokenKind::kString:
      term = ast::MakeString(t.text, Loc(t));
      Next();
      break;
    case TokenKind::kTemplateFull:
    case TokenKind::kTemplateHead:
      term = ParseTemplateString();
      break;
    case TokenKind::kLBrack:
      term = ParseArray();
      break;
    case TokenKind::kLBrace:
      term = ParseSetOrObject();
      break;
    case TokenKind::kLParen: {
      const Token& open = t;
      Next();
      term = ParseTermInfixCall();
      if (!term) break;
      if (!At(TokenKind::kRParen)) {
        Error(tok(), "non-terminated expression");
        term.reset();
        break;
      }
      Next();
      term->location = Span(open, LastEnd());
      break;
    }
    default:
      Illegal();
      break;
  }
  if (term) term = ParseTermFinish(std::move(*term));
  Leave();
  return term;
}

Parser::TermOpt Parser::ParseTermFinish(Term head) {
  const Token& t = tok();
  if (!t.space_before &&
      (t.kind == TokenKind::kLParen || t.kind == TokenKind::kDot || t.kind == TokenKind::kLBrack)) {
    return ParseRef(std::move(head), /*first_may_follow_space=*/false);
  }
  const ast::Var* v = head.get_if<ast::Var>();
  if (v != nullptr && (v->name == "data" || v->name == "input")) {
    ast::Location loc = head.location;
    ast::Ref ref;
    ref.terms.push_back(std::move(head));
    return ast::MakeTerm(std::move(ref), loc);
  }
  return head;
}

Parser::TermOpt Parser::ParseRef(Term head, bool first_may_follow_space) {
  switch (head.kind()) {
    case ast::TermKind::kVar:
    case ast::TermKind::kArray:
    case ast::TermKind::kObject:
    case ast::TermKind::kSet:
    case ast::TermKind::kArrayComprehension:
    case ast::TermKind::kSetComprehension:
    case ast::TermKind::kObjectComprehension:
    case ast::TermKind::kCall:
      break;
    default:
      Error(head.location,
            "illegal ref (head cannot be " + std::string(ast::TermKindName(head.kind())) + ")");
      return std::nullopt;
  }
  ast::Location start = head.location;
  ast::Ref ref;
  ref.terms.push_back(std::move(head));
  for (bool first = true;; first = false) {
    const Token& t = tok();
    if (t.space_before && !(first && first_may_follow_space)) break;
    if (t.kind == TokenKind::kDot) {
      Next();
      // Any word, keywords included, may follow a dot (`data.foo.if`).
      if (tok().space_before || !At(TokenKind::kIdent)) {
        Illegal("expected ident");  // OPA names the token kind "ident"
        return std::nullopt;
      }
      ref.terms.push_back(ast::MakeString(tok().text, Loc(tok())));
      Next();
    } else if (t.kind == TokenKind::kLBrack) {
      Next();
      TermOpt index = ParseTermInfixCall();
      if (!index) return std::nullopt;
      if (!At(TokenKind::kRBrack)) {
        Illegal("expected ]");
        return std::nullopt;
      }
      Next();
      ref.terms.push_back(std::move(*index));
    } else if (t.kind == TokenKind::kLParen) {
      Term op = ast::MakeTerm(std::move(ref), SpanFrom(start, LastEnd()));
      TermOpt call = ParseCall(std::move(op), start);
      if (!call) return std::nullopt;
      const Token& n = tok();
      if (!n.space_before && (n.kind == TokenKind::kDot || n.kind == TokenKind::kLBrack)) {
        return ParseRef(std::move(*call), /*first_may_follow_space=*/false);
      }
      return call;
    } else {
      break;
    }
  }
  return ast::MakeTerm(std::move(ref), SpanFrom(start, LastEnd()));
}

Parser::TermOpt Parser::ParseCall(Term op, const ast::Location& start) {
  Next();  // (
  if (At(TokenKind::kRParen)) {
    Next();
    // set() is the empty set, not a call.
    const ast::Ref* ref = op.get_if<ast::Ref>();
    const ast::Var* name =
        ref != nullptr && ref->terms.size() == 1 ? ref->terms[0].get_if<ast::Var>() : nullptr;
    if (name != nullptr && name->name == "set") {
      return ast::MakeTerm(ast::Set{}, SpanFrom(start, LastEnd()));
    }
    ast::Call call;
    call.terms.push_back(std::move(op));
    return ast::MakeTerm(std::move(call), SpanFrom(start, LastEnd()));
  }
  ast::Call call;
  call.terms.push_back(std::move(op));
  if (!ParseTermList(TokenKind::kRParen, &call.terms)) return std::nullopt;
  return ast::MakeTerm(std::move(call), SpanFrom(start, LastEnd()));
}

// ---- scalars -----------------------------------------------------------------------

Parser::TermOpt Parser::ParseNumber() {
  const Token& start = tok();
  std::string text;
  if (At(TokenKind::kMinus)) {
    text = "-";
    Next();
    if (!At(TokenKind::kNumber) && !At(TokenKind::kDot)) {
      Illegal("expected number");
      return std::nullopt;
    }
  }
  if (At(TokenKind::kDot)) {
    text += '.';
    Next();
    if (!At(TokenKind::kNumber)) {
      Illegal("expected number");
      return std::nullopt;
    }
  }
  const std::string& lit = tok().text;
  bool after_dot = !text.empty() && text.back() == '.';
  if (!after_dot && lit.size() > 1 && lit[0] == '0') {
    bool decimal = lit[1] == '.';
    bool scientific = lit.size() > 2 && (lit[1] == 'e' || lit[1] == 'E');
    if (!decimal && !scientific) {
      Illegal("expected number without leading zero");
      return std::nullopt;
    }
  }
  if (after_dot && lit.find('.') != std::string::npos) {
    Illegal("invalid float");
    return std::nullopt;
  }
  text += lit;
  if (NumberTooBig(text)) {
    Error(tok(), "number too big");
    return std::nullopt;
  }
  Next();
  return ast::MakeTerm(ast::Number{std::move(text)}, Span(start, LastEnd()));
}

Parser::TermOpt Parser::ParseTemplateString() {
  const Token& start = tok();
  ast::TemplateString ts;
  ts.raw = start.raw;
  while (true) {
    const Token& part = tok();
    if (!part.text.empty()) {
      ts.parts.push_back(ast::TemplatePart{ast::MakeString(part.text, Loc(part))});
    }
    TokenKind kind = part.kind;
    Next();
    if (kind == TokenKind::kTemplateFull || kind == TokenKind::kTemplateTail) break;
    size_t errors_before = errors_.size();
    ExprOpt e = ParseLiteral();
    if (!e) {
      if (errors_.size() == errors_before) Error(tok(), "invalid template-string expression");
      return std::nullopt;
    }
    auto reject = [&](const std::string& what) {
      Error(e->location, "unexpected " + what + " in template-string expression");
      return std::nullopt;
    };
    if (e->negated) return reject("negation ('not')");
    if (const ast::Call* call = e->get_if<ast::Call>()) {
      std::string op = ast::OperatorName(*call);
      if (op == "eq") return reject("unification ('=')");
      if (op == "assign") return reject("assignment (':=')");
    }
    if (e->kind() == ast::ExprKind::kEvery) return reject("'every'");
    if (e->kind() == ast::ExprKind::kSome) return reject("'some'");
    const Term* t = e->get_if<Term>();
    bool scalar = t != nullptr && e->with.empty() &&
                  (t->is<ast::String>() || t->is<ast::Number>() || t->is<ast::Boolean>() ||
                   t->is<ast::Null>());
    if (scalar) {
      ts.parts.push_back(ast::TemplatePart{*t});
    } else {
      ts.parts.push_back(ast::TemplatePart{std::move(*e)});
    }
    if (!At(TokenKind::kTemplateMiddle) && !At(TokenKind::kTemplateTail)) {
      Error(tok(), "expected } to end template string expression");
      return std::nullopt;
    }
  }
  return ast::MakeTerm(std::move(ts), Span(start, LastEnd()));
}

}  // namespace sluice::policy::internal
