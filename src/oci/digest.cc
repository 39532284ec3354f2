#include "oci/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/hash.h"

namespace sluice::oci {

Digest Sha256Of(std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, EVP_sha256(), nullptr);
  return {"sha256", HexEncode(std::string_view(reinterpret_cast<const char*>(out), size))};
}

Result<Digest> Sha256OfFile(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  Sha256Hasher hasher;
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return Status::IoError("error reading " + file.string() + ": " + std::strerror(error));
    }
    hasher.Update(std::string_view(buf, static_cast<size_t>(n)));
  }
  ::close(fd);
  return Digest{"sha256", hasher.FinishHex()};
}

Result<Digest> ParseDigest(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("digest \"" + std::string(text) + "\" has no algorithm (expected sha256:<hex>)");
  }
  std::string_view algorithm = text.substr(0, colon), hex = text.substr(colon + 1);
  if (algorithm != "sha256") {
    return Status::InvalidArgument("digest \"" + std::string(text) + "\": only sha256 is supported");
  }
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) {
    return Status::InvalidArgument("digest \"" + std::string(text) +
                                   "\": expected 64 lower-case hex digits after sha256:");
  }
  return Digest{std::string(algorithm), std::string(hex)};
}

}  // namespace sluice::oci
