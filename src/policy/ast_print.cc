// ToString and OperatorName: Rego-like rendering of syntax trees.
#include <array>
#include <cstdio>

#include "policy/ast.h"

namespace sluice::policy::ast {

namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

bool IsKeywordWord(std::string_view s) {
  static constexpr std::array<std::string_view, 15> kWords = {
      "as",   "default", "else", "false", "import", "not", "null",    "package",
      "some", "true",    "with", "in",    "every",  "if",  "contains"};
  for (std::string_view w : kWords) {
    if (s == w) return true;
  }
  return false;
}

void AppendQuoted(std::string* out, std::string_view s, bool escape_brace) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '{':
        if (escape_brace) out->push_back('\\');
        out->push_back('{');
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

struct Infix {
  std::string_view name;
  const char* spelling;
  int precedence;  // higher binds tighter (the parser's levels)
};

// The infix form of an operator, or nullptr.
const Infix* FindInfix(std::string_view op) {
  static constexpr std::array<Infix, 15> kInfix = {{
      {"eq", "=", 0},
      {"assign", ":=", 0},
      {"equal", "==", 2},
      {"neq", "!=", 2},
      {"lt", "<", 2},
      {"lte", "<=", 2},
      {"gt", ">", 2},
      {"gte", ">=", 2},
      {"or", "|", 3},
      {"and", "&", 4},
      {"plus", "+", 5},
      {"minus", "-", 5},
      {"mul", "*", 6},
      {"div", "/", 6},
      {"rem", "%", 6},
  }};
  for (const Infix& e : kInfix) {
    if (e.name == op) return &e;
  }
  return nullptr;
}

constexpr int kMemberPrecedence = 1;

void AppendTerm(std::string* out, const Term& term);
void AppendBody(std::string* out, const Body& body);
void AppendExpr(std::string* out, const Expr& expr);

void AppendTermList(std::string* out, const std::vector<Term>& terms, size_t from = 0) {
  for (size_t i = from; i < terms.size(); ++i) {
    if (i > from) *out += ", ";
    AppendTerm(out, terms[i]);
  }
}

void AppendRef(std::string* out, const Ref& ref) {
  if (ref.terms.empty()) return;
  AppendTerm(out, ref.terms[0]);
  for (size_t i = 1; i < ref.terms.size(); ++i) {
    const String* s = ref.terms[i].get_if<String>();
    if (s != nullptr && IsIdentifier(s->value) && !IsKeywordWord(s->value)) {
      *out += '.';
      *out += s->value;
    } else {
      *out += '[';
      AppendTerm(out, ref.terms[i]);
      *out += ']';
    }
  }
}

// The precedence of a term printed infix, or a value above every operator's.
int PrecedenceOf(const Term& t) {
  const Call* call = t.get_if<Call>();
  if (call == nullptr) return 100;
  std::string op = OperatorName(*call);
  if ((op == "internal.member_2" && call->terms.size() == 3) ||
      (op == "internal.member_3" && call->terms.size() == 4)) {
    return kMemberPrecedence;
  }
  const Infix* infix = FindInfix(op);
  return infix != nullptr && call->terms.size() == 3 ? infix->precedence : 100;
}

// An operand of an operator with `precedence`, in parentheses where the
// parser would otherwise group it differently (all operators are
// left-associative).
void AppendOperand(std::string* out, const Term& t, int precedence, bool right) {
  int p = PrecedenceOf(t);
  bool parens = p < precedence || (right && p == precedence);
  if (parens) *out += '(';
  AppendTerm(out, t);
  if (parens) *out += ')';
}

void AppendCall(std::string* out, const Call& call) {
  if (call.terms.empty()) return;
  std::string op = OperatorName(call);
  if (op == "internal.member_2" && call.terms.size() == 3) {
    AppendOperand(out, call.terms[1], kMemberPrecedence, false);
    *out += " in ";
    AppendOperand(out, call.terms[2], kMemberPrecedence, true);
    return;
  }
  if (op == "internal.member_3" && call.terms.size() == 4) {
    AppendOperand(out, call.terms[1], kMemberPrecedence + 1, false);
    *out += ", ";
    AppendOperand(out, call.terms[2], kMemberPrecedence + 1, false);
    *out += " in ";
    AppendOperand(out, call.terms[3], kMemberPrecedence, true);
    return;
  }
  if (const Infix* infix = FindInfix(op); infix != nullptr && call.terms.size() == 3) {
    AppendOperand(out, call.terms[1], infix->precedence, false);
    *out += ' ';
    *out += infix->spelling;
    *out += ' ';
    AppendOperand(out, call.terms[2], infix->precedence, true);
    return;
  }
  *out += op;
  *out += '(';
  AppendTermList(out, call.terms, 1);
  *out += ')';
}

void AppendTerm(std::string* out, const Term& term) {
  switch (term.kind()) {
    case TermKind::kNull:
      *out += "null";
      break;
    case TermKind::kBoolean:
      *out += std::get<Boolean>(term.value).value ? "true" : "false";
      break;
    case TermKind::kNumber:
      *out += std::get<Number>(term.value).text;
      break;
    case TermKind::kString:
      AppendQuoted(out, std::get<String>(term.value).value, false);
      break;
    case TermKind::kVar:
      *out += std::get<Var>(term.value).name;
      break;
    case TermKind::kRef:
      AppendRef(out, std::get<Ref>(term.value));
      break;
    case TermKind::kArray:
      *out += '[';
      AppendTermList(out, std::get<Array>(term.value).items);
      *out += ']';
      break;
    case TermKind::kSet: {
      const Set& set = std::get<Set>(term.value);
      if (set.items.empty()) {
        *out += "set()";
        break;
      }
      *out += '{';
      AppendTermList(out, set.items);
      *out += '}';
      break;
    }
    case TermKind::kObject: {
      *out += '{';
      bool first = true;
      for (const ObjectItem& item : std::get<Object>(term.value).items) {
        if (!first) *out += ", ";
        first = false;
        AppendTerm(out, item.key);
        *out += ": ";
        AppendTerm(out, item.value);
      }
      *out += '}';
      break;
    }
    case TermKind::kArrayComprehension: {
      const auto& c = std::get<ArrayComprehension>(term.value);
      *out += '[';
      AppendTerm(out, *c.term);
      *out += " | ";
      AppendBody(out, c.body);
      *out += ']';
      break;
    }
    case TermKind::kSetComprehension: {
      const auto& c = std::get<SetComprehension>(term.value);
      *out += '{';
      AppendTerm(out, *c.term);
      *out += " | ";
      AppendBody(out, c.body);
      *out += '}';
      break;
    }
    case TermKind::kObjectComprehension: {
      const auto& c = std::get<ObjectComprehension>(term.value);
      *out += '{';
      AppendTerm(out, *c.key);
      *out += ": ";
      AppendTerm(out, *c.value);
      *out += " | ";
      AppendBody(out, c.body);
      *out += '}';
      break;
    }
    case TermKind::kCall:
      AppendCall(out, std::get<Call>(term.value));
      break;
    case TermKind::kTemplateString: {
      const auto& t = std::get<TemplateString>(term.value);
      *out += '$';
      std::string inner;
      for (const TemplatePart& part : t.parts) {
        if (const Term* lit = std::get_if<Term>(&part.value)) {
          if (const String* s = lit->get_if<String>()) {
            std::string quoted;
            AppendQuoted(&quoted, s->value, true);
            inner += quoted.substr(1, quoted.size() - 2);
            continue;
          }
          inner += '{';
          AppendTerm(&inner, *lit);
          inner += '}';
        } else {
          inner += '{';
          AppendExpr(&inner, std::get<Expr>(part.value));
          inner += '}';
        }
      }
      *out += '"';
      *out += inner;
      *out += '"';
      break;
    }
  }
}

void AppendBody(std::string* out, const Body& body) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (i > 0) *out += "; ";
    AppendExpr(out, body[i]);
  }
}

