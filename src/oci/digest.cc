#include "oci/digest.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>

#include "common/hash.h"

namespace sluice::oci {

Digest Sha256Of(std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, EVP_sha256(), nullptr);
  return {"sha256", HexEncode(std::string_view(reinterpret_cast<const char*>(out), size))};
}

Result<Digest> Sha256OfFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + file.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Status::IoError("error reading " + file.string());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &size);
  return Digest{"sha256", HexEncode(std::string_view(reinterpret_cast<const char*>(out), size))};
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
