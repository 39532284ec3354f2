// Harness expressions: `<+...>` templates and the JEXL subset used in `when`
// conditions, evaluated against a Scope the engine provides.
//
// Values are JSON values (null, bool, number, string, array, object). A field
// whose whole text is one expression renders to the typed value; an
// expression inside a larger text renders as text (strings as-is, null as
// "null", numbers without trailing zeros, objects/arrays as compact JSON).
//
// Inside `<+ ... >` the language is the JEXL subset Harness uses:
//   references      pipeline.stages.S.spec.execution.steps.T.output.outputVariables.V
//                   a.get("key-with-dash"), a["key"], list[0]
//   literals        "str", 'str', 12, 1.5, true, false, null
//   operators       == != < <= > >= && || ! and or not, + (numbers add, else concat),
//                   - * / %, ternary a ? b : c, parentheses
//   functions       secrets.getValue("id")
//   string methods  contains startsWith endsWith toLowerCase toUpperCase length
//                   replace split trim substring indexOf equals concat
//   nesting         <+<+pipeline.variables.list>.split(",")[0]>
//   also (JEXL)     =~ !~ (regex full match, or membership in a list), =^ =$
//                   (starts/ends with), list literals [a, b], and the methods
//                   matches equalsIgnoreCase isEmpty toString (strings),
//                   size contains get (lists), get containsKey size (objects);
//                   see methods.h and value_ops.h for the exact rules.
// A `>` closes the expression unless it is part of `>=` or sits inside a
// string literal; write comparisons as `<` with swapped operands inside `<+ >`
// or put them in a `when.condition`, where the whole text is JEXL. `>==`
// closes and then compares (`<+a>=="x"`); an expression that only parses
// with `>` closing (`export KEY_<+x>=v` in a script) is read that way
// (lexer.h, template_scanner.h).
//
// Comparison is loose, as in Harness/JEXL: a string compared with a boolean is
// true when non-empty and not "false" (case-insensitive); a string compared
// with a number is parsed as a number when it looks like one. Ordering
// (< <= > >=) against null is false, as in JEXL (value_ops.h).
//
// Errors never turn into empty strings: an unknown reference, a bad method
// call or a syntax error is a Status naming the expression text; syntax
// errors also carry the byte offset into the template (ExprError).
//
// Thread-safety: all functions are pure given the Scope; Scope implementations
// decide their own rules.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::expr {

using Value = nlohmann::json;

// What expressions can see. The engine implements this over its execution
// state; JsonScope is a ready-made implementation over one JSON document.
class Scope {
 public:
  virtual ~Scope() = default;
  // Resolves a reference path such as {"pipeline", "variables", "x"}.
  // Returns NotFound (message names the missing part) for paths that do not
  // exist; a known node that has no value yet (a step that was skipped)
  // resolves to null.
  virtual Result<Value> Lookup(const std::vector<std::string>& path) const = 0;
  // The value of secret `id` for secrets.getValue("id"). Implementations
  // record the value so that every stream it may reach gets masked.
  virtual Result<std::string> GetSecret(std::string_view id) const = 0;
};

// A Scope over a JSON document (objects walked by key, arrays by index) with
// secrets served from a second JSON object {id: value}.
class JsonScope : public Scope {
 public:
  explicit JsonScope(Value root, Value secrets = Value::object())
      : root_(std::move(root)), secrets_(std::move(secrets)) {}
  Result<Value> Lookup(const std::vector<std::string>& path) const override;
  Result<std::string> GetSecret(std::string_view id) const override;

 private:
  Value root_;
  Value secrets_;
};

// Where and why a template or condition failed to parse.
struct ExprError {
  size_t offset = 0;     // byte offset into the text handed in
  std::string message;   // e.g. "unclosed <+ expression"
};

// Checks the syntax of every `<+...>` in `text` (nested ones included) without
// evaluating anything. Returns the first error.
std::optional<ExprError> CheckTemplateSyntax(std::string_view text);
// Checks a `when.condition` (JEXL with embedded `<+...>`).
std::optional<ExprError> CheckConditionSyntax(std::string_view condition);

// True if `text` contains at least one `<+`.
bool HasExpressions(std::string_view text);

// Renders a template. A text that is exactly one expression (surrounding
// whitespace allowed) yields the typed value; otherwise the text with each
// expression replaced by its rendering.
Result<Value> Render(std::string_view text, const Scope& scope);
// Render() then converted to text (the form scripts and env values need).
Result<std::string> RenderString(std::string_view text, const Scope& scope);

// Evaluates a JEXL condition with embedded `<+...>` (resolved as typed values,
// not spliced as text) to a boolean. Non-boolean results follow JEXL truthiness
// (null/""/0/"false" false, everything else true).
Result<bool> EvaluateCondition(std::string_view condition, const Scope& scope);

// Text form of a value as Render splices it into a larger string.
std::string ToText(const Value& v);

// Replaces every `<+...>` with a shell-neutral placeholder word (so `sh -n`
// can check a script's syntax before anything is resolved). Byte offsets of
// the text outside expressions change; line numbers do not, because
// expressions spanning lines keep their newlines.
std::string ReplaceWithPlaceholders(std::string_view text);

// A reference found by static inspection, e.g. {"pipeline","stages","S",...}.
struct Reference {
  std::vector<std::string> path;
  size_t offset = 0;  // of the `<+` that contains it
};
// Lists the plain references in every expression of `text` (method-call
// receivers included, function calls like secrets.getValue excluded), so a
// validator can check that the stages/steps they name exist.
std::vector<Reference> CollectReferences(std::string_view text);

// Runtime inputs: `<+input>` with chained modifiers.
struct RuntimeInput {
  std::optional<std::string> default_value;  // .default(v)
  std::vector<std::string> allowed_values;   // .allowedValues(a,b) / .selectOneFrom(...)
  bool select_many = false;                  // .selectManyFrom(...)
  std::optional<std::string> regex;          // .regex(re)
  bool execution_input = false;              // .executionInput()
};
// nullopt when `text` is not a runtime input; an error when it starts with
// `<+input>` but a modifier is malformed.
std::optional<Result<RuntimeInput>> ParseRuntimeInput(std::string_view text);
// Checks a supplied value against the modifiers; the error says which
// values are allowed or which pattern failed.
Status CheckRuntimeInputValue(const RuntimeInput& input, std::string_view value);

}  // namespace sluice::expr
