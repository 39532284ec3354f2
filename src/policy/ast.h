// Rego abstract syntax tree: what the parser (parser.h) produces and the
// compiler / evaluator consume.
//
// The shapes follow OPA's ast package (v1/ast/term.go, policy.go) so that
// compiler logic can be checked against OPA's: operators are calls of builtin
// refs (`x = y` is eq(x, y), `x + y` plus(x, y), `x in xs`
// internal.member_2(x, xs), ...), `data` and `input` are always refs, and every
// `_` becomes a fresh variable "$0", "$1", ... (see Var::IsWildcard). The tree
// is independent of the value model: scalars keep their source form (numbers
// as their exact text, strings decoded).
//
// Ownership: nodes are plain values; copies are deep. Every node carries a
// Location whose `source` points at the Source the Module, Query or
// ParsedTerm was parsed from; those hold it in a shared_ptr. Keep one of
// them (or a copy of its `source`) alive while reading Location::text() or
// file() of nodes taken out of it. Nodes the parser invents (the implicit
// `true` value or body of `p if {...}`, operator refs) borrow a location from
// the text they stand for. Immutable after parsing; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/diagnostic.h"

namespace sluice::policy::ast {

// A Rego source text and the name it is reported under ("test-0.rego").
struct Source {
  std::string file;
  std::string text;
};

// Where a node is in its source. A parenthesised term's location covers the
// parentheses; an expression's runs from its first token (`not`, `some`)
// through its last `with` modifier.
struct Location {
  const Source* source = nullptr;
  uint32_t offset = 0;  // byte offset of the node's first character
  uint32_t end = 0;     // byte offset just past the node's text
  int line = 0;         // 1-based; 0 = unknown
  int column = 0;       // 1-based, counted in code points (a tab counts 1), as OPA

  bool known() const { return line > 0; }
  // The source text of the node ("" when unknown), e.g. what `opa eval` shows
  // as an expression's text.
  std::string_view text() const;
  std::string_view file() const;
  SourceLocation ToSourceLocation() const;
};

// A copyable owning pointer (deep copy), for single children of a node.
template <typename T>
class Box {
 public:
  Box() = default;
  explicit Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Box& operator=(const Box& other) {
    if (this != &other) ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Box(Box&&) noexcept = default;
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  explicit operator bool() const { return ptr_ != nullptr; }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_.get(); }
  T* get() const { return ptr_.get(); }

 private:
  std::unique_ptr<T> ptr_;
};

struct Term;
struct Expr;
struct ObjectItem;
struct TemplatePart;
// Expressions joined by `;` or newlines: all must hold.
using Body = std::vector<Expr>;

struct Null {};
struct Boolean {
  bool value = false;
};
// The number exactly as written, sign included: "1", "-0.5", "1e400", and
// the other spellings OPA accepts, ".5", "-.5", "1E+3", "0e5" (never a
// leading zero like "01"; magnitude within about 10^±30100, as OPA).
struct Number {
  std::string text;
};
// Decoded (JSON escapes resolved; raw strings verbatim), UTF-8.
struct String {
  std::string value;
};
struct Var {
  std::string name;
  // `_` in the source (named "$N" by the parser).
  bool IsWildcard() const { return !name.empty() && name[0] == '$'; }
};
// terms[0] is the head: a Var, or (as in OPA) an array, object, set,
// comprehension or call. `.name` parts are String terms; `[t]` parts any term.
struct Ref {
  std::vector<Term> terms;
};
struct Array {
  std::vector<Term> items;
};
// Items in source order; duplicates are kept (the evaluator merges them).
struct Set {
  std::vector<Term> items;
};
struct Object {
  std::vector<ObjectItem> items;
};
struct ArrayComprehension {
  Box<Term> term;
  Body body;
};
struct SetComprehension {
  Box<Term> term;
  Body body;
};
struct ObjectComprehension {
  Box<Term> key;
  Box<Term> value;
  Body body;
};
// terms[0] is the operator, a Ref (`plus`, `internal.member_2`,
// `data.lib.f`); the rest are the arguments.
struct Call {
  std::vector<Term> terms;
};
// $"...{expr}..." (raw = false) or $`...{expr}...` (raw = true), OPA >= 1.12.
// Parts alternate between literal text and expressions, empty text omitted.
struct TemplateString {
  bool raw = false;
  std::vector<TemplatePart> parts;
};

// Order matches the variant below.
enum class TermKind {
  kNull,
  kBoolean,
  kNumber,
  kString,
  kVar,
  kRef,
  kArray,
  kObject,
  kSet,
  kArrayComprehension,
  kSetComprehension,
  kObjectComprehension,
  kCall,
  kTemplateString,
};

// OPA's name for the kind in messages: "var", "ref", "arraycomprehension", ...
std::string_view TermKindName(TermKind kind);

using TermValue =
    std::variant<Null, Boolean, Number, String, Var, Ref, Array, Object, Set, ArrayComprehension,
                 SetComprehension, ObjectComprehension, Call, TemplateString>;

struct Term {
  Location location;
  TermValue value;

