// BuildAndPush against a real docker-registry (distribution 2.8) on
// 127.0.0.1, building a small Dockerfile into a temporary layout.
#include "oci/build_push.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "oci/builder_test_util.h"
#include "oci/registry_test_util.h"

namespace sluice::oci {
namespace {

using testing::PseudoRandom;
using testing::RecordingTransport;
using testing::RequestLog;
using testing::SentRequest;
using testing::TestRegistry;

constexpr const char* kDockerfile =
    "FROM scratch\n"
    "COPY model.bin /model.bin\n"
    "COPY config.txt /opt/app/\n"
    "ENTRYPOINT [\"/model.bin\"]\n";

class BuildAndPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = TestRegistry::Start();
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    client_ = std::make_unique<RegistryClient>(registry_->host(), RegistryOptions{},
                                               std::make_unique<RecordingTransport>(&requests_));
    auto dir = TempDir::Create("build-push-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    auto layout = ImageLayout::Open(dir_->path() / "store");
    ASSERT_TRUE(layout.ok()) << layout.status().ToString();
    layout_ = std::make_unique<ImageLayout>(std::move(layout).value());
    context_ = dir_->path() / "ctx";
    testing::Write(context_ / "model.bin", PseudoRandom(2 << 20, 42));
    testing::Write(context_ / "config.txt", "threads = 4\n");
  }

  Result<BuildPushResult> BuildAndPushDockerfile(const std::string& dockerfile,
                                                 const std::string& repository,
                                                 const std::string& tag) {
    testing::Write(context_ / "Dockerfile", dockerfile);
    BuildRequest request{context_ / "Dockerfile", context_, {}, "", "local", 1700000000};
    log_.clear();
    request.log = [this](std::string_view line) { log_.emplace_back(line); };
    diagnostics_ = {};
    return BuildAndPush(request, *layout_, diagnostics_, *client_, repository, tag);
  }

  // How many progress lines contain `text`.
  int LogCount(const std::string& text) const {
    int n = 0;
    for (const auto& line : log_) n += line.find(text) != std::string::npos;
    return n;
  }

  // The diagnostics' messages with their lines, for failure output.
  std::string Messages() const {
    std::string out;
    for (const auto& d : diagnostics_.items()) {
      out += "\n" + std::to_string(d.location.line) + ": " + d.message;
    }
    return out;
  }

  bool RegistryHolds(const std::string& repository, const Digest& digest) {
    auto exists = client_->BlobExists(repository, digest);
    EXPECT_TRUE(exists.ok()) << exists.status().ToString();
    return exists.ok() && *exists;
  }

  RequestLog requests_;
  std::unique_ptr<TestRegistry> registry_;
  std::unique_ptr<RegistryClient> client_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ImageLayout> layout_;
  std::filesystem::path context_;
  DiagnosticList diagnostics_;
  std::vector<std::string> log_;
};

TEST_F(BuildAndPushTest, PushesTheBuiltImageWhileBuildingIt) {
  auto result = BuildAndPushDockerfile(kDockerfile, "ml/model", "1.0");
  ASSERT_TRUE(result.ok()) << result.status().ToString() << Messages();
  ASSERT_TRUE(result->pushed.ok()) << result->pushed.status().ToString() << "\n"
                                   << registry_->log();
  const PushResult& pushed = *result->pushed;
  // Before this test's own requests: what the push sent.
  std::vector<SentRequest> heads = requests_.Sent("HEAD"), posts = requests_.Sent("POST"),
                           patches = requests_.Sent("PATCH"), puts = requests_.Sent("PUT");
  EXPECT_EQ(result->image.digest, pushed.manifest.digest);
  auto local = layout_->Resolve("local");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->digest, result->image.digest);