void AppendExpr(std::string* out, const Expr& expr) {
  if (expr.negated) *out += "not ";
  switch (expr.kind()) {
    case ExprKind::kTerm:
      AppendTerm(out, std::get<Term>(expr.value));
      break;
    case ExprKind::kCall:
      AppendCall(out, std::get<Call>(expr.value));
      break;
    case ExprKind::kSome:
      *out += "some ";
      AppendTermList(out, std::get<SomeDecl>(expr.value).symbols);
      break;
    case ExprKind::kEvery: {
      const Every& e = std::get<Every>(expr.value);
      *out += "every ";
      if (e.key) {
        AppendTerm(out, *e.key);
        *out += ", ";
      }
      AppendTerm(out, e.value);
      *out += " in ";
      AppendTerm(out, e.domain);
      *out += " { ";
      AppendBody(out, e.body);
      *out += " }";
      break;
    }
    case ExprKind::kLogical: {
      const Logical& l = std::get<Logical>(expr.value);
      if (expr.negated && l.operands.size() == 1) {
        *out += "{ ";
        AppendBody(out, l.operands[0]);
        *out += " }";
        break;
      }
      for (size_t i = 0; i < l.operands.size(); ++i) {
        if (i > 0) *out += l.op == LogicalOp::kAnd ? " and " : " or ";
        const Body& b = l.operands[i];
        bool plain = b.size() == 1 && b[0].kind() != ExprKind::kLogical && b[0].with.empty();
        if (plain) {
          AppendExpr(out, b[0]);
        } else {
          *out += "{ ";
          AppendBody(out, b);
          *out += " }";
        }
      }
      break;
    }
  }
  for (const With& w : expr.with) {
    *out += " with ";
    AppendTerm(out, w.target);
    *out += " as ";
    AppendTerm(out, w.value);
  }
}

}  // namespace

