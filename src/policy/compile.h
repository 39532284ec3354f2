// The Rego compiler: parsed modules -> a CompiledPolicy the evaluator runs.
//
// What it does, in OPA's order where it matters:
//  1. Takes copies of the modules (the AST is rewritten in place, the caller's
//     modules are untouched).
//  2. Rewrites rules locally: a function argument that must be computed
//     (template string, ref, call) becomes a variable compared with it at
//     the end of the body; a local declared by `:=` / `some` in a nested
//     body that shadows an outer name is renamed apart
//     (RenameShadowingLocals).
//     Then resolves names in rule bodies and heads: a variable naming a rule of
//     the same package becomes the ref data.<pkg>.<name>; an import alias
//     (`import data.x.y` -> `y`, `import input.z as w` -> `w`) becomes the
//     imported path; a local declared with `:=`, `some`, `every` or as a
//     function argument shadows both. Calls `f(x)` of package functions get
//     the operator data.<pkg>.f; builtin calls keep their name.
//  3. Builds the rule tree: one RuleNode per string step of
//     data.<package>.<ground prefix of the head ref>. A rule sits at the node
//     of its ground prefix; the rest of its ref (variables, and any later
//     steps) is its `suffix`, filled in per solution (partial objects).
//  4. Checks rule groups: one kind per node (rego_type_error "conflicting
//     rules ... found"), at most one default rule ("multiple default rules
//     ... found"), function arities.
//  5. Reorders bodies for safety (ReorderForSafety).
//  6. Reads `# METADATA` annotations into per-rule values for
//     rego.metadata.rule() / chain() (metadata.h).
// Not done yet: rego_unsafe_var_error at compile time (the evaluator reports
// unsafe variables when it reaches them), static recursion detection (the
// evaluator detects recursion at run time as rego_recursion_error), type
// checking.
//
// A CompiledPolicy is immutable after Compile and may be evaluated from many
// threads at once. Nodes point into the policy's own module copies.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "policy/ast.h"
#include "policy/builtins.h"
#include "policy/metadata.h"

namespace sluice::policy {

struct PolicyError {
  std::string code;     // "rego_compile_error", ...
  std::string message;  // "<file>:<row>: <code>: <text>"
};

// "<file>:<row>: <code>: <text>" (no prefix when the location is unknown).
PolicyError MakePolicyError(const ast::Location& loc, std::string code, std::string text);

struct RuleNode {
  std::string name;  // the step leading here ("" for data itself)
  std::map<std::string, std::unique_ptr<RuleNode>> children;
  // Rules sitting here (defaults excluded); all of one kind.
  std::vector<const ast::Rule*> rules;
  const ast::Rule* default_rule = nullptr;
  ast::RuleKind kind = ast::RuleKind::kComplete;
  // For each rule in `rules`: head ref terms after the ground prefix.
  std::vector<std::vector<const ast::Term*>> suffixes;
  // Dotted path for messages ("data.a.b").
  std::string path;

  bool HasRules() const { return !rules.empty() || default_rule != nullptr; }
};

class CompiledPolicy {
 public:
  const RuleNode& root() const { return root_; }
  // The node at data.<steps>, nullptr when none.
  const RuleNode* Find(const std::vector<std::string>& steps) const;
  const BuiltinRegistry& builtins() const { return *builtins_; }
  // rego.metadata.rule() / chain() for one of the policy's rules (metadata.h).
  const RuleMetadata* Metadata(const ast::Rule* rule) const;

 private:
  friend class Compiler;
  std::vector<ast::Module> modules_;
  MetadataMap metadata_;
  RuleNode root_;
  const BuiltinRegistry* builtins_ = nullptr;
};

// Compiles `modules`; on error returns nullptr and fills *error.
std::unique_ptr<CompiledPolicy> Compile(std::vector<ast::Module> modules,
                                        const BuiltinRegistry& builtins, PolicyError* error);

// Rewrites names in a query body the way Compile does in rule bodies (no
// package: only `data`/`input` refs and builtins apply), then reorders it
// for safety.
void ResolveQuery(ast::Body& body, const BuiltinRegistry& builtins);

// Gives locals that `:=` / `some` declare in nested bodies (and / or
// operands, comprehensions, every) and that shadow a name of the enclosing
// body names of their own (compile_rename.cc).
void RenameShadowingLocals(ast::Rule& rule);

// Reorders `body` (and nested bodies) so that expressions run after the
// expressions binding the variables they need (compile_safety.cc);
// `bound` holds the variables bound before the body runs (function args).
void ReorderForSafety(ast::Body& body, const std::set<std::string>& bound,
                      const BuiltinRegistry& builtins);

}  // namespace sluice::policy