  auto remote = client_->GetManifest("ml/model", "1.0");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, result->image.digest);
  auto stored = layout_->ReadBlob(result->image.digest);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(remote->bytes, *stored);

  auto manifest = layout_->ReadManifest(result->image.digest);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  ASSERT_EQ(manifest->layers.size(), 2u);
  int64_t layer_bytes = 0;
  for (const Descriptor& layer : manifest->layers) {
    EXPECT_TRUE(RegistryHolds("ml/model", layer.digest)) << layer.digest.str();
    layer_bytes += layer.size;
  }
  EXPECT_TRUE(RegistryHolds("ml/model", manifest->config.digest));
  auto model_layer = client_->GetBlob("ml/model", manifest->layers[0].digest);
  ASSERT_TRUE(model_layer.ok()) << model_layer.status().ToString();
  EXPECT_TRUE(*model_layer == *layout_->ReadBlob(manifest->layers[0].digest));

  EXPECT_EQ(pushed.blobs_uploaded, 3);  // two layers and the config
  EXPECT_EQ(pushed.blobs_skipped, 0);
  EXPECT_EQ(pushed.bytes_sent, layer_bytes + manifest->config.size);

  // Each blob went up while it was made: one session and one streamed PATCH
  // each, nothing asked about or sent again afterwards.
  EXPECT_EQ(heads.size(), 0u);
  EXPECT_EQ(posts.size(), 3u);
  ASSERT_EQ(patches.size(), 3u);
  size_t streamed = 0;
  for (const SentRequest& patch : patches) {
    EXPECT_TRUE(patch.streamed);
    streamed += patch.body_bytes;
  }
  EXPECT_EQ(streamed, static_cast<size_t>(layer_bytes + manifest->config.size));
  EXPECT_EQ(puts.size(), 4u);  // three sessions closed, the manifest
}

TEST_F(BuildAndPushTest, RebuildFromTheCacheSendsOnlyTheConfig) {
  auto first = BuildAndPushDockerfile(kDockerfile, "ml/model", "1.0");
  ASSERT_TRUE(first.ok()) << first.status().ToString() << Messages();
  ASSERT_TRUE(first->pushed.ok()) << first->pushed.status().ToString();
  requests_.Clear();
  auto second = BuildAndPushDockerfile(kDockerfile, "ml/model", "1.1");
  ASSERT_TRUE(second.ok()) << second.status().ToString() << Messages();
  ASSERT_TRUE(second->pushed.ok()) << second->pushed.status().ToString();
  const PushResult& pushed = *second->pushed;
  EXPECT_EQ(LogCount("(cached)"), 2) << ::testing::PrintToString(log_);
  EXPECT_EQ(requests_.Sent("HEAD").size(), 2u);  // each cached layer asked about, found
  size_t body_bytes = 0;
  for (const char* method : {"POST", "PATCH", "PUT"}) {
    for (const SentRequest& r : requests_.Sent(method)) body_bytes += r.body_bytes;
  }
  EXPECT_LT(body_bytes, 10000u);  // the config and the manifest, not the 2 MB layer
  EXPECT_EQ(second->image.digest, first->image.digest);
  EXPECT_EQ(pushed.manifest.digest, first->image.digest);
  EXPECT_EQ(pushed.blobs_skipped, 2);   // both layers were there
  EXPECT_LE(pushed.blobs_uploaded, 1);  // at most the config, streamed again
  EXPECT_EQ(pushed.blobs_uploaded + pushed.blobs_skipped, 3);
  EXPECT_LT(pushed.bytes_sent, 10000);
  auto remote = client_->GetManifest("ml/model", "1.1");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, first->image.digest);
}

// Layers from the build cache that the repository lacks are uploaded as they
// are found; a layer made afresh next to them is streamed.
TEST_F(BuildAndPushTest, CachedLayersAreUploadedWhereTheRepositoryLacksThem) {
  ASSERT_TRUE(BuildAndPushDockerfile(kDockerfile, "ml/model", "1.0").ok()) << Messages();
  testing::Write(context_ / "config.txt", "threads = 8\n");  // the second COPY is made again
  requests_.Clear();
  auto result = BuildAndPushDockerfile(kDockerfile, "ml/other", "2.0");
  ASSERT_TRUE(result.ok()) << result.status().ToString() << Messages();
  ASSERT_TRUE(result->pushed.ok()) << result->pushed.status().ToString();
  EXPECT_EQ(LogCount("(cached)"), 1) << ::testing::PrintToString(log_);
  const PushResult& pushed = *result->pushed;
  EXPECT_EQ(pushed.manifest.digest, result->image.digest);
  EXPECT_EQ(pushed.blobs_uploaded, 3);
  EXPECT_EQ(pushed.blobs_skipped, 0);
  auto manifest = layout_->ReadManifest(result->image.digest);
  ASSERT_TRUE(manifest.ok());
  int64_t blob_bytes = manifest->config.size;
  for (const Descriptor& layer : manifest->layers) {
    EXPECT_TRUE(RegistryHolds("ml/other", layer.digest)) << layer.digest.str();
    blob_bytes += layer.size;
  }
  EXPECT_TRUE(RegistryHolds("ml/other", manifest->config.digest));
  EXPECT_EQ(pushed.bytes_sent, blob_bytes);
  auto remote = client_->GetManifest("ml/other", "2.0");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, result->image.digest);
}

