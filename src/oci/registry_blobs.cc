// RegistryClient: blob existence, uploads (monolithic and chunked), mounts
// across repositories and verified downloads.
#include <algorithm>
#include <fstream>

#include "oci/registry.h"

namespace sluice::oci {
namespace {

std::string PushScope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull,push";
}

std::function<Result<std::string>(size_t, size_t)> ReadFrom(std::string_view bytes) {
  return [bytes](size_t offset, size_t length) -> Result<std::string> {
    return std::string(bytes.substr(offset, length));
  };
}

std::string WithDigest(const std::string& location, const Digest& digest) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") +
         "digest=" + UrlEncode(digest.str());
}

}  // namespace

Result<bool> RegistryClient::BlobExists(std::string_view repository, const Digest& digest) {
  SLUICE_ASSIGN_OR_RETURN(std::string url, RepositoryUrl(repository, "/blobs/" + digest.str()));
  SLUICE_ASSIGN_OR_RETURN(
      HttpResponse response,
      Send({"HEAD", url, {}, {}}, "repository:" + std::string(repository) + ":pull"));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return Error(response, repository, "checking blob " + digest.str());
}

Result<Digest> RegistryClient::Upload(std::string_view repository, std::string location,
                                      size_t size, const ReadChunk& read, const Digest& digest) {
  const std::string what = "uploading blob " + digest.str();
  const std::string scope = PushScope(repository);
  std::string last;  // what the closing PUT carries
  if (size > options_.chunk_threshold && options_.chunk_size > 0) {
    for (size_t start = 0; start < size; start += options_.chunk_size) {
      SLUICE_ASSIGN_OR_RETURN(std::string chunk,
                              read(start, std::min(options_.chunk_size, size - start)));
      auto next = AppendUpload(repository, location, start, std::move(chunk));
      if (!next.ok()) return next.status().Annotate(what);
      location = std::move(*next);
    }
  } else {
    SLUICE_ASSIGN_OR_RETURN(last, read(0, size));
  }
  HttpRequest put{"PUT", WithDigest(location, digest), {}, std::move(last)};
  put.headers["Content-Type"] = "application/octet-stream";
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send(std::move(put), scope));
  if (reply.status != 201) return Error(reply, repository, what);
  return digest;
}

Result<std::string> RegistryClient::OpenUpload(std::string_view repository) {
  SLUICE_ASSIGN_OR_RETURN(std::string url, RepositoryUrl(repository, "/blobs/uploads/"));
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send({"POST", url, {}, {}}, PushScope(repository)));
  if (reply.status != 202) return Error(reply, repository, "starting a blob upload");
  return ResolveUrl(url, reply.header("location"));
}

Result<std::string> RegistryClient::AppendUpload(std::string_view repository,
                                                 const std::string& location, size_t offset,
                                                 std::string bytes) {
  if (bytes.empty()) return location;
  std::string range = std::to_string(offset) + "-" + std::to_string(offset + bytes.size() - 1);
  HttpRequest patch{"PATCH", location, {}, std::move(bytes)};
  patch.headers["Content-Type"] = "application/octet-stream";
  patch.headers["Content-Range"] = range;
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send(std::move(patch), PushScope(repository)));
  if (reply.status != 202) {
    return Error(reply, repository, "sending a blob's bytes from byte " + std::to_string(offset));
  }
  return ResolveUrl(location, reply.header("location"));
}

Result<std::string> RegistryClient::AppendUploadFrom(std::string_view repository,
                                                     const std::string& location,
                                                     HttpBodySource source) {
  HttpRequest patch{"PATCH", location, {}, {}, std::move(source)};
  patch.headers["Content-Type"] = "application/octet-stream";
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send(std::move(patch), PushScope(repository)));
  if (reply.status != 202) return Error(reply, repository, "streaming a blob's bytes");
  return ResolveUrl(location, reply.header("location"));
}

Status RegistryClient::CloseUpload(std::string_view repository, const std::string& location,
                                   const Digest& digest) {
  HttpRequest put{"PUT", WithDigest(location, digest), {}, {}};
  put.headers["Content-Type"] = "application/octet-stream";
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send(std::move(put), PushScope(repository)));
  if (reply.status != 201)
    return Error(reply, repository, "finishing the upload of blob " + digest.str());
  return Status::Ok();
}

