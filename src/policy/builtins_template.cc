// strings.render_template: a Go text/template rendered with an object as
// its data, as OPA's topdown/template.go does (the engine: go_template.h).
#include "policy/builtins.h"
#include "policy/go_template.h"

namespace sluice::policy {
namespace {

BuiltinOutcome RenderTemplate(std::span<const Value> a) {
  if (!a[0].IsString()) return BuiltinOutcome::OperandError(1, "string", a[0]);
  if (!a[1].IsObject()) return BuiltinOutcome::OperandError(2, "object", a[1]);
  Result<std::string> out = RenderGoTemplate(a[0].AsString(), a[1]);
  if (!out.ok()) return BuiltinOutcome::Error(out.status().message());
  return Value::String(*out);
}

}  // namespace

void RegisterTemplateBuiltins(BuiltinRegistry& registry) {
  registry.Add("strings.render_template", 2, RenderTemplate);
}

}  // namespace sluice::policy
