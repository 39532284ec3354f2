// Uploading a blob while its bytes are still being made.
//
// A BlobUploadStream sends one blob to a registry as its bytes arrive -- a
// layer uploaded while it is compressed -- so the registry receives and
// stores the blob while the rest of it is being produced instead of after.
// A thread of its own opens the upload session (POST) right away; from the
// first bytes written on it sends one PATCH whose body (chunked transfer
// encoding, as Docker streams layers) carries the bytes as they come, and
// after Finish() it closes the session with the blob's digest (PUT), which
// the registry checks against what it received. Write() never waits for
// the network.
//
// It is an optimisation with a fallback, not a guarantee: Wait() says
// whether the registry now holds the blob; when it does not (the registry
// refused a request, the connection failed, or the stream was dropped
// without Finish), the caller uploads the blob the ordinary way.
//
// Thread-safety: Write and Finish may be called from any thread, one call at
// a time and in the blob's byte order; Wait from any thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"
#include "oci/digest.h"
#include "oci/registry.h"

namespace sluice::oci {

class BlobUploadStream {
 public:
  // Starts the upload to `repository` on `client`, which must outlive this.
  BlobUploadStream(RegistryClient& client, std::string repository);
  BlobUploadStream(const BlobUploadStream&) = delete;
  BlobUploadStream& operator=(const BlobUploadStream&) = delete;
  // Without Finish(): abandons the upload (the registry drops the session
  // when it expires). Waits for the thread either way.
  ~BlobUploadStream();

  // The next bytes of the blob; returns at once.
  void Write(std::string_view bytes);
  // Every byte was written and they hash to `digest`.
  void Finish(const Digest& digest);
  // Waits for the upload to end: OK when the registry accepted the blob
  // (its digest checked), else what went wrong (Aborted when abandoned).
  Status Wait();

 private:
  void Run();

  RegistryClient& client_;
  const std::string repository_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;  // written, not yet sent
  bool finished_ = false;
  bool abandoned_ = false;
  bool done_ = false;  // the thread has ended; result_ is final
  Digest digest_;
  Status result_;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace sluice::oci