  TermKind kind() const { return static_cast<TermKind>(value.index()); }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(value);
  }
  template <typename T>
  const T* get_if() const {
    return std::get_if<T>(&value);
  }
  template <typename T>
  T* get_if() {
    return std::get_if<T>(&value);
  }
};

struct ObjectItem {
  Term key;
  Term value;
};

// `some x, y` (symbols are Vars), or `some x in xs` / `some k, v in xs`
// (one symbol: the internal.member_2 / internal.member_3 call).
struct SomeDecl {
  std::vector<Term> symbols;
};

// `every [key,] value in domain { body }`; key and value are Vars.
struct Every {
  std::optional<Term> key;
  Term value;
  Term domain;
  Body body;
};

// Experimental `a and b` / `a or b` (OPA's logic_operators, enabled by
// `import future.keywords.and|or`), and `not { ... }` blocks. Each operand is
// a body with its own scope: no binding leaves it, and the expression succeeds
// at most once. `and` binds tighter than `or`; chains of one operator are
// flattened; `not { body }` is a negated Logical{kAnd, {body}}.
enum class LogicalOp { kAnd, kOr };
struct Logical {
  LogicalOp op = LogicalOp::kAnd;
  std::vector<Body> operands;
};

// `with target as value`; target is a Var or Ref (input..., data..., a
// function or builtin name).
struct With {
  Location location;
  Term target;
  Term value;
};

enum class ExprKind { kTerm, kCall, kSome, kEvery, kLogical };

struct Expr {
  Location location;  // the whole literal, from `not` to the last `with`
  bool negated = false;
  bool generated = false;  // invented by the parser (the `true` body of a bodiless rule)
  std::variant<Term, Call, SomeDecl, Every, Logical> value;
  std::vector<With> with;

  ExprKind kind() const { return static_cast<ExprKind>(value.index()); }
  template <typename T>
  const T* get_if() const {
    return std::get_if<T>(&value);
  }
  template <typename T>
  T* get_if() {
    return std::get_if<T>(&value);
  }
};

struct TemplatePart {
  // A literal: a String term (text between expressions) or a scalar written
  // inside braces; otherwise the expression to render.
  std::variant<Term, Expr> value;
};

// Rule kinds as the evaluator sees them:
//   kComplete      one value at a ground path: `p := 1`, `p if {...}`,
//                  `a.b.c := x if {...}`, `p["k"] = v {...}`
//   kPartialSet    `p contains x`, v0 `p[x] {...}`: key is the element
//   kPartialObject a single value at a path with variables: `p[k] := v`,
//                  `a.b[k] := v`, v1 `p[x] if {...}` (= {x: true})
//   kFunction      `f(x) := y`, `f(x) if {...}`
enum class RuleKind { kComplete, kPartialSet, kPartialObject, kFunction };
std::string_view RuleKindName(RuleKind kind);

struct RuleHead {
  Location location;
  // The rule's path below the package: terms[0] is the name (a Var), then
  // String terms for `.x` and any term for `[t]`. For partial sets it stops
  // before the element.
  Ref ref;
  std::vector<Term> args;  // kFunction
  // kPartialSet: the element. kPartialObject with a two-part ref `p[k]`: k
  // (== ref.terms[1], kept as OPA does). Otherwise empty.
  std::optional<Term> key;
  // Present except for kPartialSet; `true` when not written (value_generated).
  std::optional<Term> value;
  bool assign = false;  // written with `:=` (otherwise `=` or no operator)
  bool value_generated = false;
  RuleKind kind = RuleKind::kComplete;

