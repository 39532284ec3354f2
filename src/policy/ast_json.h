// OPA's JSON form of a parsed module (what rego.parse_module returns and
// `opa parse --format json` prints), as a Rego value. Internal to
// src/policy.
//
// Shapes (OPA's ast package marshalling, without locations):
//   term     {"type": "var" | "string" | "number" | "boolean" | "null" |
//             "ref" | "array" | "set" | "object" | "call" |
//             "arraycomprehension" | "setcomprehension" |
//             "objectcomprehension" | "templatestring", "value": ...}
//            refs, arrays, sets and calls hold term lists, objects
//            [[key, value], ...], comprehensions {"term" | "key", "value",
//            "body"}
//   expr     {"index": i, "terms": term or [operator, args...],
//             "negated": true?, "with": [{"target", "value"}]?}
//   rule     {"head": {"name", "ref", "args"?, "key"?, "value"?,
//             "assign"?}, "body": [expr...], "default": true?,
//             "else": rule?}
//   module   {"package": {"path": [term...]}, "imports": [{"path": term,
//             "alias"?}]?, "rules": [rule...]?}
#pragma once

#include "policy/ast.h"
#include "policy/value.h"

namespace sluice::policy {

Value ModuleToValue(const ast::Module& module);

}  // namespace sluice::policy
