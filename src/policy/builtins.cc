#include "policy/builtins.h"

namespace sluice::policy {

BuiltinOutcome BuiltinOutcome::TypeError(std::string message) {
  BuiltinOutcome out;
  out.state = State::kError;
  out.code = "eval_type_error";
  out.message = std::move(message);
  return out;
}

BuiltinOutcome BuiltinOutcome::Error(std::string message) {
  BuiltinOutcome out;
  out.state = State::kError;
  out.code = "eval_builtin_error";
  out.message = std::move(message);
  return out;
}

BuiltinOutcome BuiltinOutcome::OperandError(int n, std::string_view want, const Value& got) {
  return TypeError("operand " + std::to_string(n) + " must be " + std::string(want) +
                   " but got " + std::string(KindName(got.kind())));
}

bool IntOperand(const Value& v, int n, int64_t& out, BuiltinOutcome& err) {
  if (!v.IsNumber()) {
    err = BuiltinOutcome::OperandError(n, "number", v);
    return false;
  }
  std::optional<int64_t> i = v.AsNumber().IsInteger() ? v.AsNumber().ToInt64() : std::nullopt;
  if (!i) {
    err = BuiltinOutcome::TypeError("operand " + std::to_string(n) +
                                    " must be integer number but got floating-point number");
    return false;
  }
  out = *i;
  return true;
}

void BuiltinRegistry::Add(std::string name, int arity, BuiltinFn fn) {
  Builtin b{name, arity, fn};
  builtins_[std::move(name)] = std::move(b);
}

void BuiltinRegistry::AddRelation(std::string name, int arity, BuiltinRelationFn fn) {
  Builtin b{name, arity, nullptr, fn};
  builtins_[std::move(name)] = std::move(b);
}

void BuiltinRegistry::AddWithContext(std::string name, int arity, BuiltinContextFn fn) {
  Builtin b{name, arity};
  b.context_fn = fn;
  builtins_[std::move(name)] = std::move(b);
}

const Builtin* BuiltinRegistry::Find(std::string_view name) const {
  auto it = builtins_.find(std::string(name));
  return it == builtins_.end() ? nullptr : &it->second;
}

const BuiltinRegistry& DefaultBuiltins() {
  static const BuiltinRegistry* registry = [] {
    auto* r = new BuiltinRegistry();  // never freed: lives for the process
    RegisterCoreBuiltins(*r);
    RegisterStringBuiltins(*r);
    RegisterCollectionBuiltins(*r);
    RegisterEncodingBuiltins(*r);
    RegisterJsonPathBuiltins(*r);  // builtins_json_paths.cc
    RegisterRegexBuiltins(*r);
    RegisterGlobBuiltins(*r);
    RegisterIdBuiltins(*r);
    RegisterTimeBuiltins(*r);
    RegisterNetBuiltins(*r);
    RegisterCryptoBuiltins(*r);
    RegisterJwtBuiltins(*r);
    RegisterAwsBuiltins(*r);
    RegisterGraphqlBuiltins(*r);
    RegisterJsonSchemaBuiltins(*r);
    RegisterGraphBuiltins(*r);
    RegisterSerializeBuiltins(*r);
    RegisterHttpBuiltins(*r);
    RegisterRegoBuiltins(*r);
    RegisterTemplateBuiltins(*r);
    return r;
  }();
  return *registry;
}

}  // namespace sluice::policy