  // The first ref part (the rule's name), e.g. "p" for `p.q[x]`.
  const std::string& name() const;
};

// `else [= value | := value] [if] { body }`: tried in order when the rule's
// body (and the previous else bodies) fail. Functions share the rule's args.
struct ElseClause {
  Location location;
  Term value;  // `true` when not written (value_generated)
  bool assign = false;
  bool value_generated = false;
  Body body;  // a generated `true` when none was written
  bool body_generated = false;
  bool has_if = false;
};

struct Rule {
  Location location;
  bool is_default = false;
  RuleHead head;
  Body body;  // a generated `true` for bodiless and default rules
  bool body_generated = false;
  bool has_if = false;        // written with `if`
  bool has_contains = false;  // written with `contains`
  std::vector<ElseClause> else_chain;
};

// `package a.b` is stored as the ref data.a.b.
struct Package {
  Location location;
  Ref path;
};

struct Import {
  Location location;
  Ref path;           // data..., input..., future.keywords[.kw], rego.v1
  std::string alias;  // "" when none
};

struct Comment {
  Location location;  // at the '#'
  std::string text;   // after the '#', without a trailing '\r'
};

enum class Dialect { kAuto, kV0, kV1 };
std::string_view DialectName(Dialect dialect);  // "auto", "v0", "v1"

// Keywords that Rego v0 only has after `import future.keywords[.kw]`, and the
// experimental ones (and / or, and `not { ... }` blocks with `not`).
enum class FutureKeyword : uint8_t { kIn, kEvery, kIf, kContains, kNot, kAnd, kOr };

class KeywordSet {
 public:
  bool has(FutureKeyword k) const { return (bits_ >> static_cast<int>(k)) & 1u; }
  void add(FutureKeyword k) { bits_ |= 1u << static_cast<int>(k); }
  bool operator==(const KeywordSet&) const = default;

  // "in" -> kIn etc.; nullopt for other words.
  static std::optional<FutureKeyword> FromName(std::string_view word);

 private:
  uint32_t bits_ = 0;
};

struct Module {
  std::shared_ptr<const Source> source;
  Dialect dialect = Dialect::kV1;  // kV0 or kV1 (never kAuto)
  bool imports_rego_v1 = false;    // `import rego.v1` (v0 modules then follow v1 rules)
  // Keywords enabled at the end of the module (imports and options). kNot
  // asks for OPA's `future.keywords.not` negation semantics.
  KeywordSet keywords;
  Package package;
  std::vector<Import> imports;
  std::vector<Rule> rules;
  std::vector<Comment> comments;
};

// A standalone query (`opa eval` argument, a conformance case's `query`).
struct Query {
  std::shared_ptr<const Source> source;
  Body body;
};

// A standalone term (a conformance case's `input_term`).
struct ParsedTerm {
  std::shared_ptr<const Source> source;
  Term term;
};

// ---- helpers ----------------------------------------------------------------

Term MakeTerm(TermValue value, const Location& location);
Term MakeVar(std::string name, const Location& location);
Term MakeString(std::string value, const Location& location);
Term MakeBoolean(bool value, const Location& location);
// A ref to a builtin or function by dotted name: "eq" -> [eq],
// "internal.member_2" -> [internal, "member_2"].
Term MakeOperatorRef(std::string_view dotted_name, const Location& location);

// True when the term contains no variables, refs, calls, comprehensions or
// template expressions (OPA's IsGround, comprehensions counting as non-ground).
bool IsGround(const Term& term);

// The operator's name: "eq", "internal.member_2", "data.lib.f".
std::string OperatorName(const Call& call);

// Rego-like rendering for messages and tests (not guaranteed to re-parse):
// refs as data.a["b c"][x], sets as {1, 2} / set(), infix operators infix.
std::string ToString(const Term& term);
std::string ToString(const Ref& ref);
std::string ToString(const Expr& expr);
std::string ToString(const Body& body);
std::string ToString(const Rule& rule);

}  // namespace sluice::policy::ast
