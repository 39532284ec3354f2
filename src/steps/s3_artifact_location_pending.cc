// OpenS3Location (artifact_location.h) for a build without the S3 client:
// every S3 endpoint is refused, saying how to use the local store instead.
// s3_artifact_location.cc replaces this file once the client is built.
#include "steps/artifact_location.h"

namespace sluice::steps {

Result<std::unique_ptr<store::ArtifactStore>> OpenS3Location(const S3Location& where,
                                                             std::string_view bucket) {
  return Status::FailedPrecondition(
      "bucket \"" + std::string(bucket) + "\" at " + where.endpoint +
      ": this sluice is built without its S3 client, so it cannot upload to an S3 endpoint; "
      "remove the step's endpoint and the connector's spec.s3Endpoint to keep the objects in "
      "the local artifact store (<state dir>/artifacts)");
}

}  // namespace sluice::steps