Result<Digest> RegistryClient::PushBlob(std::string_view repository, std::string_view bytes) {
  Digest digest = Sha256Of(bytes);
  SLUICE_ASSIGN_OR_RETURN(bool exists, BlobExists(repository, digest));
  if (exists) return digest;
  SLUICE_ASSIGN_OR_RETURN(std::string location, OpenUpload(repository));
  return Upload(repository, location, bytes.size(), ReadFrom(bytes), digest);
}

Status RegistryClient::UploadBlobFile(std::string_view repository,
                                      const std::filesystem::path& file, const Digest& digest) {
  std::error_code error;
  size_t size = std::filesystem::file_size(file, error);
  if (error) return Status::IoError("cannot read " + file.string() + ": " + error.message());
  SLUICE_ASSIGN_OR_RETURN(std::string location, OpenUpload(repository));
  std::ifstream in(file, std::ios::binary);
  auto read = [&](size_t offset, size_t length) -> Result<std::string> {
    std::string chunk(length, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(chunk.data(), static_cast<std::streamsize>(length));
    if (static_cast<size_t>(in.gcount()) != length) {
      return Status::IoError("cannot read " + file.string() + " at byte " + std::to_string(offset) +
                             " (did it change during the upload?)");
    }
    return chunk;
  };
  return Upload(repository, location, size, read, digest).status();
}

Result<bool> RegistryClient::MountOrPushBlob(std::string_view repository,
                                             std::string_view from_repository, const Digest& digest,
                                             std::string_view bytes) {
  if (Sha256Of(bytes) != digest) {
    return Status::InvalidArgument("blob to mount into " + std::string(repository) +
                                   " does not hash to " + digest.str() + " (it is " +
                                   Sha256Of(bytes).str() + ")");
  }
  // Validates the source name; its URL is not used.
  SLUICE_RETURN_IF_ERROR(RepositoryUrl(from_repository, "").status());
  SLUICE_ASSIGN_OR_RETURN(
      std::string url,
      RepositoryUrl(repository, "/blobs/uploads/?mount=" + UrlEncode(digest.str()) +
                                    "&from=" + UrlEncode(from_repository)));
  std::string scope =
      PushScope(repository) + " repository:" + std::string(from_repository) + ":pull";
  SLUICE_ASSIGN_OR_RETURN(HttpResponse reply, Send({"POST", url, {}, {}}, scope));
  if (reply.status == 201) return true;
  // 202: the registry could not mount and opened an ordinary upload instead.
  if (reply.status != 202) {
    return Error(reply, repository,
                 "mounting blob " + digest.str() + " from " + std::string(from_repository));
  }
  SLUICE_ASSIGN_OR_RETURN(std::string location, ResolveUrl(url, reply.header("location")));
  SLUICE_RETURN_IF_ERROR(
      Upload(repository, location, bytes.size(), ReadFrom(bytes), digest).status());
  return false;
}

Result<std::string> RegistryClient::GetBlob(std::string_view repository, const Digest& digest) {
  SLUICE_ASSIGN_OR_RETURN(std::string url, RepositoryUrl(repository, "/blobs/" + digest.str()));
  SLUICE_ASSIGN_OR_RETURN(
      HttpResponse reply,
      Send({"GET", url, {}, {}}, "repository:" + std::string(repository) + ":pull"));
  // Registries may redirect blob downloads to storage; the redirect URL
  // carries its own authorisation, so ours is not forwarded.
  for (int hops = 0;
       hops < 5 && reply.status >= 301 && reply.status <= 308 && !reply.header("location").empty();
       ++hops) {
    SLUICE_ASSIGN_OR_RETURN(url, ResolveUrl(url, reply.header("location")));
    SLUICE_ASSIGN_OR_RETURN(reply, SendWithRetries({"GET", url, {}, {}}));
  }
  if (reply.status != 200) return Error(reply, repository, "downloading blob " + digest.str());
  Digest got = Sha256Of(reply.body);
  if (got != digest) {
    return Status::InvalidArgument("registry " + host_ + ", repository " + std::string(repository) +
                                   ": blob " + digest.str() + " arrived with content hashing to " +
                                   got.str() +
                                   "; it was discarded (the registry's storage may be corrupt)");
  }
  return std::move(reply.body);
}

}  // namespace sluice::oci
