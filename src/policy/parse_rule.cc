// Rules: heads, bodies, else chains, default rules, bodiless statements
// read as rules, rule kinds and the v1-only checks.
#include <algorithm>

#include "policy/parser_internal.h"

namespace sluice::policy::internal {

using ast::Location;
using ast::Term;

// ---- rules ---------------------------------------------------------------------

std::optional<std::vector<ast::Rule>> Parser::ParseRules() {
  const Token& start = tok();
  ast::Rule rule;
  ScanAheadRef();
  if (AtKeyword(Word::kDefault)) {
    Next();
    rule.is_default = true;
    ScanAheadRef();
  }
  if (!AtIdent()) return std::nullopt;
  bool uses_contains = false;
  if (!ParseHead(rule.is_default, &rule.head, &uses_contains)) return std::nullopt;
  rule.has_contains = uses_contains;
  ast::RuleHead& head = rule.head;

  if (rule.is_default) {
    rule.location = Span(start, LastEnd());
    if (!ValidateDefaultRule(rule)) return std::nullopt;
    rule.body.push_back(TrueExpr(rule.location));
    rule.body_generated = true;
    return std::vector<ast::Rule>{std::move(rule)};
  }

  bool has_if = AtKeyword(Word::kIf);
  std::vector<Term>& ref = head.ref.terms;
  if (has_if && !uses_contains && ref.size() == 2) {
    // v1 (and v0 with `if`): p[x] if ... is the single-value rule p[x] = true.
    const Term& v = ref[1];
    if ((!ast::IsGround(v) || v.is<ast::Ref>()) && head.args.empty()) head.key = v;
    if (!head.value) {
      head.value_generated = true;
      head.value = TrueTerm(head.location);
    }
  }
  if (!has_if && !uses_contains && head.args.empty() && ref.size() == 2) {
    // v0: p[x] { ... } is a partial set, p[k] = v { ... } a partial object.
    head.key = ref[1];
    if (!head.value) ref.pop_back();
  }

  if (has_if) {
    rule.has_if = true;
    Next();
    State s = Save();
    ExprOpt lit = ParseLiteral();
    const Term* t = lit ? lit->get_if<Term>() : nullptr;
    // `p if { true }` is a body, not the set literal {true}.
    bool set_literal = t != nullptr && t->is<ast::Set>();
    if (lit && !set_literal) {
      rule.body.push_back(std::move(*lit));
    } else if ((*tokens_)[s.pos].kind == TokenKind::kLBrace) {
      Restore(s);
      Next();
      std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
      if (!body) return std::nullopt;
      Next();
      rule.body = std::move(*body);
    } else {
      return std::nullopt;
    }
  } else if (At(TokenKind::kLBrace)) {
    Next();
    std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
    if (!body) return std::nullopt;
    Next();
    rule.body = std::move(*body);
  } else if (uses_contains) {
    rule.location = head.location;
    rule.body.push_back(TrueExpr(head.location));
    rule.body_generated = true;
    return std::vector<ast::Rule>{std::move(rule)};
  } else {
    return std::nullopt;  // no body: read the statement as an expression
  }

  if (AtKeyword(Word::kElse) && !ScanAheadRef()) {
    if (ref.size() > 1 && !RefIsGroundAfterHead(head.ref)) {
      Error(tok(), "else keyword cannot be used on rules with variables in head");
      return std::nullopt;
    }
    if (head.key) {
      Error(tok(), "else keyword cannot be used on multi-value rules");
      return std::nullopt;
    }
    if (!ParseElse(&rule.else_chain)) return std::nullopt;
  }
  rule.location = Span(start, LastEnd());

  std::vector<ast::Rule> rules;
  rules.push_back(std::move(rule));
  // `p { a } { b }`: more bodies for the same head, each its own rule.
  while (At(TokenKind::kLBrace)) {
    if (!rules[0].else_chain.empty()) {
      Error(tok(), "expected else keyword");
      return std::nullopt;
    }
    const Token& open = tok();
    Next();
    std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
    if (!body) return std::nullopt;
    Next();
    ast::Rule next;
    next.location = Span(open, LastEnd());
    next.head = rules[0].head;
    for (Term& arg : next.head.args) {
      ast::Var* v = arg.get_if<ast::Var>();
      if (v != nullptr && v->IsWildcard()) *v = NewWildcard();
    }
    next.has_if = rules[0].has_if;
    next.has_contains = rules[0].has_contains;
    next.body = std::move(*body);
    rules.push_back(std::move(next));
  }
  return rules;
}

bool Parser::ParseHead(bool is_default, ast::RuleHead* head, bool* uses_contains) {
  const Token& start = tok();
  TermOpt ref = ParseHeadFinish(ParseVar());
  if (!ref) return false;
  if (ref->is<ast::Var>()) {
    head->ref.terms.push_back(std::move(*ref));
  } else if (ast::Ref* r = ref->get_if<ast::Ref>()) {
    if (!r->terms[0].is<ast::Var>()) {
      Illegal("rule head ref " + ast::ToString(*r) + " invalid");
      return false;
    }
    head->ref = std::move(*r);
  } else if (ast::Call* call = ref->get_if<ast::Call>()) {
    ast::Ref* op = call->terms[0].get_if<ast::Ref>();
    if (op == nullptr || !op->terms[0].is<ast::Var>()) {
      Illegal("rule head ref " + ast::ToString(call->terms[0]) + " invalid");
      return false;
    }
    head->ref = std::move(*op);
    head->args.assign(std::make_move_iterator(call->terms.begin() + 1),
                      std::make_move_iterator(call->terms.end()));
  } else {
    return false;
  }
  std::string name = ast::ToString(head->ref);
  size_t errors_before = errors_.size();
  if (AtKeyword(Word::kContains)) {
    if (!head->args.empty()) {
      Illegal("the contains keyword can only be used with multi-value rule definitions (e.g., " +
              name + " contains <VALUE> { ... })");
      return false;
    }
    Next();
    TermOpt key = ParseTermInfixCall();
    if (!key) {
      if (errors_.size() == errors_before) {
        Illegal("expected rule key term (e.g., " + name + " contains <VALUE> { ... })");
      }
      return false;
    }
    head->key = std::move(*key);
    *uses_contains = true;
    head->location = Span(start, LastEnd());
    return true;
  }
  if (At(TokenKind::kUnify) || At(TokenKind::kAssign)) {
    head->assign = At(TokenKind::kAssign);
    Next();
    TermOpt value = ParseTermInfixCall();
    if (!value) {
      if (errors_.size() == errors_before) {
        if (!head->args.empty()) {
          Illegal("expected function value term (e.g., " + name + "(...) := <VALUE> { ... })");
        } else if (is_default) {
          Illegal("expected default rule value term (e.g., default " + name + " := <VALUE>)");
        } else {
          Illegal("expected rule value term (e.g., " + name + " := <VALUE> { ... })");
        }
      }
      return false;
    }
    head->value = std::move(*value);
  }
  head->location = Span(start, LastEnd());
  if (!head->value && !head->key && (head->ref.terms.size() != 2 || !head->args.empty())) {
    head->value_generated = true;
    head->value = TrueTerm(head->location);
  }
  return true;
}

Parser::TermOpt Parser::ParseHeadFinish(Term head) {
  const Token& t = tok();
  switch (t.kind) {
    case TokenKind::kPlus:
    case TokenKind::kMinus:
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
    case TokenKind::kAmp:
    case TokenKind::kPipe:
    case TokenKind::kEqual:
    case TokenKind::kNeq:
    case TokenKind::kGt:
    case TokenKind::kGte:
    case TokenKind::kLt:
    case TokenKind::kLte:
      if (!t.space_before) {
        Illegal();
        return std::nullopt;
      }
      break;
    default:
      break;
  }
  // Unlike in bodies, `p [x]` and `f (x)` are allowed in rule heads.
  if (t.kind == TokenKind::kLParen || t.kind == TokenKind::kDot || t.kind == TokenKind::kLBrack) {
    return ParseRef(std::move(head), /*first_may_follow_space=*/true);
  }
  const ast::Var* v = head.get_if<ast::Var>();
  if (v != nullptr && (v->name == "data" || v->name == "input")) {
    Location loc = head.location;
    ast::Ref ref;
    ref.terms.push_back(std::move(head));
    return ast::MakeTerm(std::move(ref), loc);
  }
  return head;
}

bool Parser::ParseElse(std::vector<ast::ElseClause>* out) {
  while (true) {
    const Token& start = tok();
    ast::ElseClause clause;
    Next();  // else
    if (At(TokenKind::kLBrace) || AtKeyword(Word::kIf)) {
      clause.value_generated = true;
      clause.value = TrueTerm(Loc(start));
    } else if (At(TokenKind::kAssign) || At(TokenKind::kUnify)) {
      clause.assign = At(TokenKind::kAssign);
      Next();
      TermOpt value = ParseTermInfixCall();
      if (!value) return false;
      clause.value = std::move(*value);
    } else {
      Illegal("expected else value term or rule body");
      return false;
    }
    bool has_if = AtKeyword(Word::kIf);
    if (!has_if && !At(TokenKind::kLBrace)) {
      clause.location = Span(start, LastEnd());
      clause.body.push_back(TrueExpr(clause.location));
      clause.body_generated = true;
      out->push_back(std::move(clause));
      return true;
    }
    clause.has_if = has_if;
    if (has_if) Next();
    if (At(TokenKind::kLBrace)) {
      Next();
      std::optional<ast::Body> body = ParseBody(TokenKind::kRBrace);
      if (!body) return false;
      Next();
      clause.body = std::move(*body);
    } else if (!At(TokenKind::kEnd)) {
      ExprOpt lit = ParseLiteral();
      if (!lit) return false;
      clause.body.push_back(std::move(*lit));
    } else {
      Illegal("rule body expected");
      return false;
    }
    clause.location = Span(start, LastEnd());
    out->push_back(std::move(clause));
    if (!AtKeyword(Word::kElse) || ScanAheadRef()) return true;
  }
}

namespace {

// The first var, ref or call in a default rule's value outside comprehensions.
const char* FindNonConstant(const Term& t) {
  switch (t.kind()) {
    case ast::TermKind::kVar:
      return "var";
    case ast::TermKind::kRef:
      return "ref";
    case ast::TermKind::kCall:
      return "call";
    case ast::TermKind::kArray:
      for (const Term& x : t.get_if<ast::Array>()->items) {
        if (const char* k = FindNonConstant(x)) return k;
      }
      return nullptr;
    case ast::TermKind::kSet:
      for (const Term& x : t.get_if<ast::Set>()->items) {
        if (const char* k = FindNonConstant(x)) return k;
      }
      return nullptr;
    case ast::TermKind::kObject:
      for (const ast::ObjectItem& item : t.get_if<ast::Object>()->items) {
        if (const char* k = FindNonConstant(item.key)) return k;
        if (const char* k = FindNonConstant(item.value)) return k;
      }
      return nullptr;
    case ast::TermKind::kTemplateString:
      for (const ast::TemplatePart& part : t.get_if<ast::TemplateString>()->parts) {
        const Term* lit = std::get_if<Term>(&part.value);
        if (lit == nullptr) return "call";
        if (const char* k = FindNonConstant(*lit)) return k;
      }
      return nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

bool Parser::ValidateDefaultRule(const ast::Rule& rule) {
  const ast::RuleHead& head = rule.head;
  if (!head.value) {
    Error(rule.location, "illegal default rule (must have a value)");
    return false;
  }
  if (const char* kind = FindNonConstant(*head.value)) {
    Error(rule.location, std::string("illegal default rule (value cannot contain ") + kind + ")");
    return false;
  }
  std::vector<std::string> seen;
  for (const Term& arg : head.args) {
    const ast::Var* v = arg.get_if<ast::Var>();
    if (v == nullptr) {
      Error(rule.location, "illegal default rule (arguments cannot contain " +
                               std::string(ast::TermKindName(arg.kind())) + ")");
      return false;
    }
    if (std::find(seen.begin(), seen.end(), v->name) != seen.end()) {
      Error(rule.location, "illegal default rule (arguments cannot be repeated " + v->name + ")");
      return false;
    }
    seen.push_back(v->name);
  }
  return true;
}

// A statement that parsed as an expression: `p := 1`, `p[x] = y`, `q[1]`,
// `a.b.c`, `f(x) = y`, `f(1)` are rules without bodies (OPA's ParseRuleFromBody).
std::optional<ast::Rule> Parser::RuleFromBody(ast::Body body) {
  const ast::Expr& expr = body[0];
  if (body.size() != 1) {
    Error(expr.location, "multiple expressions cannot be used for rule head");
    return std::nullopt;
  }
  if (!expr.with.empty()) {
    Error(expr.location, "expressions using with keyword cannot be used for rule head");
    return std::nullopt;
  }
  if (expr.negated) {
    Error(expr.location, "negated expressions cannot be used for rule head");
    return std::nullopt;
  }
  if (expr.kind() == ast::ExprKind::kSome) {
    Error(expr.location, "'some' declarations cannot be used for rule head");
    return std::nullopt;
  }
  ast::Rule rule;
  rule.location = expr.location;
  rule.head.location = expr.location;
  rule.body_generated = true;
  if (const Term* term = expr.get_if<Term>()) {
    const ast::Ref* ref = term->get_if<ast::Ref>();
    if (ref == nullptr) {
      Error(expr.location,
            std::string(ast::TermKindName(term->kind())) + " cannot be used for rule name");
      return std::nullopt;
    }
    if (ref->terms.size() == 1) {
      Error(expr.location, "refs cannot be used for rule head");
      return std::nullopt;
    }
    if (!ref->terms[0].is<ast::Var>()) {
      Error(expr.location, "invalid rule head: " + ast::ToString(*ref));
      return std::nullopt;
    }
    rule.head.ref = *ref;
    if (ref->terms.size() == 2) {
      // `q[x]`: a partial set (`q.r` too: the element is "r").
      rule.head.key = rule.head.ref.terms[1];
      rule.head.ref.terms.pop_back();
    } else {
      // `a.b.c`: the value is true.
      rule.head.value_generated = true;
      rule.head.value = TrueTerm(term->location);
    }
    rule.body.push_back(TrueExpr(term->location));
    return rule;
  }
  const ast::Call* call = expr.get_if<ast::Call>();
  if (call == nullptr) {
    Error(expr.location, "expression cannot be used for rule head");
    return std::nullopt;
  }
  std::string op = ast::OperatorName(*call);
  if (op == "eq" || op == "assign") {
    std::optional<ast::Rule> r = RuleFromEq(expr, *call);
    if (r && op == "assign") r->head.assign = true;
    return r;
  }
  bool builtin = op == "equal" || op == "neq" || op == "lt" || op == "lte" || op == "gt" ||
                 op == "gte" || op == "plus" || op == "minus" || op == "mul" || op == "div" ||
                 op == "rem" || op == "and" || op == "or" || op == kMember2 || op == kMember3;
  if (builtin || (options_.is_builtin && options_.is_builtin(op))) {
    Error(expr.location, "rule name conflicts with built-in function");
    return std::nullopt;
  }
  // `f(1)`: a function whose value is true.
  if (call->terms.size() <= 1) {
    Error(expr.location, "rule argument list must take at least one argument");
    return std::nullopt;
  }
  const ast::Ref* ref = call->terms[0].get_if<ast::Ref>();
  if (ref == nullptr || !ref->terms[0].is<ast::Var>()) {
    Error(expr.location, "invalid rule head: " + ast::ToString(call->terms[0]));
    return std::nullopt;
  }
  rule.head.ref = *ref;
  rule.head.args.assign(call->terms.begin() + 1, call->terms.end());
  rule.head.value = TrueTerm(call->terms[0].location);
  rule.body.push_back(TrueExpr(call->terms[0].location));
  return rule;
}

std::optional<ast::Rule> Parser::RuleFromEq(const ast::Expr& expr, const ast::Call& call) {
  if (call.terms.size() != 3) {
    Error(expr.location, "assignment requires two operands");
    return std::nullopt;
  }
  const Term& lhs = call.terms[1];
  const Term& rhs = call.terms[2];
  ast::Rule rule;
  rule.location = expr.location;
  rule.head.location = expr.location;
  rule.body_generated = true;
  rule.head.value = rhs;
  rule.body.push_back(TrueExpr(rhs.location));
  if (const ast::Call* fn = lhs.get_if<ast::Call>()) {
    const ast::Ref* ref = fn->terms[0].get_if<ast::Ref>();
    if (ref == nullptr) {
      Error(expr.location, std::string(ast::TermKindName(fn->terms[0].kind())) +
                               "s cannot be used in function signature");
      return std::nullopt;
    }
    if (!ref->terms[0].is<ast::Var>()) {
      Error(expr.location, "invalid rule head: " + ast::ToString(*ref));
      return std::nullopt;
    }
    rule.head.ref = *ref;
    rule.head.args.assign(fn->terms.begin() + 1, fn->terms.end());
    return rule;
  }
  if (const ast::Ref* ref = lhs.get_if<ast::Ref>()) {
    if (!ref->terms[0].is<ast::Var>()) {
      Error(expr.location, "invalid rule head: " + ast::ToString(*ref));
      return std::nullopt;
    }
    rule.head.ref = *ref;
    if (ref->terms.size() == 2) rule.head.key = ref->terms[1];
    return rule;
  }
  if (lhs.is<ast::Var>()) {
    rule.head.ref.terms.push_back(lhs);
    return rule;
  }
  Error(expr.location,
        std::string(ast::TermKindName(lhs.kind())) + " cannot be used for rule name");
  return std::nullopt;
}

void Parser::Classify(ast::Rule* rule) const {
  ast::RuleHead& head = rule->head;
  if (!head.args.empty()) {
    head.kind = ast::RuleKind::kFunction;
  } else if (!head.value) {
    head.kind = ast::RuleKind::kPartialSet;
  } else if (!RefIsGroundAfterHead(head.ref)) {
    head.kind = ast::RuleKind::kPartialObject;
  } else {
    head.kind = ast::RuleKind::kComplete;
  }
  if (head.kind == ast::RuleKind::kComplete || head.kind == ast::RuleKind::kFunction ||
      (head.kind == ast::RuleKind::kPartialObject && head.ref.terms.size() != 2)) {
    head.key.reset();
  }
}

// OPA's CheckRegoV1 for one rule (v1 modules and v0 modules importing rego.v1).
void Parser::CheckV1(const ast::Rule& rule) {
  const ast::RuleHead& head = rule.head;
  const char* what = head.kind == ast::RuleKind::kFunction ? "function" : "rule";
  if (head.ref.terms.size() < 2 && IsV1Keyword(head.name())) {
    Error(rule.location, head.name() + " keyword cannot be used for rule name");
  }
  bool generated_body = rule.body_generated && !rule.is_default;
  if (generated_body && head.value_generated) {
    Error(rule.location, std::string(what) + " must have value assignment and/or body declaration");
  }
  if (!generated_body && !rule.has_if && !rule.is_default) {
    Error(rule.location, std::string("`if` keyword is required before ") + what + " body");
    failed_on_v1_rule_ = true;
  }
  if (head.kind == ast::RuleKind::kPartialSet && !rule.has_contains) {
    Error(rule.location, "`contains` keyword is required for partial set rules");
    failed_on_v1_rule_ = true;
  }
  for (const ast::ElseClause& e : rule.else_chain) {
    if (!e.body_generated && !e.has_if) {
      Error(e.location, std::string("`if` keyword is required before ") + what + " body");
      failed_on_v1_rule_ = true;
    }
  }
}

Term Parser::ParseVar() {
  const Token& t = tok();
  Term v = t.text == "_" ? ast::MakeTerm(NewWildcard(), Loc(t)) : ast::MakeVar(t.text, Loc(t));
  Next();
  return v;
}

ast::Var Parser::NewWildcard() { return ast::Var{"$" + std::to_string(wildcard_++)}; }

}  // namespace sluice::policy::internal
