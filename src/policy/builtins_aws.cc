// Rego builtins: providers.aws.sign_req (SigV4).
#include "policy/builtins.h"

namespace sluice::policy {

void RegisterAwsBuiltins(BuiltinRegistry& /*registry*/) {}

}  // namespace sluice::policy
