// Push and Pull against a real docker-registry on 127.0.0.1, with skopeo as
// an independent reader of what was pushed.
#include "oci/transfer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/files.h"
#include "oci/registry_test_util.h"

namespace sluice::oci {
namespace {

using testing::RunRequiredTool;
using testing::TestRegistry;

// Sends through libcurl, recording "METHOD url" of every request.
class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(std::vector<std::string>* log) : log_(log) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      log_->push_back(request.method + " " + request.url);
    }
    return curl_->Send(request);
  }

 private:
  std::unique_ptr<HttpTransport> curl_ = NewCurlTransport();
  std::mutex mutex_;
  std::vector<std::string>* log_;
};

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = TestRegistry::Start();
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    client_ =
        std::make_unique<RegistryClient>(registry_->host(), RegistryOptions{}, NewCurlTransport());
    auto dir = TempDir::Create("transfer-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
  }

  // A layout at `name` holding a one-layer image tagged "v1".
  ImageLayout WriteImage(const std::string& name) {
    std::filesystem::path tree = dir_->path() / (name + "-tree");
    std::filesystem::create_directories(tree / "app");
    std::ofstream(tree / "app" / "model.txt") << "weights for " << name << "\n";
    auto layer = BuildLayer(tree, LayerOptions{});
    EXPECT_TRUE(layer.ok()) << layer.status().ToString();
    auto layout = ImageLayout::Open(dir_->path() / name);
    EXPECT_TRUE(layout.ok()) << layout.status().ToString();
    ImageConfig config;
    config.created = Rfc3339Utc(0);
    config.config.cmd = std::vector<std::string>{"/app/run"};
    auto written = layout->WriteImage({*layer}, config, "v1");
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    return *layout;
  }

  ImageLayout EmptyLayout(const std::string& name) {
    auto layout = ImageLayout::Open(dir_->path() / name);
    EXPECT_TRUE(layout.ok()) << layout.status().ToString();
    return *layout;
  }

  ImageReference Ref(const std::string& repo_and_tag) {
    auto ref = ParseImageReference(registry_->host() + "/" + repo_and_tag);
    EXPECT_TRUE(ref.ok()) << ref.status().ToString();
    return *ref;
  }

  std::unique_ptr<TestRegistry> registry_;
  std::unique_ptr<RegistryClient> client_;
  std::unique_ptr<TempDir> dir_;
};

TEST_F(TransferTest, PushThenPullIntoEmptyLayoutKeepsEveryDigest) {
  ImageLayout source = WriteImage("source");
  auto pushed = Push(source, "v1", *client_, "ml/train", "1.0");
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->blobs_uploaded, 2);
  EXPECT_GT(pushed->bytes_sent, 0);

  ImageLayout target = EmptyLayout("target");
  auto pulled = Pull(*client_, Ref("ml/train:1.0"), target, "train");
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_EQ(pulled->manifest.digest, pushed->manifest.digest);
  EXPECT_EQ(pulled->remote_digest, pushed->manifest.digest);
  EXPECT_EQ(pulled->bytes_received, pushed->bytes_sent);

  auto original = source.ReadManifest(pushed->manifest.digest);
  auto copy = target.ReadManifest(pulled->manifest.digest);
  ASSERT_TRUE(original.ok() && copy.ok());
  EXPECT_EQ(*original, *copy);
  for (const Descriptor& layer : copy->layers) EXPECT_TRUE(target.HasBlob(layer.digest));
  EXPECT_TRUE(target.HasBlob(copy->config.digest));

  // By digest, into a layout that has every blob already: nothing is fetched.
  auto by_digest =
      Pull(*client_, Ref("ml/train@" + pushed->manifest.digest.str()), target, "pinned");
  ASSERT_TRUE(by_digest.ok()) << by_digest.status().ToString();
  EXPECT_EQ(by_digest->manifest.digest, pushed->manifest.digest);
  EXPECT_EQ(by_digest->bytes_received, 0);

  auto inspect = RunRequiredTool({"skopeo", "inspect", "--tls-verify=false", "--raw",
                                  "docker://" + registry_->host() + "/ml/train:1.0"},
                                 "skopeo");
  ASSERT_TRUE(inspect.ok()) << inspect.status().ToString();
  ASSERT_EQ(inspect->exit_code, 0) << inspect->output;
  EXPECT_EQ(Sha256Of(inspect->output), pushed->manifest.digest);
}

