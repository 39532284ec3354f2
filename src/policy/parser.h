// Rego parser: source text to the syntax tree of ast.h, for Rego v0 and v1.
//
// Three entry points, as in OPA: a module (a policy file), a query (a body,
// like `opa eval 'data.p.q = x'` or a conformance case's `query`) and a single
// term (a conformance case's `input_term`). Each takes the name the text is
// reported under ("policy.rego", "query") and returns the tree or an
// InvalidArgument Status whose message holds every error formatted as
//   file:line:col: error: message
//   <the source line>
//          ^
// (FormatDiagnostic); the same diagnostics are appended to `diags` when it is
// not null. Messages are OPA's rego_parse_error texts where OPA has one
// ("unexpected } token", "`if` keyword is required before rule body").
// Parsing never throws and never crashes, whatever the input.
//
// Dialects (ParseOptions::dialect):
//   kV0  Rego before OPA 1.0: bodies need no `if`; `p[x] { }` is a partial
//        set and `p[k] = v { }` a partial object; `in`, `every`, `if` and
//        `contains` are keywords only after `import future.keywords[.kw]`
//        or `import rego.v1` (which also applies the v1 rules below).
//   kV1  OPA >= 1.0 (OPA's default): those four are always keywords; `if` is
//        required before every rule body except a default rule's and
//        `contains` for partial set rules; `a[x] if { }` is a single-value
//        rule {x: true}, not a set.
//   kAuto for a module: the module is read as v1 when it parses as v1 (this
//        covers `import rego.v1`), otherwise as v0 when it parses as v0. No
//        text parses in both dialects with different meanings (the v0 forms
//        that change meaning in v1, `p[x] { }` and `p[k] = v { }`, are
//        errors in v1), so this only picks a dialect for texts that need
//        one; v1 wins ties since it is OPA's default and its checks are
//        stricter. When both fail, the errors shown are v0's if the v1
//        attempt stopped at a v1-only rule (a body without `if`, a set
//        without `contains`) and v1's otherwise. The tutorial's
//        `allow { ... }` / `deny[msg] { ... }` policy is therefore v0.
//        For queries and terms kAuto means v1 keywords.
// The chosen dialect is recorded in Module::dialect.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"
#include "policy/ast.h"

namespace sluice::policy {

struct ParseOptions {
  ast::Dialect dialect = ast::Dialect::kAuto;
  // Future keywords on without an import (OPA's WithFutureKeywords): "in",
  // "every", "if", "contains", "not" (and "and", "or" with
  // experimental_keywords). "not" selects OPA's future.keywords.not negation.
  std::vector<std::string> future_keywords;
  // Accept `import future.keywords.and` / `.or`, OPA's experimental logic
  // operators (the conformance suite's `experimental_keywords: true`).
  bool experimental_keywords = false;
  // When set, a module-level statement that is a call of a builtin
  // (`count(x)`) is rejected as in OPA ("rule name conflicts with built-in
  // function"); otherwise it parses as a function rule and the compiler has
  // to reject it.
  std::function<bool(std::string_view)> is_builtin;
};

// Parses a module (package, imports, rules).
Result<ast::Module> ParseModule(std::string file, std::string_view text,
                                const ParseOptions& options = {}, DiagnosticList* diags = nullptr);

// Parses a query: expressions separated by `;` or line breaks.
Result<ast::Query> ParseQuery(std::string file, std::string_view text,
                              const ParseOptions& options = {}, DiagnosticList* diags = nullptr);

// Parses exactly one term (no operators at the top other than inside
// composites, no `with`, no negation).
Result<ast::ParsedTerm> ParseTerm(std::string file, std::string_view text,
                                  const ParseOptions& options = {},
                                  DiagnosticList* diags = nullptr);

}  // namespace sluice::policy
