#include "steps/artifact_location.h"

namespace sluice::steps {
namespace {

Result<store::AwsCredentials> ManualCredentials(const pipeline::Connector& aws,
                                                const SecretLookup& lookup) {
  const YAML::Node spec = ConnectorChild(ConnectorChild(aws.spec, "credential"), "spec");
  store::AwsCredentials credentials;
  const std::string access_ref = ConnectorField(spec, "accessKeyRef");
  if (!access_ref.empty()) {
    SLUICE_ASSIGN_OR_RETURN(
        credentials.access_key_id,
        ConnectorSecret(lookup, aws, access_ref, "spec.credential.spec.accessKeyRef"));
  } else {
    credentials.access_key_id = ConnectorField(spec, "accessKey");
  }
  const std::string secret_ref = ConnectorField(spec, "secretKeyRef");
  if (credentials.access_key_id.empty() || secret_ref.empty()) {
    return Status::InvalidArgument(
        ConnectorName(aws) +
        ": a ManualConfig credential needs spec.credential.spec.accessKey (or accessKeyRef) "
        "and secretKeyRef (a secret) to sign S3 requests");
  }
  SLUICE_ASSIGN_OR_RETURN(
      credentials.secret_access_key,
      ConnectorSecret(lookup, aws, secret_ref, "spec.credential.spec.secretKeyRef"));
  return credentials;
}

Result<store::AwsCredentials> DelegateCredentials(const pipeline::Connector& aws,
                                                  const std::map<std::string, std::string>& env) {
  auto get = [&](const char* name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  store::AwsCredentials credentials{get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"),
                                    get("AWS_SESSION_TOKEN")};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        ConnectorName(aws) +
        " inherits its credentials from the delegate: set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys) in sluice's "
        "environment, or give the connector a ManualConfig credential");
  }
  return credentials;
}

Status CheckAws(const pipeline::Connector& aws) {
  if (aws.type == "Aws") return Status::Ok();
  return Status::InvalidArgument(ConnectorName(aws) + " is a " + aws.type +
                                 " connector; S3Upload needs an Aws connector");
}

}  // namespace

std::string S3Endpoint(const pipeline::Connector& aws, std::string_view step_endpoint) {
  return step_endpoint.empty() ? ConnectorField(aws.spec, "s3Endpoint")
                               : std::string(step_endpoint);
}

Result<S3Location> ResolveS3Location(const pipeline::Connector& aws, std::string_view endpoint,
                                     std::string_view region, const SecretLookup& lookup,
                                     const std::map<std::string, std::string>& host_env) {
  SLUICE_RETURN_IF_ERROR(CheckAws(aws));
  S3Location where;
  where.endpoint = std::string(endpoint);
  where.region = std::string(region);
  const std::string type = ConnectorField(ConnectorChild(aws.spec, "credential"), "type");
  if (type == "ManualConfig") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, ManualCredentials(aws, lookup));
  } else if (type == "InheritFromDelegate") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, DelegateCredentials(aws, host_env));
  } else {
    return Status::InvalidArgument(ConnectorName(aws) + ": spec.credential.type \"" + type +
                                   "\" cannot sign requests to " + where.endpoint +
                                   "; use ManualConfig (accessKey and secretKeyRef) or "
                                   "InheritFromDelegate (AWS_* variables of sluice's environment)");
  }
  return where;
}

Result<std::unique_ptr<store::ArtifactStore>> OpenArtifactLocation(
    const engine::StepContext& ctx, const pipeline::Connector& aws, std::string_view endpoint,
    std::string_view region, std::string_view bucket,
    const std::map<std::string, std::string>& host_env,
    std::shared_ptr<oci::HttpTransport> s3_transport) {
  SLUICE_RETURN_IF_ERROR(CheckAws(aws));
  const std::string s3_endpoint = S3Endpoint(aws, endpoint);
  if (s3_endpoint.empty())
    return store::OpenLocalArtifactStore(ctx.state_dir / "artifacts", bucket);
  SLUICE_ASSIGN_OR_RETURN(S3Location where, ResolveS3Location(
                                                aws, s3_endpoint, region,
                                                [&ctx](const std::string& id) {
                                                  Result<std::string> value =
                                                      ctx.scope.GetSecret(id);
                                                  if (value.ok()) ctx.masker.Add(*value);
                                                  return value;
                                                },
                                                host_env));
  ctx.masker.Add(where.credentials.secret_access_key);
  if (!where.credentials.session_token.empty()) ctx.masker.Add(where.credentials.session_token);
  where.transport = std::move(s3_transport);
  return OpenS3Location(where, bucket);
}

}  // namespace sluice::steps
