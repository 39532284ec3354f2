#include "oci/blob_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace sluice::oci {
namespace {

Status Abandoned() { return Status::Aborted("the blob's upload was abandoned before its end"); }

}  // namespace

BlobUploadStream::BlobUploadStream(RegistryClient& client, std::string repository)
    : client_(client), repository_(std::move(repository)), thread_([this] { Run(); }) {}

BlobUploadStream::~BlobUploadStream() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finished_) abandoned_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BlobUploadStream::Write(std::string_view bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) return;  // the upload ended (it failed): nobody would send them
    pending_.append(bytes);
  }
  wake_.notify_all();
}

void BlobUploadStream::Finish(const Digest& digest) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    digest_ = digest;
    finished_ = true;
  }
  wake_.notify_all();
}

Status BlobUploadStream::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait(lock, [this] { return done_; });
  return result_;
}

void BlobUploadStream::Run() {
  auto upload = [this]() -> Status {
    SLUICE_ASSIGN_OR_RETURN(std::string location, client_.OpenUpload(repository_));
    auto more = [this] { return !pending_.empty() || finished_ || abandoned_; };
    {
      // The PATCH starts with the first bytes: a layer can be long in coming
      // (a RUN runs before its layer is compressed).
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, more);
      if (abandoned_) return Abandoned();
    }
    std::string chunk;  // taken from pending_; [0, given) went to the transport
    size_t given = 0;
    bool cut_short = false;
    auto source = [&](char* buffer, size_t capacity) -> size_t {
      if (given == chunk.size()) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, more);
        cut_short = abandoned_;
        if (abandoned_ || pending_.empty()) return 0;  // the end of the body
        chunk.clear();
        chunk.swap(pending_);
        given = 0;
      }
      size_t n = std::min(capacity, chunk.size() - given);
      std::memcpy(buffer, chunk.data() + given, n);
      given += n;
      return n;
    };
    SLUICE_ASSIGN_OR_RETURN(location, client_.AppendUploadFrom(repository_, location, source));
    if (cut_short) return Abandoned();
    Digest digest;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      digest = digest_;
    }
    return client_.CloseUpload(repository_, location, digest);
  };
  Status result = upload();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(result);
    done_ = true;
  }
  wake_.notify_all();
}

}  // namespace sluice::oci
