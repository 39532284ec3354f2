// OpenS3Location and ReadS3Artifact (artifact_location.h): a bucket through
// the S3 client.
#include <utility>

#include "secrets/masker.h"
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

Result<std::string> ReadS3Artifact(const pipeline::Project& project,
                                   const store::ArtifactRecord& record, const SecretLookup& lookup,
                                   const std::map<std::string, std::string>& host_env,
                                   std::shared_ptr<oci::HttpTransport> transport) {
  const store::ArtifactRecord::S3Origin& origin = record.s3;
  if (origin.connector.empty() || origin.endpoint.empty() || record.bucket.empty()) {
    return Status::FailedPrecondition(record.name + " was not stored on an S3 server by a step");
  }
  const pipeline::Connector* aws = project.FindConnector(origin.connector);
  if (aws == nullptr) {
    return Status::FailedPrecondition("the connector \"" + origin.connector + "\" that stored " +
                                      record.name +
                                      " is no longer in .harness/connectors/; add it back to "
                                      "read the object through it");
  }
  secrets::Masker masker;
  auto masked = [&masker](const Status& s) { return Status(s.code(), masker.Mask(s.message())); };
  Result<S3Location> where = ResolveS3Location(
      *aws, origin.endpoint, origin.region,
      [&](const std::string& id) {
        Result<std::string> value = lookup(id);
        if (value.ok()) masker.Add(*value);
        return value;
      },
      host_env);
  if (!where.ok()) return masked(where.status());
  masker.Add(where->credentials.secret_access_key);
  masker.Add(where->credentials.session_token);
  where->transport = std::move(transport);
  Result<std::unique_ptr<store::ArtifactStore>> bucket = OpenS3Location(*where, record.bucket);
  if (!bucket.ok()) return masked(bucket.status());
  Result<std::string> bytes = (*bucket)->Get(record.key);
  if (!bytes.ok()) return masked(bytes.status());
  return bytes;
}

}  // namespace sluice::steps
