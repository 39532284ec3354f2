// rego.parse_module(filename, text): the module's AST in OPA's JSON form
// (ast_json.h); a text that does not parse is an eval_builtin_error with
// the parser's message. (rego.metadata.* are answered by the evaluator.)
#include "policy/ast_json.h"
#include "policy/builtins.h"
#include "policy/parser.h"
#include "policy/query.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

Out ParseModuleBuiltin(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsString()) return Out::OperandError(2, "string", a[1]);
  Result<ast::Module> m = ParseModule(std::string(a[0].AsString()), a[1].AsString());
  if (!m.ok()) return Out::Error(ParseErrorText(m.status()));
  return ModuleToValue(m.value());
}

}  // namespace

void RegisterRegoBuiltins(BuiltinRegistry& r) { r.Add("rego.parse_module", 2, ParseModuleBuiltin); }

}  // namespace sluice::policy