TEST_F(BuildAndPushTest, MultiStageBuildPushesTheLastStage) {
  auto result = BuildAndPushDockerfile(
      "FROM scratch AS build\n"
      "COPY model.bin /stage/model.bin\n"
      "COPY config.txt /stage/\n"
      "FROM scratch\n"
      "COPY --from=build /stage/model.bin /model.bin\n",
      "ml/model", "multi");
  ASSERT_TRUE(result.ok()) << result.status().ToString() << Messages();
  ASSERT_TRUE(result->pushed.ok()) << result->pushed.status().ToString();
  EXPECT_EQ(result->pushed->manifest.digest, result->image.digest);
  auto remote = client_->GetManifest("ml/model", "multi");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, result->image.digest);
  auto manifest = layout_->ReadManifest(result->image.digest);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_TRUE(RegistryHolds("ml/model", manifest->layers[0].digest));
  EXPECT_TRUE(RegistryHolds("ml/model", manifest->config.digest));
  EXPECT_EQ(result->pushed->blobs_uploaded, 2);  // the image's layer and config only
}

// The base image's layers are neither made nor found in the build cache:
// the push after the build sends them.
TEST_F(BuildAndPushTest, BaseImageLayersFromTheLayoutArePushedToo) {
  testing::Write(context_ / "Dockerfile", "FROM scratch\nCOPY model.bin /model.bin\n");
  BuildRequest base{context_ / "Dockerfile", context_, {}, "", "base:1", 1700000000};
  auto built = BuildImage(base, *layout_, diagnostics_);
  ASSERT_TRUE(built.ok()) << built.status().ToString() << Messages();

  auto result = BuildAndPushDockerfile("FROM base:1\nCOPY config.txt /etc/app/\n", "ml/app", "1");
  ASSERT_TRUE(result.ok()) << result.status().ToString() << Messages();
  ASSERT_TRUE(result->pushed.ok()) << result->pushed.status().ToString();
  EXPECT_EQ(result->pushed->manifest.digest, result->image.digest);
  auto manifest = layout_->ReadManifest(result->image.digest);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->layers.size(), 2u);
  for (const Descriptor& layer : manifest->layers) {
    EXPECT_TRUE(RegistryHolds("ml/app", layer.digest)) << layer.digest.str();
  }
  EXPECT_TRUE(RegistryHolds("ml/app", manifest->config.digest));
  EXPECT_EQ(result->pushed->blobs_uploaded, 3);
  auto remote = client_->GetManifest("ml/app", "1");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, result->image.digest);
}

TEST_F(BuildAndPushTest, DockerfileErrorComesBackWithItsDiagnostics) {
  auto result = BuildAndPushDockerfile(
      "FROM scratch\nCOPY model.bin /model.bin\nCOPY missing.txt /\n", "ml/model", "1.0");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  ASSERT_EQ(diagnostics_.error_count(), 1) << Messages();
  EXPECT_EQ(diagnostics_.items()[0].location.line, 3);
  EXPECT_NE(diagnostics_.items()[0].message.find("missing.txt"), std::string::npos) << Messages();
  EXPECT_FALSE(client_->GetManifest("ml/model", "1.0").ok());
}

// The build succeeds and stores the image; only the push fails.
TEST_F(BuildAndPushTest, InvalidRepositoryIsAPushErrorAfterTheLocalBuild) {
  auto result = BuildAndPushDockerfile(kDockerfile, "UPPER/case", "1.0");
  ASSERT_TRUE(result.ok()) << result.status().ToString() << Messages();
  const Status& pushed = result->pushed.status();
  EXPECT_EQ(pushed.code(), StatusCode::kInvalidArgument) << pushed.ToString();
  EXPECT_NE(pushed.message().find("UPPER/case"), std::string::npos) << pushed.ToString();
  EXPECT_EQ(diagnostics_.error_count(), 0) << Messages();
  auto local = layout_->Resolve("local");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->digest, result->image.digest);
  EXPECT_TRUE(layout_->ReadManifest(local->digest).ok());
}

}  // namespace
}  // namespace sluice::oci
