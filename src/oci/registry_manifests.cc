// RegistryClient: pushing and pulling manifests and indexes.
#include "oci/reference.h"
#include "oci/registry.h"

namespace sluice::oci {

Result<Digest> RegistryClient::PutManifest(std::string_view repository, std::string_view reference,
                                           std::string_view media_type, std::string_view bytes) {
  Digest digest = Sha256Of(bytes);
  if (!IsValidTag(reference) && !ParseDigest(reference).ok()) {
    return Status::InvalidArgument("\"" + std::string(reference) +
                                   "\" is neither a tag nor a sha256 digest (for registry " +
                                   host_ + ", repository " + std::string(repository) + ")");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string url,
                          RepositoryUrl(repository, "/manifests/" + std::string(reference)));
  HttpRequest put{"PUT", url, {}, std::string(bytes)};
  put.headers["Content-Type"] = std::string(media_type);
  SLUICE_ASSIGN_OR_RETURN(
      HttpResponse reply,
      Send(std::move(put), "repository:" + std::string(repository) + ":pull,push"));
  if (reply.status != 201) {
    return Error(reply, repository, "pushing manifest " + std::string(reference));
  }
  std::string stored = reply.header("docker-content-digest");
  if (!stored.empty() && stored != digest.str()) {
    return Status::IoError("registry " + host_ + ", repository " + std::string(repository) +
                           ": manifest " + std::string(reference) + " was stored as " + stored +
                           " but its bytes hash to " + digest.str() +
                           "; the registry rewrote it, so pull by tag and check before use");
  }
  return digest;
}

Result<RawManifest> RegistryClient::GetManifest(std::string_view repository,
                                             std::string_view reference) {
  if (!IsValidTag(reference) && !ParseDigest(reference).ok()) {
    return Status::InvalidArgument("\"" + std::string(reference) +
                                   "\" is neither a tag nor a sha256 digest (for registry " +
                                   host_ + ", repository " + std::string(repository) + ")");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string url,
                          RepositoryUrl(repository, "/manifests/" + std::string(reference)));
  HttpRequest get{"GET", url, {}, {}};
  // Distribution 2.8 hides OCI manifests (404) from clients that do not accept them.
  get.headers["Accept"] = std::string(kMediaTypeManifest) + ", " + std::string(kMediaTypeIndex) + ", " +
                          std::string(kDockerManifest) + ", " + std::string(kDockerManifestList);
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply,
                          Send(std::move(get), "repository:" + std::string(repository) + ":pull"));
  if (reply.status != 200) {
    return Error(reply, repository, "getting manifest " + std::string(reference));
  }
  RawManifest manifest{reply.header("content-type"), std::move(reply.body), {}};
  manifest.digest = Sha256Of(manifest.bytes);
  std::string where = "registry " + host_ + ", repository " + std::string(repository) +
                      ": manifest " + std::string(reference);
  if (reference.starts_with("sha256:") && manifest.digest.str() != reference) {
    return Status::InvalidArgument(where + " arrived with content hashing to " +
                                   manifest.digest.str() + "; it was discarded");
  }
  std::string claimed = reply.header("docker-content-digest");
  if (!claimed.empty() && claimed != manifest.digest.str()) {
    return Status::InvalidArgument(where + " is announced as " + claimed +
                                   " but its content hashes to " + manifest.digest.str() +
                                   "; it was discarded");
  }
  return manifest;
}

}  // namespace sluice::oci
