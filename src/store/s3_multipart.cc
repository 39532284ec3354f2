// Multipart upload of one file: parts of part_size read from the file with
// pread, `parallel` of them in flight at once (at most parallel x part_size
// bytes in memory, across every upload of the client: part_slots_),
// completed in part order, aborted when any
// part fails or the upload is cancelled so that no parts are left behind.
// A worker thread that cannot be started is done without: the calling
// thread is always one of the workers.
//
// A CompleteMultipartUpload sent again after its answer was lost may be
// told NoSuchUpload because the first one did complete; the upload then
// counts as done when the object is there with this upload's size and a
// multipart ETag of as many parts ("<md5 of the part md5s>-<parts>").
//
// The file's SHA-256 is computed from the same reads: a worker that has
// read part N waits until parts 1..N-1 have gone through the hasher. Parts
// are handed out in order and each is read before its worker waits, so
// the part a worker waits for is always already in another worker's hands.
#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <semaphore>
#include <system_error>
#include <thread>

#include "common/hash.h"
#include "store/s3_client_impl.h"
#include "store/s3_xml.h"

namespace sluice::store {
namespace {

constexpr int64_t kMaxParts = 10000;

// Closes the descriptor when the upload ends.
class FileReader {
 public:
  explicit FileReader(const std::filesystem::path& file)
      : fd_(open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  ~FileReader() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  // Exactly `size` bytes at `offset`, or false.
  bool ReadAt(int64_t offset, char* out, size_t size) const {
    while (size > 0) {
      ssize_t n = pread(fd_, out, size, offset);
      if (n <= 0) return false;
      out += n;
      size -= static_cast<size_t>(n);
      offset += n;
    }
    return true;
  }

 private:
  int fd_;
};

// What the workers share.
class PartQueue {
 public:
  explicit PartQueue(int64_t parts, bool hash) : parts_(parts), hash_(hash), etags_(parts) {}

  // The next part to upload (1-based), or 0 when none is left or the
  // upload failed.
  int64_t Take() {
    std::lock_guard lock(mutex_);
    if (!failure_.ok() || next_ > parts_) return 0;
    return next_++;
  }
  // Feeds part `number` to the hasher once every earlier part has been;
  // false when the upload failed meanwhile.
  bool Hash(int64_t number, std::string_view bytes) {
    if (!hash_) return true;
    std::unique_lock lock(mutex_);
    turn_.wait(lock, [&] { return hashed_ == number - 1 || !failure_.ok(); });
    if (!failure_.ok()) return false;
    hasher_.Update(bytes);
    hashed_ = number;
    turn_.notify_all();
    return true;
  }
  void Done(int64_t number, std::string etag) {
    std::lock_guard lock(mutex_);
    etags_[number - 1] = std::move(etag);
  }
  void Fail(Status status) {
    std::lock_guard lock(mutex_);
    if (failure_.ok()) failure_ = std::move(status);
    turn_.notify_all();
  }
  Status failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  std::vector<std::string> etags() {
    std::lock_guard lock(mutex_);
    return etags_;
  }
  std::string FinishHash() {
    std::lock_guard lock(mutex_);
    return hasher_.FinishHex();
  }

