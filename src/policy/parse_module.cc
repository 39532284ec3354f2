// Modules: the statement loop, package and import declarations.
#include <algorithm>

#include "policy/parser_internal.h"

namespace sluice::policy::internal {

using ast::Location;
using ast::Term;

// ---- modules -------------------------------------------------------------------

std::optional<ast::Module> Parser::ParseModuleBody() {
  ast::Module module;
  module.dialect = dialect_;
  bool first = true;
  while (!At(TokenKind::kEnd)) {
    const Token& start = tok();
    State s = Save();
    if (std::optional<ast::Package> pkg = ParsePackage()) {
      if (!first) {
        Error(pkg->location, "unexpected package");
      } else {
        module.package = std::move(*pkg);
      }
      first = false;
      continue;
    }
    if (errors_.size() > s.errors) break;
    Restore(s);
    if (std::optional<ast::Import> imp = ParseImport()) {
      if (first) Error(imp->location, "package expected");
      first = false;
      const ast::Term& root = imp->path.terms[0];
      const std::string& root_name = root.get_if<ast::Var>()->name;
      if (root_name == "rego") ApplyRegoImport(*imp, &module);
      if (root_name == "future") ApplyFutureImport(*imp);
      module.imports.push_back(std::move(*imp));
      continue;
    }
    if (errors_.size() > s.errors) break;
    Restore(s);
    if (std::optional<std::vector<ast::Rule>> rules = ParseRules()) {
      if (first) Error(Loc(start), "package expected");
      first = false;
      for (ast::Rule& r : *rules) module.rules.push_back(std::move(r));
      continue;
    }
    if (errors_.size() > s.errors) break;
    Restore(s);
    std::optional<ast::Body> body = ParseQuery(/*require_semicolon=*/true, TokenKind::kEnd);
    if (!body) break;
    if (first) Error(Loc(start), "package expected");
    first = false;
    // OPA keeps going after a statement that is no rule, to report them all.
    if (std::optional<ast::Rule> rule = RuleFromBody(std::move(*body))) {
      module.rules.push_back(std::move(*rule));
    }
  }
  if (KeepLimitError()) return std::nullopt;
  if (errors_.empty() && !At(TokenKind::kEnd)) Illegal();
  if (errors_.empty() && first) Error(0, 0, "empty module");
  if (!errors_.empty()) return std::nullopt;

  bool v1_rules = dialect_ == ast::Dialect::kV1 || module.imports_rego_v1;
  for (ast::Rule& rule : module.rules) {
    Classify(&rule);
    if (v1_rules) CheckV1(rule);
  }
  module.keywords = keywords_;
  if (!errors_.empty()) return std::nullopt;
  return module;
}

std::optional<ast::Package> Parser::ParsePackage() {
  if (!AtKeyword(Word::kPackage)) return std::nullopt;
  const Token& start = tok();
  Next();
  if (!tok().space_before && (At(TokenKind::kDot) || At(TokenKind::kLBrack))) {
    return std::nullopt;  // a ref whose head is `package`
  }
  if (!At(TokenKind::kIdent)) {
    Illegal();
    return std::nullopt;
  }
  forced_ident_ = pos_;
  TermOpt term = ParseTerm();
  if (!term) return std::nullopt;
  ast::Package pkg;
  if (const ast::Var* v = term->get_if<ast::Var>()) {
    pkg.path.terms.push_back(ast::MakeVar("data", term->location));
    pkg.path.terms.push_back(ast::MakeString(v->name, term->location));
  } else if (ast::Ref* ref = term->get_if<ast::Ref>()) {
    const ast::Var* head = ref->terms[0].get_if<ast::Var>();
    if (head == nullptr) {
      Error(ref->terms[0].location, "unexpected " +
                                        std::string(ast::TermKindName(ref->terms[0].kind())) +
                                        " token: expecting var");
      return std::nullopt;
    }
    pkg.path.terms.push_back(ast::MakeVar("data", ref->terms[0].location));
    pkg.path.terms.push_back(ast::MakeString(head->name, ref->terms[0].location));
    for (size_t i = 1; i < ref->terms.size(); ++i) {
      if (!ref->terms[i].is<ast::String>()) {
        Error(ref->terms[i].location, "unexpected " +
                                          std::string(ast::TermKindName(ref->terms[i].kind())) +
                                          " token: expecting string");
        return std::nullopt;
      }
      pkg.path.terms.push_back(std::move(ref->terms[i]));
    }
  } else {
    Illegal();
    return std::nullopt;
  }
  pkg.location = Span(start, LastEnd());
  return pkg;
}

std::optional<ast::Import> Parser::ParseImport() {
  if (!AtKeyword(Word::kImport)) return std::nullopt;
  const Token& start = tok();
  Next();
  if (!tok().space_before && (At(TokenKind::kDot) || At(TokenKind::kLBrack))) {
    return std::nullopt;  // a ref whose head is `import`
  }
  if (!At(TokenKind::kIdent)) {
    Illegal();
    return std::nullopt;
  }
  // As OPA's "present parser": the path's first word is read as a name even
  // if it is a keyword (`import future.keywords.in` after `in` is on).
  forced_ident_ = pos_;
  const Token& path_start = tok();
  TermOpt term = ParseTerm();
  ast::Import imp;
  bool have_path = false;
  if (term) {
    if (term->is<ast::Var>()) {
      imp.path.terms.push_back(std::move(*term));
      have_path = true;
    } else if (ast::Ref* ref = term->get_if<ast::Ref>()) {
      for (size_t i = 1; i < ref->terms.size(); ++i) {
        if (!ref->terms[i].is<ast::String>()) {
          Error(ref->terms[i].location, "unexpected " +
                                            std::string(ast::TermKindName(ref->terms[i].kind())) +
                                            " token: expecting string");
          return std::nullopt;
        }
      }
      imp.path = std::move(*ref);
      have_path = true;
    }
  }
  if (!have_path || !imp.path.terms[0].is<ast::Var>()) {
    Error(tok(), "expected path");
    return std::nullopt;
  }
  const std::string& root = imp.path.terms[0].get_if<ast::Var>()->name;
  if (root != "data" && root != "input" && root != "future" && root != "rego") {
    Error(path_start,
          "unexpected import path, must begin with one of: {data, future, input, "
          "rego}, got: " +
              root);
    return std::nullopt;
  }
  if (AtKeyword(Word::kAs)) {
    Next();
    if (!AtIdent()) {
      Illegal("expected var");
      return std::nullopt;
    }
    Term alias = ParseVar();
    imp.alias = alias.get_if<ast::Var>()->name;
    imp.location = Span(start, LastEnd());
    return imp;
  }
  // The imported name must not be a keyword (it would be unusable); in v0
  // only the keywords v0 always has count, as in OPA.
  auto is_keyword = [&](const std::string& name) {
    if (dialect_ == ast::Dialect::kV1) return IsV1Keyword(name);
    lexer::Word w = lexer::ClassifyWord(name);
    return w != lexer::Word::kNone && w < lexer::Word::kIn;
  };
  const Term& last = imp.path.terms.back();
  const std::string* last_name =
      imp.path.terms.size() == 1 ? &root : (root == "future" ? nullptr : StringPart(last));
  if (last_name != nullptr && is_keyword(*last_name)) {
    Error(last.location, "unexpected import path, must not end with a keyword, got: " + *last_name +
                             " (hint: import a different path or use an alias)");
    return std::nullopt;
  }
  imp.location = Span(start, LastEnd());
  return imp;
}

void Parser::ApplyRegoImport(const ast::Import& imp, ast::Module* module) {
  const std::vector<Term>& path = imp.path.terms;
  const std::string* second = path.size() > 1 ? StringPart(path[1]) : nullptr;
  if (path.size() != 2 || second == nullptr || *second != "v1") {
    Error(imp.path.terms[0].location,
          "invalid import `" + ast::ToString(imp.path) + "`, must be `rego.v1`");
    return;
  }
  module->imports_rego_v1 = true;
  if (dialect_ == ast::Dialect::kV1) return;  // a no-op in v1
  if (!imp.alias.empty()) {
    Error(imp.path.terms[0].location, "`rego` imports cannot be aliased");
    return;
  }
  keywords_.add(ast::FutureKeyword::kIn);
  keywords_.add(ast::FutureKeyword::kEvery);
  keywords_.add(ast::FutureKeyword::kIf);
  keywords_.add(ast::FutureKeyword::kContains);
}

void Parser::ApplyFutureImport(const ast::Import& imp) {
  const std::vector<Term>& path = imp.path.terms;
  const Location& loc = path[0].location;
  const std::string* second = path.size() > 1 ? StringPart(path[1]) : nullptr;
  if (second == nullptr || *second != "keywords") {
    Error(loc, "invalid import, must be `future.keywords`");
    return;
  }
  if (!imp.alias.empty()) {
    Error(loc, "`future` imports cannot be aliased");
    return;
  }
  std::vector<std::string> allowed = {"contains", "every", "if", "in", "not"};
  if (options_.experimental_keywords) {
    allowed.push_back("and");
    allowed.push_back("or");
    std::sort(allowed.begin(), allowed.end());
  }
  if (path.size() == 3) {
    const std::string* kw = StringPart(path[2]);
    if (kw == nullptr) {
      Error(loc, "invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`");
      return;
    }
    if (std::find(allowed.begin(), allowed.end(), *kw) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) {
        if (a == "not" || a == "and" || a == "or") continue;  // not in OPA's v0 list
        list += list.empty() ? "" : " ";
        list += a;
      }
      Error(loc, "unexpected keyword, must be one of [" + list + "]");
      return;
    }
    keywords_.add(*ast::KeywordSet::FromName(*kw));
    if (*kw == "every") keywords_.add(ast::FutureKeyword::kIn);
    return;
  }
  // `import future.keywords`: the keywords v1 has.
  keywords_.add(ast::FutureKeyword::kIn);
  keywords_.add(ast::FutureKeyword::kEvery);
  keywords_.add(ast::FutureKeyword::kIf);
  keywords_.add(ast::FutureKeyword::kContains);
}

}  // namespace sluice::policy::internal
