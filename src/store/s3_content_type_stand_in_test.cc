// A stand-in for ContentTypeFor (artifact_store.h) while the local backend,
// which owns it, is not built: the S3 tests give every content type
// explicitly, so this is never asked.
#include "store/artifact_store.h"

namespace sluice::store {

std::string ContentTypeFor(const std::filesystem::path&) { return "application/octet-stream"; }

}  // namespace sluice::store
