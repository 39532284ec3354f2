#include "steps/image_registry.h"

#include <cctype>
#include <optional>

#include "pipeline/project.h"
#include "steps/connector_fields.h"

namespace sluice::steps {
namespace {

// Plain `field` or the secret `field`Ref names; "" when neither is set.
Result<std::string> PlainOrSecret(const engine::StepContext& ctx, const pipeline::Connector& c,
                                  const YAML::Node& parent, const std::string& field,
                                  std::string_view where) {
  std::string ref = ConnectorField(parent, field + "Ref");
  if (!ref.empty()) return ConnectorSecret(ctx, c, ref, std::string(where) + "." + field + "Ref");
  return ConnectorField(parent, field);
}

// A registry address as connectors write it ("host:5000", "http://host:5000/",
// "https://index.docker.io/v2/"): the host[:port], and whether the scheme was
// http://. InvalidArgument naming `field` for anything else.
struct Endpoint {
  std::string host;
  bool plain_http = false;
};

Result<Endpoint> ParseEndpoint(const pipeline::Connector& c, std::string_view field,
                               std::string text) {
  Endpoint e;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(ConnectorName(c) + ": spec." + std::string(field) + " \"" + text +
                                   "\" " + why +
                                   "; write HOST[:PORT], optionally after http:// "
                                   "or https://");
  };
  std::string_view rest = text;
  if (rest.rfind("http://", 0) == 0) {
    e.plain_http = true;
    rest.remove_prefix(7);
  } else if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else if (rest.find("://") != std::string_view::npos) {
    return bad("has a scheme other than http:// or https://");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  // Docker Hub's usual URL ends in /v1 or /v2: the API version, not a path.
  for (std::string_view version : {"/v1", "/v2"}) {
    if (rest.size() > version.size() && rest.substr(rest.size() - version.size()) == version) {
      rest.remove_suffix(version.size());
    }
  }
  if (rest.empty()) return bad("names no host");
  if (rest.find('/') != std::string_view::npos) return bad("has a path");
  for (char ch : rest) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && std::strchr(".-:[]_", ch) == nullptr) {
      return bad("is not a host name");
    }
  }
  e.host = std::string(rest);
  return e;
}

// Registry options for a remote endpoint: insecure when asked to be.
Result<oci::RegistryOptions> OptionsFor(const pipeline::Connector& c, std::string_view field,
                                        const Endpoint& e, bool insecure) {
  oci::RegistryOptions options;
  if (e.plain_http && !oci::IsLoopbackHost(e.host)) {
    if (!insecure) {
      return Status::InvalidArgument(
          ConnectorName(c) + ": spec." + std::string(field) + " uses http:// for " + e.host +
          ", which is not a loopback address; use https://, or set spec.insecure: true to "
          "allow plain HTTP");
    }
  }
  if (insecure && !oci::IsLoopbackHost(e.host)) options.insecure_hosts.push_back(e.host);
  return options;
}

// "a.b/c:1" → {"a.b/c", "1", nullopt}; "c@sha256:..." → {"c", "", digest}.
struct NameParts {
  std::string name;  // everything before the tag or digest, host included
  std::string tag;
  std::optional<oci::Digest> digest;
};

Result<NameParts> SplitName(std::string_view image) {
  SLUICE_ASSIGN_OR_RETURN(oci::ImageReference parsed, oci::ParseImageReference(image));
  NameParts parts;
  size_t at = image.find('@');
  std::string_view name = image.substr(0, at);
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    name = name.substr(0, colon);
  }
  parts.name = std::string(name);
  parts.tag = parsed.tag;
  parts.digest = parsed.digest;
  return parts;
}

bool IsLabel(std::string_view text, std::string_view extra) {
  if (text.empty()) return false;
  for (char ch : text) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && extra.find(ch) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Status CheckRepositoryAndTag(std::string_view what, std::string_view repository,
                             std::string_view tag) {
  if (!oci::IsValidRepositoryName(repository)) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(repository) +
                                   "\" is not a repository name: use lower-case letters, digits "
                                   "and separators (. _ -) in /-separated parts, e.g. ml/train");
  }
  if (!oci::IsValidTag(tag)) {
    return Status::InvalidArgument("tag \"" + std::string(tag) +
                                   "\" is not a valid tag: up to 128 letters, digits, _ . or -, "
                                   "not starting with . or -");
  }
  return Status::Ok();
}

