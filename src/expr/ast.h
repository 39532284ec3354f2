// Syntax tree of one parsed expression or condition.
//
// A Node owns its children. Every node records the byte span [begin, end) of
// its source in the text that was parsed, so evaluation errors can quote what
// the user wrote. References are kept as static paths where possible:
// `pipeline.variables.get("k-ey")[0]` is one kPath node with
// path {"pipeline", "variables", "k-ey", "0"}, which is what Scope::Lookup
// and CollectReferences want; only dynamic parts (`a[b]`, members of a
// method result) become kIndex / kMember nodes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "expr/expr.h"

namespace sluice::expr {

enum class NodeKind {
  kLiteral,   // `literal`
  kPath,      // `path` (root name first)
  kMember,    // children[0].name
  kIndex,     // children[0][children[1]]
  kCall,      // children[0].name(children[1..])
  kUnary,     // op children[0]
  kBinary,    // children[0] op children[1]
  kTernary,   // children[0] ? children[1] : children[2]
  kTemplate,  // <+ children[0] >, nested inside an expression or condition
  kArray,     // [children...], an array literal
};

enum class Op {
  kNone,
  kNot,
  kNegate,
  kAnd,
  kOr,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kRegexMatch,
  kRegexNoMatch,
  kStartsWith,
  kEndsWith,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
};

// The operator as written in messages ("==", "&&", "-").
const char* OpSpelling(Op op);

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  size_t begin = 0;
  size_t end = 0;
  Value literal;
  std::vector<std::string> path;
  std::string name;
  Op op = Op::kNone;
  std::vector<std::unique_ptr<Node>> children;
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace sluice::expr
