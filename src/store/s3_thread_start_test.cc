// The S3 uploads when the process cannot start another thread: the work is
// done by the threads that did start (at least the calling one), and a
// multipart upload is still completed or aborted.
//
// pthread_create is interposed for the whole test binary (an executable's
// definition comes before libc's for every library, libstdc++'s std::thread
// included); it fails only while a ThreadStartsFail is alive.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <system_error>
#include <thread>

#include "common/files.h"
#include "store/artifact_store.h"
#include "store/s3_client.h"

namespace {
std::atomic<bool> thread_starts_fail{false};
}  // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                              void* arg) noexcept {
  if (thread_starts_fail.load()) return EAGAIN;
  using Create = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const auto real = reinterpret_cast<Create>(dlsym(RTLD_NEXT, "pthread_create"));
  return real(thread, attr, start, arg);
}

namespace sluice::store {
namespace {

// While alive, no thread can be started.
class ThreadStartsFail {
 public:
  ThreadStartsFail() { thread_starts_fail = true; }
  ThreadStartsFail(const ThreadStartsFail&) = delete;
  ThreadStartsFail& operator=(const ThreadStartsFail&) = delete;
  ~ThreadStartsFail() { thread_starts_fail = false; }
};

// A multipart protocol in memory (the calls of one upload, in any order),
// each request recorded. Thread-safe.
class FakeS3 : public oci::HttpTransport {
 public:
  Result<oci::HttpResponse> Send(const oci::HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(request.method + " " + request.url);
    if (request.method == "POST" && request.url.ends_with("?uploads")) {
      return oci::HttpResponse{200,
                               {},
                               "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                               "</InitiateMultipartUploadResult>"};
    }
    if (request.method == "POST") {
      return oci::HttpResponse{200,
                               {},
                               "<CompleteMultipartUploadResult><ETag>\"whole-3\"</ETag>"
                               "</CompleteMultipartUploadResult>"};
    }
    return oci::HttpResponse{200, {{"etag", "\"e\""}}, ""};
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;  // guarded by mutex_
};

class S3ThreadStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-s3-threads-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    ASSERT_TRUE(WriteFileAtomic(file("big.bin"), std::string(size_t{11} << 20, 'a')).ok());
    ASSERT_TRUE(WriteFileAtomic(file("small.txt"), "small").ok());
    S3ClientOptions options;
    options.endpoint = "http://127.0.0.1:9000";
    options.credentials = {"AKIDEXAMPLE", "secret", ""};
    options.multipart_threshold = options.part_size = int64_t{5} << 20;
    options.parallel = 4;
    options.transport = fake_;
    auto client = S3Client::Create(std::move(options));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }
  std::filesystem::path file(const char* name) const { return dir_->path() / name; }

  std::shared_ptr<FakeS3> fake_ = std::make_shared<FakeS3>();
  std::shared_ptr<S3Client> client_;
  std::unique_ptr<TempDir> dir_;
};

TEST_F(S3ThreadStartTest, TheHookMakesThreadStartsFail) {
  ThreadStartsFail no_threads;
  EXPECT_THROW(std::thread([] {}), std::system_error);
}

TEST_F(S3ThreadStartTest, AMultipartUploadIsDoneByTheCallingThread) {
  Result<S3Object> put = [&] {
    ThreadStartsFail no_threads;
    return client_->PutFile("bkt", "k", file("big.bin"), "", nullptr);
  }();
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "whole-3");
  int parts = 0;
  for (const std::string& sent : fake_->sent()) parts += sent.starts_with("PUT ");
  EXPECT_EQ(parts, 3);
}

TEST_F(S3ThreadStartTest, AnArtifactBatchIsDoneByTheCallingThread) {
  auto store = OpenS3ArtifactStore(client_, "bkt");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<std::vector<ArtifactObject>> put = [&] {
    ThreadStartsFail no_threads;
    return (*store)->PutFiles({{file("small.txt"), "a/small.txt", ""},
                               {file("big.bin"), "a/big.bin", ""},
                               {file("small.txt"), "b/small.txt", ""}},
                              nullptr);
  }();
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(put->size(), 3u);
  EXPECT_EQ((*put)[1].size, int64_t{11} << 20);
}

}  // namespace
}  // namespace sluice::store