Result<ImageLocation> Ecr(const engine::StepContext& ctx, const pipeline::Connector& aws,
                          std::string_view account, std::string_view region,
                          std::string_view image_name, std::string_view tag,
                          const std::optional<oci::Digest>& digest) {
  if (aws.type != "Aws") {
    return Status::InvalidArgument(ConnectorName(aws) + " is a " + aws.type +
                                   " connector; an ECR image needs an Aws connector");
  }
  if (!IsLabel(account, "-")) {
    return Status::InvalidArgument("account \"" + std::string(account) +
                                   "\" is not an AWS account id (e.g. 123456789012)");
  }
  if (!IsLabel(region, "-")) {
    return Status::InvalidArgument("region \"" + std::string(region) +
                                   "\" is not an AWS region (e.g. us-east-1)");
  }
  SLUICE_RETURN_IF_ERROR(
      CheckRepositoryAndTag("imageName", image_name, tag.empty() ? "latest" : tag));
  ImageLocation loc;
  const std::string ecr_host =
      std::string(account) + ".dkr.ecr." + std::string(region) + ".amazonaws.com";
  loc.display = ecr_host + "/" + std::string(image_name);
  if (!tag.empty()) loc.display += ":" + std::string(tag);
  if (digest) loc.display += "@" + digest->str();
  loc.reference = {ecr_host, std::string(image_name), std::string(tag), digest};
  const std::string endpoint_text = ConnectorField(aws.spec, "ecrEndpoint");
  if (endpoint_text.empty()) {
    loc.local_store = true;
    return loc;
  }
  SLUICE_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(aws, "ecrEndpoint", endpoint_text));
  SLUICE_ASSIGN_OR_RETURN(loc.registry, OptionsFor(aws, "ecrEndpoint", endpoint,
                                                   ConnectorField(aws.spec, "insecure") == "true"));
  loc.reference.registry = endpoint.host;
  // credential: {type: ManualConfig, spec: {accessKey|accessKeyRef, secretKeyRef}};
  // other credential types (InheritFromDelegate, Irsa) have nothing to send.
  const YAML::Node credential_spec = ConnectorChild(ConnectorChild(aws.spec, "credential"), "spec");
  const std::string secret_ref = ConnectorField(credential_spec, "secretKeyRef");
  if (!secret_ref.empty()) {
    SLUICE_ASSIGN_OR_RETURN(std::string user, PlainOrSecret(ctx, aws, credential_spec, "accessKey",
                                                            "spec.credential.spec"));
    if (user.empty()) {
      return Status::InvalidArgument(ConnectorName(aws) +
                                     ": spec.credential.spec has secretKeyRef but no accessKey "
                                     "or accessKeyRef (the registry user name)");
    }
    SLUICE_ASSIGN_OR_RETURN(std::string password,
                            ConnectorSecret(ctx, aws, secret_ref, "spec.credential.spec.secretKeyRef"));
    loc.registry.credentials = oci::RegistryCredentials{std::move(user), std::move(password)};
  }
  return loc;
}

Result<ImageLocation> Docker(const engine::StepContext& ctx, const pipeline::Connector& registry,
                             std::string_view repo, std::string_view tag,
                             const std::optional<oci::Digest>& digest) {
  if (registry.type != "DockerRegistry") {
    return Status::InvalidArgument(ConnectorName(registry) + " is a " + registry.type +
                                   " connector; this image needs a DockerRegistry connector");
  }
  const std::string url = ConnectorField(registry.spec, "dockerRegistryUrl");
  if (url.empty()) {
    return Status::InvalidArgument(ConnectorName(registry) +
                                   ": spec.dockerRegistryUrl is required (e.g. "
                                   "http://127.0.0.1:5000 or https://registry.example.com)");
  }
  SLUICE_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(registry, "dockerRegistryUrl", url));
  std::string_view repository = repo;
  if (size_t slash = repository.find('/');
      slash != std::string_view::npos && oci::LooksLikeRegistryHost(repository.substr(0, slash))) {
    repository.remove_prefix(slash + 1);  // the connector's URL wins over a host in `repo`
  }
  SLUICE_RETURN_IF_ERROR(CheckRepositoryAndTag("repo", repository, tag.empty() ? "latest" : tag));
  ImageLocation loc;
  SLUICE_ASSIGN_OR_RETURN(loc.registry, OptionsFor(registry, "dockerRegistryUrl", endpoint,
                                                   ConnectorField(registry.spec, "insecure") == "true"));
  loc.reference = {endpoint.host, std::string(repository), std::string(tag), digest};
  loc.display = endpoint.host + "/" + std::string(repository);
  if (!tag.empty()) loc.display += ":" + std::string(tag);
  if (digest) loc.display += "@" + digest->str();

  const YAML::Node auth = ConnectorChild(registry.spec, "auth");
  const std::string auth_type = ConnectorField(auth, "type");
  if (auth_type == "UsernamePassword") {
    const YAML::Node auth_spec = ConnectorChild(auth, "spec");
    SLUICE_ASSIGN_OR_RETURN(std::string user,
                            PlainOrSecret(ctx, registry, auth_spec, "username", "spec.auth.spec"));
    const std::string password_ref = ConnectorField(auth_spec, "passwordRef");
    if (user.empty() || password_ref.empty()) {
      return Status::InvalidArgument(ConnectorName(registry) +
                                     ": spec.auth.spec needs username (or usernameRef) and "
                                     "passwordRef (a secret identifier)");
    }
    SLUICE_ASSIGN_OR_RETURN(std::string password,
                            ConnectorSecret(ctx, registry, password_ref, "spec.auth.spec.passwordRef"));
    loc.registry.credentials = oci::RegistryCredentials{std::move(user), std::move(password)};
  } else if (!auth_type.empty() && auth_type != "Anonymous") {
    return Status::InvalidArgument(ConnectorName(registry) + ": spec.auth.type \"" + auth_type +
                                   "\" is not supported: use UsernamePassword or Anonymous");
  }
  return loc;
}

}  // namespace

