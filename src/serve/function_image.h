// How a function version's instance process is made from its image, as
// AWS Lambda runs a container image function:
//
//  - the image is found in the local image store (<state>/images) by the
//    version's manifest digest and unpacked once into <state>/rootfs
//    (oci/rootfs_cache.h), shared read-only by every instance: the only
//    writable place is a fresh tmpfs at /tmp (runner::ProcessSpec's
//    read_only_root), as in Lambda;
//  - the command is the configuration's `command` when set, else the
//    image's ENTRYPOINT + CMD; it runs in the image's WorkingDir (else /)
//    as the image's USER (names looked up in the image's /etc/passwd);
//  - the environment is the image's Env, then the configuration's
//    variables, then Lambda's own: AWS_LAMBDA_FUNCTION_NAME,
//    AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
//    AWS_LAMBDA_LOG_GROUP_NAME (/aws/lambda/NAME), AWS_LAMBDA_LOG_STREAM_NAME,
//    AWS_REGION, AWS_DEFAULT_REGION, LAMBDA_TASK_ROOT (/var/task),
//    LAMBDA_RUNTIME_DIR (/var/runtime), _HANDLER (when set), TZ (:UTC).
//    The pool adds AWS_LAMBDA_RUNTIME_API.
//
// Errors: NotFound when the image is not in the local store (say which and
// that a deploy pushes it there), FailedPrecondition when it has no command
// or its program is missing from the image, the unpacker's errors.
// Thread-safe (the unpack cache is safe for concurrent callers).
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "runner/process.h"
#include "store/function_records.h"

namespace sluice::serve {

struct InstanceIdentity {
  std::string function;
  std::string version;  // "$LATEST" or "3"
  std::string region = "us-east-1";
};

Result<runner::ProcessSpec> FunctionInstanceSpec(const std::filesystem::path& state_dir,
                                                 const InstanceIdentity& identity,
                                                 const store::FunctionConfig& config);

}  // namespace sluice::serve