 private:
  const int64_t parts_;
  const bool hash_;
  std::mutex mutex_;
  std::condition_variable turn_;
  int64_t next_ = 1;                // guarded by mutex_
  int64_t hashed_ = 0;              // guarded by mutex_
  Status failure_ = Status::Ok();   // guarded by mutex_
  std::vector<std::string> etags_;  // guarded by mutex_
  Sha256Hasher hasher_;             // guarded by mutex_
};

// The object a lost-answer CompleteMultipartUpload made, when HEAD finds
// it with `size` bytes and a multipart ETag of `parts` parts.
std::optional<S3Object> CompletedEarlier(S3ClientImpl& client, std::string_view bucket,
                                         std::string_view key, int64_t size, int64_t parts) {
  Result<S3Object> head = client.Head(bucket, key);
  if (!head.ok() || head->size != size) return std::nullopt;
  if (!head->etag.ends_with("-" + std::to_string(parts))) return std::nullopt;
  return std::move(head).value();
}

}  // namespace

Result<S3Object> S3ClientImpl::PutMultipart(std::string_view bucket, std::string_view key,
                                            const std::filesystem::path& file, int64_t size,
                                            std::string_view content_type, std::string* sha256,
                                            const CancellationToken* cancel) {
  const int64_t part_size = options_.part_size;
  const int64_t parts = size == 0 ? 1 : (size + part_size - 1) / part_size;
  if (parts > kMaxParts) {
    return Status::InvalidArgument(file.string() + ": " + std::to_string(size) +
                                   " bytes in parts of " + std::to_string(part_size) +
                                   " would take " + std::to_string(parts) +
                                   " parts, more than S3's 10000; raise the part size");
  }
  FileReader reader(file);
  if (!reader.ok()) {
    return Status::IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  }

  S3Call start{"POST", std::string(bucket), std::string(key), {{"uploads", ""}}};
  if (!content_type.empty()) start.headers["Content-Type"] = std::string(content_type);
  start.cancel = cancel;
  start.retry_lost_answers = false;
  SLUICE_ASSIGN_OR_RETURN(oci::HttpResponse started, Send(std::move(start)));
  SLUICE_ASSIGN_OR_RETURN(std::string upload_id, ParseUploadId(started.body));

  PartQueue queue(parts, sha256 != nullptr);
  auto worker = [&] {
    std::string buffer;
    for (;;) {
      // The slot comes before the part number: whoever holds a number can
      // always read its part, so a worker waiting in Hash() for an earlier
      // part never waits on a worker that waits for a slot.
      part_slots_->acquire();
      struct Release {
        std::counting_semaphore<64>* slots;
        ~Release() { slots->release(); }
      } release{part_slots_.get()};
      int64_t number = queue.Take();
      if (number == 0) return;
      int64_t offset = (number - 1) * part_size;
      auto length = static_cast<size_t>(std::min(part_size, size - offset));
      buffer.resize(length);
      if (!reader.ReadAt(offset, buffer.data(), length)) {
        queue.Fail(
            Status::IoError("cannot read " + file.string() + " at byte " + std::to_string(offset)));
        return;
      }
      if (!queue.Hash(number, buffer)) return;
      S3Call part{"PUT",
                  std::string(bucket),
                  std::string(key),
                  {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}};
      part.body = std::move(buffer);
      part.cancel = cancel;
      Result<oci::HttpResponse> sent = Send(std::move(part));
      buffer = std::string();
      if (!sent.ok()) {
        queue.Fail(sent.status().Annotate("part " + std::to_string(number) + " of " +
                                          std::to_string(parts)));
        return;
      }
      queue.Done(number, sent->header("etag"));
    }
  };
  int threads = static_cast<int>(std::min<int64_t>(options_.parallel, parts));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // the threads started, and this one, do the work
    }
  }
  worker();
  for (std::thread& t : pool) t.join();

  Status failure = queue.failure();
  if (failure.ok() && cancel != nullptr && cancel->cancelled()) {
    failure = Status::Aborted("PUT " + Describe(bucket, key) + ": cancelled");
  }
  std::string etag;
  if (failure.ok()) {
    S3Call complete{"POST", std::string(bucket), std::string(key), {{"uploadId", upload_id}}};
    complete.body = CompleteMultipartUploadXml(queue.etags());
    complete.headers["Content-Type"] = "application/xml";
    complete.cancel = cancel;
    S3SendTrace trace;
    complete.trace = &trace;
    Result<oci::HttpResponse> completed = Send(std::move(complete));
    if (completed.ok()) {
      Result<std::string> parsed = ParseCompleteMultipartUpload(completed->body);
      if (parsed.ok()) etag = *parsed;
      failure = parsed.status();
    } else if (trace.answer_lost && trace.error_code == "NoSuchUpload") {
      std::optional<S3Object> done = CompletedEarlier(*this, bucket, key, size, parts);
      if (done) {
        etag = done->etag;
      } else {
        failure = completed.status();
      }
    } else {
      failure = completed.status();
    }
  }
  if (!failure.ok()) {
    // Cleanup runs even after a cancellation: parts left behind cost money.
    Status aborted =
        Send({"DELETE", std::string(bucket), std::string(key), {{"uploadId", upload_id}}}).status();
    if (!aborted.ok()) {
      failure = Status(failure.code(),
                       failure.message() +
                           " (the upload could not be aborted either: " + aborted.message() + ")");
    }
    return failure;
  }
  if (sha256 != nullptr) *sha256 = queue.FinishHash();
  return S3Object{std::string(key), size, etag, "", std::string(content_type)};
}

}  // namespace sluice::store
