#include "steps/artifact_location.h"

#include "steps/connector_fields.h"

namespace sluice::steps {
namespace {

Result<store::AwsCredentials> ManualCredentials(const engine::StepContext& ctx,
                                                const pipeline::Connector& aws) {
  const YAML::Node spec = ConnectorChild(ConnectorChild(aws.spec, "credential"), "spec");
  store::AwsCredentials credentials;
  const std::string access_ref = ConnectorField(spec, "accessKeyRef");
  if (!access_ref.empty()) {
    SLUICE_ASSIGN_OR_RETURN(credentials.access_key_id,
                            ConnectorSecret(ctx, aws, access_ref, "spec.credential.spec.accessKeyRef"));
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
  SLUICE_ASSIGN_OR_RETURN(credentials.secret_access_key,
                          ConnectorSecret(ctx, aws, secret_ref, "spec.credential.spec.secretKeyRef"));
  return credentials;
}

Result<store::AwsCredentials> DelegateCredentials(const engine::StepContext& ctx,
                                                  const pipeline::Connector& aws,
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
  ctx.masker.Add(credentials.secret_access_key);
  if (!credentials.session_token.empty()) ctx.masker.Add(credentials.session_token);
  return credentials;
}

}  // namespace

Result<std::unique_ptr<store::ArtifactStore>> OpenArtifactLocation(
    const engine::StepContext& ctx, const pipeline::Connector& aws, std::string_view endpoint,
    std::string_view region, std::string_view bucket,
    const std::map<std::string, std::string>& host_env,
    std::shared_ptr<oci::HttpTransport> s3_transport) {
  if (aws.type != "Aws") {
    return Status::InvalidArgument(ConnectorName(aws) + " is a " + aws.type +
                                   " connector; S3Upload needs an Aws connector");
  }
  S3Location where;
  where.endpoint = endpoint.empty() ? ConnectorField(aws.spec, "s3Endpoint") : std::string(endpoint);
  if (where.endpoint.empty())
    return store::OpenLocalArtifactStore(ctx.state_dir / "artifacts", bucket);
  where.region = std::string(region);
  where.transport = std::move(s3_transport);
  const std::string type = ConnectorField(ConnectorChild(aws.spec, "credential"), "type");
  if (type == "ManualConfig") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, ManualCredentials(ctx, aws));
  } else if (type == "InheritFromDelegate") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, DelegateCredentials(ctx, aws, host_env));
  } else {
    return Status::InvalidArgument(ConnectorName(aws) + ": spec.credential.type \"" + type +
                                   "\" cannot sign requests to " + where.endpoint +
                                   "; use ManualConfig (accessKey and secretKeyRef) or "
                                   "InheritFromDelegate (AWS_* variables of sluice's environment)");
  }
  return OpenS3Location(where, bucket);
}

}  // namespace sluice::steps
