// The manifests of an AwsLambda service, as Harness reads them: a function
// definition mirroring Lambda's CreateFunction request in lowerCamelCase,
// and alias definitions. JSON or YAML text, already expression-resolved.
//
// Function definition fields used (PascalCase, as the AWS CLI writes them,
// is accepted too; every other field is accepted and ignored, since sluice
// takes the code from the service's artifact -- a `code` in the manifest is
// ignored as Harness does):
//   functionName (required; 1-64 of [A-Za-z0-9_-])
//   memorySize (MB, 128..10240), timeout (seconds, 1..900),
//   environment.variables (string values), handler, description,
//   imageConfig {entryPoint, command} (together they replace the image's
//     ENTRYPOINT + CMD; workingDirectory is not supported: the image's is used),
//   reservedConcurrentExecutions (Lambda's PutFunctionConcurrency; caps
//     the instances of each version)
// Alias definition: name (required), description.
//
// Errors: InvalidArgument naming `file`, the field and what is expected.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/function_records.h"

namespace sluice::steps {

struct LambdaFunctionDefinition {
  std::string function_name;
  store::FunctionConfig config;  // image and digest left empty: the artifact gives them
};

struct LambdaAliasDefinition {
  std::string name;
  std::string description;
};

Result<LambdaFunctionDefinition> ParseFunctionDefinition(std::string_view text,
                                                         std::string_view file);
Result<LambdaAliasDefinition> ParseAliasDefinition(std::string_view text, std::string_view file);

}  // namespace sluice::steps
