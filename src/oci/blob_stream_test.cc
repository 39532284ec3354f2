// BlobUploadStream against a real docker-registry (distribution 2.8) on
// 127.0.0.1: what the registry holds after a streamed upload is the blob.
#include "oci/blob_stream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "oci/registry_test_util.h"

namespace sluice::oci {
namespace {

using testing::PseudoRandom;
using testing::RecordingTransport;
using testing::RequestLog;
using testing::SentRequest;
using testing::TestRegistry;

class BlobUploadStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = TestRegistry::Start();
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    client_ = std::make_unique<RegistryClient>(registry_->host(), RegistryOptions{},
                                               std::make_unique<RecordingTransport>(&requests_));
  }

  // Whether the registry holds `digest` in "streamed"; fails the test when it cannot say.
  bool Holds(const Digest& digest) {
    auto exists = client_->BlobExists("streamed", digest);
    EXPECT_TRUE(exists.ok()) << exists.status().ToString();
    return exists.ok() && *exists;
  }

  RequestLog requests_;
  std::unique_ptr<TestRegistry> registry_;
  std::unique_ptr<RegistryClient> client_;
};

TEST_F(BlobUploadStreamTest, ManyWritesThenFinishStoreExactlyTheBytes) {
  std::string blob;
  BlobUploadStream stream(*client_, "streamed");
  for (int i = 0; i < 50; ++i) {
    std::string piece = PseudoRandom(1000 + i * 37, i);
    blob += piece;
    stream.Write(piece);
    stream.Write("");  // an empty write neither ends nor changes the blob
  }
  std::string large = PseudoRandom(3 << 20, 99);
  blob += large;
  stream.Write(large);
  stream.Write("the last few bytes");
  blob += "the last few bytes";
  stream.Finish(Sha256Of(blob));

  Status uploaded = stream.Wait();
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString() << "\n" << registry_->log();
  auto back = client_->GetBlob("streamed", Sha256Of(blob));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), blob.size());
  EXPECT_TRUE(*back == blob);
  EXPECT_TRUE(stream.Wait().ok());  // the result stays

  // A session (POST), every byte in one streamed PATCH, the digest (PUT).
  ASSERT_EQ(requests_.Sent("POST").size(), 1u);
  auto patches = requests_.Sent("PATCH");
  ASSERT_EQ(patches.size(), 1u);
  EXPECT_TRUE(patches[0].streamed);
  EXPECT_EQ(patches[0].body_bytes, blob.size());
  auto puts = requests_.Sent("PUT");
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_NE(puts[0].url.find("digest=sha256%3A" + Sha256Of(blob).hex), std::string::npos)
      << puts[0].url;
  EXPECT_EQ(puts[0].body_bytes, 0u);
}

TEST_F(BlobUploadStreamTest, FinishWithoutWritesStoresTheEmptyBlob) {
  BlobUploadStream stream(*client_, "streamed");
  stream.Finish(Sha256Of(""));
  Status uploaded = stream.Wait();
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString() << "\n" << registry_->log();
  auto back = client_->GetBlob("streamed", Sha256Of(""));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "");
}

TEST_F(BlobUploadStreamTest, WrongDigestIsRefusedAndNotStored) {
  BlobUploadStream stream(*client_, "streamed");
  stream.Write("the bytes sent");
  Digest wrong = Sha256Of("other bytes");
  stream.Finish(wrong);
  EXPECT_FALSE(stream.Wait().ok());
  EXPECT_FALSE(Holds(wrong));
  EXPECT_FALSE(Holds(Sha256Of("the bytes sent")));
}

TEST_F(BlobUploadStreamTest, DroppedWithoutFinishEndsAndLeavesNoBlob) {
  std::string written = PseudoRandom(200000, 7);
  {
    BlobUploadStream stream(*client_, "streamed");
    stream.Write(written);
  }  // must return rather than wait for more bytes
  { BlobUploadStream untouched(*client_, "streamed"); }
  EXPECT_TRUE(requests_.Sent("PUT").empty());  // no session was closed
  EXPECT_FALSE(Holds(Sha256Of(written)));
  EXPECT_FALSE(Holds(Sha256Of("")));
  // The registry is still usable for a stream that is finished.
  BlobUploadStream stream(*client_, "streamed");
  stream.Write(written);
  stream.Finish(Sha256Of(written));
  ASSERT_TRUE(stream.Wait().ok());
  EXPECT_TRUE(Holds(Sha256Of(written)));
}

TEST_F(BlobUploadStreamTest, WritesFromAnotherThreadThanFinish) {
  std::string blob;
  for (int i = 0; i < 20; ++i) blob += PseudoRandom(50000, 1000 + i);
  BlobUploadStream stream(*client_, "streamed");
  std::thread writer([&] {
    for (size_t at = 0; at < blob.size(); at += 50000) stream.Write(blob.substr(at, 50000));
  });
  writer.join();
  stream.Finish(Sha256Of(blob));
  Status uploaded = stream.Wait();
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  auto back = client_->GetBlob("streamed", Sha256Of(blob));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == blob);
}

TEST_F(BlobUploadStreamTest, UnreachableRegistryIsAnErrorNotAHang) {
  std::string host = registry_->host();
  registry_.reset();  // nothing listens there any more
  RegistryOptions options;
  options.max_retries = 0;
  RegistryClient client(host, options, NewCurlTransport());
  BlobUploadStream stream(client, "streamed");
  stream.Write("bytes nobody receives");
  stream.Finish(Sha256Of("bytes nobody receives"));
  Status uploaded = stream.Wait();
  EXPECT_EQ(uploaded.code(), StatusCode::kIoError) << uploaded.ToString();
  stream.Write("more");  // after the end: kept, never sent, never blocks
}

// The PATCH cannot be sent again after a 401: the session's POST fetched
// the token it carries.
TEST(BlobUploadStreamAuthTest, UploadsToARegistryThatWantsBearerTokens) {
  auto tokens = testing::TokenServer::Start("ciuser", "cipass");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  auto registry = TestRegistry::Start({.token_realm = (*tokens)->realm(),
                                       .token_service = testing::TokenServer::kService,
                                       .token_issuer = testing::TokenServer::kIssuer,
                                       .token_cert_file = (*tokens)->cert_file()});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  RegistryOptions options;
  options.credentials = RegistryCredentials{"ciuser", "cipass"};
  RegistryClient client((*registry)->host(), options, NewCurlTransport());
  std::string blob = PseudoRandom(300000, 5);
  {
    BlobUploadStream stream(client, "tok");
    stream.Write(blob.substr(0, 1000));
    stream.Write(blob.substr(1000));
    stream.Finish(Sha256Of(blob));
    Status uploaded = stream.Wait();
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString() << "\n" << (*registry)->log();
  }
  auto back = client.GetBlob("tok", Sha256Of(blob));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == blob);
}

}  // namespace
}  // namespace sluice::oci