std::string OperatorName(const Call& call) {
  if (call.terms.empty()) return "";
  const Term& op = call.terms[0];
  if (const Ref* ref = op.get_if<Ref>()) {
    std::string s;
    AppendRef(&s, *ref);
    return s;
  }
  return ToString(op);
}

std::string ToString(const Term& term) {
  std::string s;
  AppendTerm(&s, term);
  return s;
}

std::string ToString(const Ref& ref) {
  std::string s;
  AppendRef(&s, ref);
  return s;
}

std::string ToString(const Expr& expr) {
  std::string s;
  AppendExpr(&s, expr);
  return s;
}

std::string ToString(const Body& body) {
  std::string s;
  AppendBody(&s, body);
  return s;
}

std::string ToString(const Rule& rule) {
  std::string s;
  if (rule.is_default) s += "default ";
  const RuleHead& h = rule.head;
  AppendRef(&s, h.ref);
  if (h.kind == RuleKind::kFunction) {
    s += '(';
    AppendTermList(&s, h.args);
    s += ')';
  }
  if (h.kind == RuleKind::kPartialSet && h.key) {
    s += " contains ";
    AppendTerm(&s, *h.key);
  } else if (h.value && !h.value_generated) {
    s += h.assign ? " := " : " = ";
    AppendTerm(&s, *h.value);
  }
  if (!rule.body_generated) {
    s += " if { ";
    AppendBody(&s, rule.body);
    s += " }";
  }
  for (const ElseClause& e : rule.else_chain) {
    s += " else";
    if (!e.value_generated) {
      s += e.assign ? " := " : " = ";
      AppendTerm(&s, e.value);
    }
    if (!e.body_generated) {
      s += " if { ";
      AppendBody(&s, e.body);
      s += " }";
    }
  }
  return s;
}

}  // namespace sluice::policy::ast
