// The parser's token handling, the grammar shared with schemas (values,
// arguments, directives, type references) and executable documents:
// gqlparser's parser.go and query.go.
#include "policy/graphql_parser.h"

namespace sluice::policy::graphql {
namespace internal {

const Token& Parser::Peek() {
  if (err_) return prev_;
  if (!peeked_) {
    peek_error_.reset();
    peek_ = lexer_.Read(&peek_error_);
    peeked_ = true;
  }
  return peek_;
}

Token Parser::Next() {
  if (err_) return prev_;
  if (peeked_) {
    peeked_ = false;
    prev_ = peek_;
    err_ = peek_error_;
  } else {
    std::optional<Diagnostic> lex_error;
    prev_ = lexer_.Read(&lex_error);
    err_ = lex_error;
  }
  return prev_;
}

bool Parser::Skip(Tok kind) {
  if (err_ || Peek().kind != kind) return false;
  Next();
  return true;
}

Token Parser::Expect(Tok kind) {
  Token tok = Peek();
  if (tok.kind == kind) return Next();
  Error(tok, "Expected " + std::string(TokName(kind)) + ", found " + std::string(TokName(tok.kind)));
  return tok;
}

Token Parser::ExpectKeyword(std::string_view value) {
  Token tok = Peek();
  if (tok.kind == Tok::kName && tok.value == value) return Next();
  Error(tok, "Expected \"" + std::string(value) + "\", found " + tok.Describe());
  return tok;
}

void Parser::Error(const Token& tok, std::string message) {
  if (!err_) err_ = Diagnostic{std::move(message), tok.pos};
}

std::string Parser::ParseVariable() {
  Expect(Tok::kDollar);
  return ParseName();
}

ValueRef Parser::ParseValueLiteral(bool is_const) {
  Token token = Peek();
  auto value = std::make_shared<AstValue>();
  value->pos = token.pos;
  switch (token.kind) {
    case Tok::kBracketL:
    case Tok::kBraceL: {
      bool list = token.kind == Tok::kBracketL;
      value->kind = list ? ValueKind::kList : ValueKind::kObject;
      if (!Enter()) return nullptr;
      Many(token.kind, list ? Tok::kBracketR : Tok::kBraceR, [&] {
        ChildValue child;
        child.pos = PeekPos();
        if (!list) {
          child.name = ParseName();
          Expect(Tok::kColon);
        }
        child.value = ParseValueLiteral(is_const);
        value->children.push_back(std::move(child));
      });
      Leave();
      return value;
    }
    case Tok::kDollar:
      if (is_const) {
        Unexpected();
        return nullptr;
      }
      value->kind = ValueKind::kVariable;
      value->raw = ParseVariable();
      return value;
    case Tok::kInt: value->kind = ValueKind::kInt; break;
    case Tok::kFloat: value->kind = ValueKind::kFloat; break;
    case Tok::kString: value->kind = ValueKind::kString; break;
    case Tok::kBlockString: value->kind = ValueKind::kBlock; break;
    case Tok::kName:
      value->kind = token.value == "true" || token.value == "false" ? ValueKind::kBoolean
                    : token.value == "null"                         ? ValueKind::kNull
                                                                    : ValueKind::kEnum;
      break;
    default:
      Unexpected();
      return nullptr;
  }
  Next();
  value->raw = token.value;
  return value;
}

std::vector<Argument> Parser::ParseArguments(bool is_const) {
  std::vector<Argument> args;
  Many(Tok::kParenL, Tok::kParenR, [&] {
    Argument arg;
    arg.pos = PeekPos();
    arg.name = ParseName();
    Expect(Tok::kColon);
    arg.value = ParseValueLiteral(is_const);
    args.push_back(std::move(arg));
  });
  return args;
}

std::vector<Directive> Parser::ParseDirectives(bool is_const) {
  std::vector<Directive> dirs;
  while (Peek().kind == Tok::kAt && !err_) {
    Expect(Tok::kAt);
    Directive dir;
    dir.pos = PeekPos();
    dir.name = ParseName();
    dir.arguments = ParseArguments(is_const);
    dirs.push_back(std::move(dir));
  }
  return dirs;
}

TypeRef Parser::ParseTypeReference() {
  auto type = std::make_shared<Type>();
  if (Skip(Tok::kBracketL)) {
    type->pos = PeekPos();
    if (!Enter()) return type;
    type->elem = ParseTypeReference();
    Leave();
    Expect(Tok::kBracketR);
  } else {
    type->pos = PeekPos();
    type->named_type = ParseName();
  }
  if (Skip(Tok::kBang)) type->non_null = true;
  return type;
}

std::string Parser::ParseOperationType() {
  Token tok = Next();
  if (tok.value == "query" || tok.value == "mutation" || tok.value == "subscription") {
    return tok.value;
  }
  Unexpected(tok);
  return "";
}

namespace {

class QueryParser : public Parser {
 public:
  using Parser::Parser;