Result<ImageLocation> EcrImage(const engine::StepContext& ctx, const pipeline::Connector& aws,
                               std::string_view account, std::string_view region,
                               std::string_view image_name, std::string_view tag) {
  return Ecr(ctx, aws, account, region, image_name, tag, std::nullopt);
}

Result<ImageLocation> DockerRegistryImage(const engine::StepContext& ctx,
                                          const pipeline::Connector& registry,
                                          std::string_view repo, std::string_view tag) {
  return Docker(ctx, registry, repo, tag, std::nullopt);
}

Result<ImageLocation> StepImage(const engine::StepContext& ctx,
                                const pipeline::Connector* connector, std::string_view image) {
  while (!image.empty() && std::isspace(static_cast<unsigned char>(image.front()))) {
    image.remove_prefix(1);
  }
  while (!image.empty() && std::isspace(static_cast<unsigned char>(image.back()))) {
    image.remove_suffix(1);
  }
  if (image.empty()) {
    return Status::InvalidArgument("image is empty: name an image, e.g. ml/train:1");
  }
  SLUICE_ASSIGN_OR_RETURN(NameParts parts, SplitName(image));
  // A tag the reference leaves out is "latest", as Docker reads it.
  const std::string tag = parts.tag.empty() && !parts.digest ? "latest" : parts.tag;
  if (connector != nullptr && connector->type == "Aws") {
    // <account>.dkr.ecr.<region>.amazonaws.com/<name>
    constexpr std::string_view kMarker = ".dkr.ecr.";
    constexpr std::string_view kSuffix = ".amazonaws.com";
    size_t slash = parts.name.find('/');
    std::string_view host = std::string_view(parts.name).substr(0, slash);
    size_t marker = host.find(kMarker);
    if (slash == std::string::npos || marker == std::string_view::npos ||
        host.size() < kSuffix.size() || host.substr(host.size() - kSuffix.size()) != kSuffix) {
      return Status::InvalidArgument(
          "image \"" + std::string(image) + "\" is not an ECR image, but " + ConnectorName(*connector) +
          " is an Aws connector: write <account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag>");
    }
    std::string_view account = host.substr(0, marker);
    std::string_view region = host.substr(marker + kMarker.size(),
                                          host.size() - kSuffix.size() - marker - kMarker.size());
    return Ecr(ctx, *connector, account, region, std::string_view(parts.name).substr(slash + 1),
               tag, parts.digest);
  }
  if (connector != nullptr) return Docker(ctx, *connector, parts.name, tag, parts.digest);

  SLUICE_ASSIGN_OR_RETURN(oci::ImageReference reference, oci::ParseImageReference(image));
  ImageLocation loc;
  loc.display = std::string(image);
  loc.reference = std::move(reference);
  size_t slash = image.find('/');
  loc.local_store =
      slash == std::string_view::npos || !oci::LooksLikeRegistryHost(image.substr(0, slash));
  return loc;
}

Result<oci::ImageLayout> OpenImageStore(const engine::StepContext& ctx) {
  if (ctx.state_dir.empty()) {
    return Status::FailedPrecondition("no state directory: the local image store lives in it");
  }
  const std::filesystem::path dir = ctx.state_dir / "images";
  Result<oci::ImageLayout> layout = oci::ImageLayout::Open(dir);
  if (!layout.ok()) return layout.status().Annotate("image store " + dir.string());
  return layout;
}

Result<ImageStoreLock> LockImageStore(const engine::StepContext& ctx, const Cancellation& cancel) {
  return oci::LockStore(ctx.state_dir / "images.lock", cancel);
}

}  // namespace sluice::steps
