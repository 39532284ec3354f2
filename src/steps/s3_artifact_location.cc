// OpenS3Location (artifact_location.h): a bucket through the S3 client.
#include <utility>

#include "steps/artifact_location.h"
#include "store/s3_client.h"

namespace sluice::steps {

Result<std::unique_ptr<store::ArtifactStore>> OpenS3Location(const S3Location& where,
                                                             std::string_view bucket) {
  store::S3ClientOptions options;
  options.endpoint = where.endpoint;
  if (!where.region.empty()) options.region = where.region;
  options.credentials = where.credentials;
  options.transport = where.transport;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<store::S3Client> client,
                          store::S3Client::Create(std::move(options)));
  return store::OpenS3ArtifactStore(std::shared_ptr<store::S3Client>(std::move(client)), bucket);
}

}  // namespace sluice::steps
