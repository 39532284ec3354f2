#include "steps/artifact_location.h"

namespace sluice::steps {
namespace {

std::string Named(const pipeline::Connector& c) {
  return "connector \"" + c.identifier + "\" (" + c.location.ToString() + ")";
}

YAML::Node Child(const YAML::Node& parent, std::string_view key) {
  if (!parent || !parent.IsMap()) return YAML::Node();
  return parent[std::string(key)];
}

// The text of a scalar connector field, "" when absent.
std::string Field(const YAML::Node& parent, std::string_view key) {
  const YAML::Node node = Child(parent, key);
  return node && node.IsScalar() ? node.Scalar() : "";
}

// The value of the secret a connector field names, registered with the
// masker; never in errors.
Result<std::string> SecretOf(const engine::StepContext& ctx, const pipeline::Connector& c,
                             const std::string& id, std::string_view field) {
  Result<std::string> value = ctx.scope.GetSecret(id);
  if (!value.ok()) {
    return Status(value.status().code(), Named(c) + ": " + std::string(field) + " names secret \"" +
                                             id + "\": " + value.status().message());
  }
  ctx.masker.Add(*value);
  return value;
}

Result<store::AwsCredentials> ManualCredentials(const engine::StepContext& ctx,
                                                const pipeline::Connector& aws) {
  const YAML::Node spec = Child(Child(aws.spec, "credential"), "spec");
  store::AwsCredentials credentials;
  const std::string access_ref = Field(spec, "accessKeyRef");
  if (!access_ref.empty()) {
    SLUICE_ASSIGN_OR_RETURN(credentials.access_key_id,
                            SecretOf(ctx, aws, access_ref, "spec.credential.spec.accessKeyRef"));
  } else {
    credentials.access_key_id = Field(spec, "accessKey");
  }
  const std::string secret_ref = Field(spec, "secretKeyRef");
  if (credentials.access_key_id.empty() || secret_ref.empty()) {
    return Status::InvalidArgument(
        Named(aws) +
        ": a ManualConfig credential needs spec.credential.spec.accessKey (or accessKeyRef) "
        "and secretKeyRef (a secret) to sign S3 requests");
  }
  SLUICE_ASSIGN_OR_RETURN(credentials.secret_access_key,
                          SecretOf(ctx, aws, secret_ref, "spec.credential.spec.secretKeyRef"));
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
        Named(aws) +
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
    const std::map<std::string, std::string>& host_env) {
  if (aws.type != "Aws") {
    return Status::InvalidArgument(Named(aws) + " is a " + aws.type +
                                   " connector; S3Upload needs an Aws connector");
  }
  S3Location where;
  where.endpoint = endpoint.empty() ? Field(aws.spec, "s3Endpoint") : std::string(endpoint);
  if (where.endpoint.empty())
    return store::OpenLocalArtifactStore(ctx.state_dir / "artifacts", bucket);
  where.region = std::string(region);
  const std::string type = Field(Child(aws.spec, "credential"), "type");
  if (type == "ManualConfig") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, ManualCredentials(ctx, aws));
  } else if (type == "InheritFromDelegate") {
    SLUICE_ASSIGN_OR_RETURN(where.credentials, DelegateCredentials(ctx, aws, host_env));
  } else {
    return Status::InvalidArgument(Named(aws) + ": spec.credential.type \"" + type +
                                   "\" cannot sign requests to " + where.endpoint +
                                   "; use ManualConfig (accessKey and secretKeyRef) or "
                                   "InheritFromDelegate (AWS_* variables of sluice's environment)");
  }
  return OpenS3Location(where, bucket);
}

}  // namespace sluice::steps