TEST_F(TransferTest, PushingTwiceSendsNoBlobTheSecondTime) {
  ImageLayout source = WriteImage("source");
  ASSERT_TRUE(Push(source, "v1", *client_, "ml/train", "1.0").ok());
  auto again = Push(source, "v1", *client_, "ml/train", "1.1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->blobs_uploaded, 0);
  EXPECT_EQ(again->blobs_skipped, 2);
  EXPECT_EQ(again->bytes_sent, 0);
  auto tags = client_->ListTags("ml/train");
  ASSERT_TRUE(tags.ok());
  std::sort(tags->begin(), tags->end());  // the registry's order is not specified
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.0", "1.1"}));
}

// Blobs the caller says the registry holds are not asked about nor sent.
TEST_F(TransferTest, PushTrustsTheBlobsTheCallerSaysAreThere) {
  ImageLayout source = WriteImage("source");
  ASSERT_TRUE(Push(source, "v1", *client_, "ml/train", "1.0").ok());
  auto manifest = source.ReadManifest(source.Resolve("v1")->digest);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->layers.size(), 1u);
  const Descriptor& layer = manifest->layers[0];

  std::vector<std::string> requests;
  RegistryClient recorded(registry_->host(), RegistryOptions{},
                          std::make_unique<RecordingTransport>(&requests));
  PushOptions known;
  known.uploaded = {layer.digest.str()};
  known.present = {manifest->config.digest.str()};
  auto pushed = Push(source, "v1", recorded, "ml/train", "1.1", known);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->blobs_uploaded, 1);
  EXPECT_EQ(pushed->bytes_sent, layer.size);
  EXPECT_EQ(pushed->blobs_skipped, 1);
  EXPECT_EQ(requests, (std::vector<std::string>{"PUT http://" + registry_->host() +
                                                "/v2/ml/train/manifests/1.1"}));
  auto remote = client_->GetManifest("ml/train", "1.1");
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(remote->digest, pushed->manifest.digest);
}

TEST_F(TransferTest, PushMountsBlobsFromAnotherRepository) {
  ImageLayout source = WriteImage("source");
  ASSERT_TRUE(Push(source, "v1", *client_, "ml/base", "1").ok());
  auto mounted = Push(source, "v1", *client_, "ml/serve", "1", PushOptions{"ml/base"});
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  EXPECT_EQ(mounted->blobs_mounted, 2);
  EXPECT_EQ(mounted->bytes_sent, 0);
  EXPECT_TRUE(Pull(*client_, Ref("ml/serve:1"), EmptyLayout("t"), "serve").ok());
}

TEST_F(TransferTest, PullsDockerSchema2AsOciRecordingTheRegistryDigest) {
  ImageLayout source = WriteImage("source");
  auto desc = source.Resolve("v1");
  ASSERT_TRUE(desc.ok());
  auto manifest = source.ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());
  for (const Descriptor& blob : {manifest->config, manifest->layers[0]}) {
    auto bytes = source.ReadBlob(blob.digest);
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(client_->PushBlob("legacy/app", *bytes).ok());
  }
  nlohmann::json docker = {{"schemaVersion", 2},
                           {"mediaType", kDockerManifest},
                           {"config",
                            {{"mediaType", "application/vnd.docker.container.image.v1+json"},
                             {"digest", manifest->config.digest.str()},
                             {"size", manifest->config.size}}},
                           {"layers",
                            {{{"mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
                              {"digest", manifest->layers[0].digest.str()},
                              {"size", manifest->layers[0].size}}}}};
  auto remote = client_->PutManifest("legacy/app", "latest", kDockerManifest, docker.dump(2));
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();

  ImageLayout target = EmptyLayout("target");
  auto pulled = Pull(*client_, Ref("legacy/app"), target, "app");
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_EQ(pulled->remote_digest, *remote);
  EXPECT_EQ(pulled->remote_media_type, kDockerManifest);
  auto stored = target.ReadManifest(pulled->manifest.digest);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->config.media_type, kMediaTypeConfig);
  EXPECT_EQ(stored->layers[0].media_type, kMediaTypeLayerGzip);
  EXPECT_EQ(stored->layers[0].digest, manifest->layers[0].digest);
  EXPECT_EQ(stored->annotations.at(std::string(kAnnotationSourceDigest)), remote->str());

  auto umoci =
      RunRequiredTool({"umoci", "stat", "--image", target.dir().string() + ":app"}, "umoci");
  ASSERT_TRUE(umoci.ok()) << umoci.status().ToString();
  EXPECT_EQ(umoci->exit_code, 0) << umoci->output;
}

TEST_F(TransferTest, IndexWithoutLinuxAmd64NamesThePlatformsItHas) {
  ImageLayout source = WriteImage("source");
  auto pushed = Push(source, "v1", *client_, "multi/app", "arm");
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  Index index;
  Descriptor entry = pushed->manifest;
  entry.platform = Platform{"arm64", "linux"};
  index.manifests.push_back(entry);
  ASSERT_TRUE(client_->PutManifest("multi/app", "latest", kMediaTypeIndex, ToJson(index)).ok());

  auto pulled = Pull(*client_, Ref("multi/app"), EmptyLayout("target"), "app");
  ASSERT_FALSE(pulled.ok());
  EXPECT_NE(pulled.status().message().find("has no linux/amd64 image (it has: linux/arm64)"),
            std::string::npos)
      << pulled.status().ToString();

  entry.platform = Platform{"amd64", "linux"};
  index.manifests.push_back(entry);
  ASSERT_TRUE(client_->PutManifest("multi/app", "latest", kMediaTypeIndex, ToJson(index)).ok());
  auto amd64 = Pull(*client_, Ref("multi/app"), EmptyLayout("target2"), "app");
  ASSERT_TRUE(amd64.ok()) << amd64.status().ToString();
  EXPECT_EQ(amd64->manifest.digest, pushed->manifest.digest);
}

TEST_F(TransferTest, PushOfAnUnknownLocalTagSaysWhichTagAndWhere) {
  ImageLayout source = EmptyLayout("empty");
  auto pushed = Push(source, "nope", *client_, "ml/train", "1");
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.status().code(), StatusCode::kNotFound);
  EXPECT_NE(pushed.status().message().find("no image tagged \"nope\""), std::string::npos);
}

}  // namespace
}  // namespace sluice::oci