  void Document(QueryDocument& doc) {
    while (Peek().kind != Tok::kEof) {
      if (error()) return;
      const Token& tok = Peek();
      if (tok.kind == Tok::kBraceL ||
          (tok.kind == Tok::kName &&
           (tok.value == "query" || tok.value == "mutation" || tok.value == "subscription"))) {
        doc.operations.push_back(Operation());
      } else if (tok.kind == Tok::kName && tok.value == "fragment") {
        doc.fragments.push_back(Fragment());
      } else {
        Unexpected();
      }
    }
  }

 private:
  OperationDefinition Operation() {
    OperationDefinition op;
    op.pos = PeekPos();
    if (Peek().kind == Tok::kBraceL) {
      op.operation = "query";
      op.selection_set = RequiredSelectionSet();
      return op;
    }
    op.operation = ParseOperationType();
    if (Peek().kind == Tok::kName) op.name = Next().value;
    op.variable_definitions = VariableDefinitions();
    op.directives = ParseDirectives(false);
    op.selection_set = RequiredSelectionSet();
    return op;
  }

  std::vector<VariableDefinition> VariableDefinitions() {
    std::vector<VariableDefinition> defs;
    Many(Tok::kParenL, Tok::kParenR, [&] {
      VariableDefinition def;
      def.pos = PeekPos();
      def.variable = ParseVariable();
      Expect(Tok::kColon);
      def.type = ParseTypeReference();
      if (Skip(Tok::kEquals)) def.default_value = ParseValueLiteral(true);
      def.directives = ParseDirectives(false);
      defs.push_back(std::move(def));
    });
    return defs;
  }

  std::vector<Selection> SelectionSetBody() {
    std::vector<Selection> set;
    if (!Enter()) return set;
    Some(Tok::kBraceL, Tok::kBraceR, [&] { set.push_back(ParseSelection()); });
    Leave();
    return set;
  }

  std::vector<Selection> RequiredSelectionSet() {
    if (Peek().kind != Tok::kBraceL) {
      Error(Peek(), "Expected {, found " + std::string(TokName(Peek().kind)));
      return {};
    }
    return SelectionSetBody();
  }

  Selection ParseSelection() {
    Selection sel;
    if (Peek().kind == Tok::kSpread) {
      Expect(Tok::kSpread);
      if (Peek().kind == Tok::kName && Peek().value != "on") {
        sel.kind = Selection::Kind::kFragmentSpread;
        sel.pos = PeekPos();
        sel.name = FragmentName();
        sel.directives = ParseDirectives(false);
        return sel;
      }
      sel.kind = Selection::Kind::kInlineFragment;
      sel.pos = PeekPos();
      if (Peek().value == "on") {
        Next();
        sel.type_condition = ParseName();
      }
      sel.directives = ParseDirectives(false);
      sel.selection_set = RequiredSelectionSet();
      return sel;
    }
    sel.pos = PeekPos();
    sel.alias = ParseName();
    sel.name = Skip(Tok::kColon) ? ParseName() : sel.alias;
    sel.arguments = ParseArguments(false);
    sel.directives = ParseDirectives(false);
    if (Peek().kind == Tok::kBraceL) sel.selection_set = SelectionSetBody();
    return sel;
  }

  FragmentDefinition Fragment() {
    FragmentDefinition def;
    def.pos = PeekPos();
    ExpectKeyword("fragment");
    def.name = FragmentName();
    def.variable_definition = VariableDefinitions();
    ExpectKeyword("on");
    def.type_condition = ParseName();
    def.directives = ParseDirectives(false);
    def.selection_set = RequiredSelectionSet();
    return def;
  }

  std::string FragmentName() {
    if (Peek().value == "on") {
      Unexpected();
      return "";
    }
    return ParseName();
  }
};

}  // namespace
}  // namespace internal

std::optional<Diagnostic> ParseQuery(std::string_view source, QueryDocument& out) {
  internal::QueryParser parser(source);
  out = QueryDocument{};
  parser.Document(out);
  return parser.error();
}

}  // namespace sluice::policy::graphql
