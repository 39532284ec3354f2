// `ccapproval handler`: the credit-card function's runtime, the entrypoint
// of the inference image (Dockerfile_Inference_Lambda). It loads the model
// once, then answers the Lambda Runtime API's invocations with HandleEvent
// (handler.h) over runtime_client.h, one after another, for as long as the
// API answers.
//
// Start: `runtime_api` (AWS_LAMBDA_RUNTIME_API, "IP:PORT") must be set and
// well formed, else an error and exit 1 with nothing sent. A model that
// cannot be loaded or cannot score (CheckScoringModel) is reported to
// POST /runtime/init/error as "Runtime.ModelLoadError", then exit 1.
// The loop ends only when the API fails or is gone: exit 1. Errors go to
// `err` as "ccapproval handler: error: <message>" (never an event's text).
// Returns the exit code. Thread-compatible.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace ccapproval {

struct HandlerOptions {
  std::filesystem::path model = "/model/model.json";
  std::string runtime_api;  // AWS_LAMBDA_RUNTIME_API, "" when unset
};

int RunHandlerCommand(const HandlerOptions& options, std::ostream& err);

}  // namespace ccapproval
