// Rego annotations (internal to src/policy): `# METADATA` comment blocks,
// read as YAML, attached to the package or rule that follows them, and the
// values rego.metadata.rule() and rego.metadata.chain() return for a rule.
//
// A block is a comment line reading exactly "METADATA" and the comment lines
// directly below it (one leading space stripped from each); it belongs to
// the first package or rule starting after it. Annotations are normalised
// as OPA does: "scope" defaults to "rule" (or "package" above a package),
// authors given as "Name <email>" strings become {"name", "email"} objects,
// related resources given as strings become {"ref": ...}.
//
// rule():  the rule's own (rule-scoped) annotations, {} when it has none.
// chain(): [{path, annotations?}] from the rule outwards: the rule itself
//          (path without annotations when it has none), document-scoped
//          annotations of any rule at the same path, the package's
//          annotations (from every module of that package), then
//          subpackages-scoped annotations of enclosing packages, innermost
//          first. Paths omit "data".
//
// Computed once at compile time; immutable afterwards.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "policy/ast.h"
#include "policy/value.h"

namespace sluice::policy {

struct RuleMetadata {
  Value rule;   // rego.metadata.rule()
  Value chain;  // rego.metadata.chain()
};

using MetadataMap = std::unordered_map<const ast::Rule*, RuleMetadata>;

// Metadata for every rule of `modules` (keyed by the rules' addresses, so
// the modules must stay where they are). An annotation block that is not a
// YAML mapping is an error pointing at the block.
Result<MetadataMap> CollectMetadata(const std::vector<ast::Module>& modules);

}  // namespace sluice::policy
