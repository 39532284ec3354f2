// Where the files of an S3Upload step go, after its Aws connector has
// mapped it: the local artifact store or an S3-compatible server.
//
// The local artifact store (<state dir>/artifacts/<bucket>/<key>,
// store/artifact_store.h) is the embedded default, as the local image store
// is for BuildAndPushECR (image_registry.h): an Aws connector with no S3
// endpoint -- neither the step's `endpoint` nor the connector's
// `spec.s3Endpoint` -- keeps the objects there, so a pipeline runs offline
// and unchanged. With an endpoint the bucket on that server is used, with
// the connector's credentials:
//  - credential.type ManualConfig: `spec.credential.spec` accessKey (or
//    accessKeyRef, a secret) and secretKeyRef (a secret);
//  - credential.type InheritFromDelegate: AWS_ACCESS_KEY_ID,
//    AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN of sluice's own
//    environment (`host_env`), as a delegate uses its machine's.
// Secret values are added to the step's masker and never appear in errors
// or in Describe(). Errors are InvalidArgument naming the connector
// (identifier and file:line) and the field, or the secret store's error.
//
// The server reads back an object a step stored on an S3 server the same
// way (ResolveS3Location with the secret store's lookup), from the
// connector, endpoint and region recorded with the artifact
// (store::ArtifactRecord::s3).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/step.h"
#include "oci/registry_http.h"
#include "pipeline/project.h"
#include "steps/connector_fields.h"
#include "store/artifact_store.h"
#include "store/sigv4.h"
#include "store/store.h"

namespace sluice::steps {

// An S3-compatible server and the keys for it.
struct S3Location {
  std::string endpoint;  // "http://127.0.0.1:8090"
  std::string region;    // "us-east-1" when empty
  store::AwsCredentials credentials;
  // What carries the S3 requests; null: libcurl (tests put a fake S3 here).
  std::shared_ptr<oci::HttpTransport> transport;
};

// The S3 endpoint the Aws connector `aws` sends objects to: the step's
// (resolved) `endpoint` field when not "", else the connector's
// spec.s3Endpoint; "" when neither (the local artifact store).
std::string S3Endpoint(const pipeline::Connector& aws, std::string_view step_endpoint);

// The S3 server at `endpoint` (not "") with the credentials of `aws`, its
// secrets read through `lookup` and not masked. InvalidArgument for a
// connector that is not an Aws one or whose credential cannot sign.
Result<S3Location> ResolveS3Location(const pipeline::Connector& aws, std::string_view endpoint,
                                     std::string_view region, const SecretLookup& lookup,
                                     const std::map<std::string, std::string>& host_env);

// The store for `bucket` through the Aws connector `aws`; `endpoint` is the
// step's (resolved) `endpoint` field, "" when absent. S3 requests go
// through `s3_transport` (null: libcurl).
Result<std::unique_ptr<store::ArtifactStore>> OpenArtifactLocation(
    const engine::StepContext& ctx, const pipeline::Connector& aws, std::string_view endpoint,
    std::string_view region, std::string_view bucket,
    const std::map<std::string, std::string>& host_env,
    std::shared_ptr<oci::HttpTransport> s3_transport = nullptr);

// The bytes of an artifact a step stored on an S3 server, read back through
// the connector recorded with it (record.s3) as `project` defines it now,
// its secrets read through `lookup`. FailedPrecondition when the record
// names no S3 origin or the project no longer has its connector; the
// connector's or the S3 server's error otherwise, with every secret value
// masked.
Result<std::string> ReadS3Artifact(const pipeline::Project& project,
                                   const store::ArtifactRecord& record, const SecretLookup& lookup,
                                   const std::map<std::string, std::string>& host_env,
                                   std::shared_ptr<oci::HttpTransport> transport = nullptr);

// The bucket on an S3-compatible server (store::S3Client +
// store::OpenS3ArtifactStore), in s3_artifact_location.cc.
Result<std::unique_ptr<store::ArtifactStore>> OpenS3Location(const S3Location& where,
                                                             std::string_view bucket);

}  // namespace sluice::steps
