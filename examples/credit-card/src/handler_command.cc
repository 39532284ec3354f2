#include "handler_command.h"

#include <memory>
#include <ostream>
#include <string>

#include "handler.h"
#include "ml/model_file.h"
#include "runtime_client.h"
#include "scoring.h"

namespace ccapproval {

namespace {

constexpr int kExitFailure = 1;

int Fail(std::ostream& err, const std::string& message) {
  err << "ccapproval handler: error: " << message << "\n";
  return kExitFailure;
}

}  // namespace

int RunHandlerCommand(const HandlerOptions& options, std::ostream& err) {
  if (options.runtime_api.empty()) {
    return Fail(err,
                "AWS_LAMBDA_RUNTIME_API is not set: `ccapproval handler` runs as a function "
                "inside a Lambda-style runtime (sluice's function runtime, AWS Lambda), which "
                "sets it to the Runtime API's IP:PORT; to score applications from a shell use "
                "`ccapproval predict --model " +
                    options.model.string() + "`");
  }
  sluice::Result<std::unique_ptr<RuntimeClient>> client =
      RuntimeClient::Create(options.runtime_api);
  if (!client.ok()) return Fail(err, client.status().message());

  sluice::Result<sluice::ml::ModelFile> model = sluice::ml::LoadModel(options.model);
  sluice::Status usable = model.ok() ? CheckScoringModel(*model) : model.status();
  if (!usable.ok()) {
    const std::string message = "cannot load the model: " + usable.message();
    sluice::Result<int> posted = (*client)->PostInitError({"Runtime.ModelLoadError", message});
    if (!posted.ok()) err << "ccapproval handler: " << posted.status().message() << "\n";
    return Fail(err, message);
  }

  const sluice::ml::ModelFile& loaded = *model;
  sluice::Status stopped = ServeInvocations(
      **client,
      [&loaded](const Invocation& invocation) -> sluice::Result<std::string> {
        return HandleEvent(loaded, invocation.event);
      },
      err);
  return Fail(err, stopped.message());
}

}  // namespace ccapproval
