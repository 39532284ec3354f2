// The registry client against a real docker-registry (distribution 2.8) on
// 127.0.0.1, with skopeo as an independent reader of what we push.
#include "oci/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "oci/registry_test_util.h"

namespace sluice::oci {
namespace {

using testing::RegistryAuth;
using testing::RunRequiredTool;
using testing::TestRegistry;
using testing::TokenServer;

std::unique_ptr<RegistryClient> Client(const TestRegistry& registry, RegistryOptions options = {}) {
  return std::make_unique<RegistryClient>(registry.host(), std::move(options), NewCurlTransport());
}

std::unique_ptr<TestRegistry> StartRegistry(const RegistryAuth& auth = {}) {
  auto registry = TestRegistry::Start(auth);
  EXPECT_TRUE(registry.ok()) << registry.status().ToString();
  return registry.ok() ? std::move(registry).value() : nullptr;
}

// A minimal image: a config blob, one layer blob and the OCI manifest naming them.
struct Image {
  std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string layer = "not really a tar, but a registry does not look inside";
  std::string manifest() const {
    nlohmann::json m = {{"schemaVersion", 2},
                        {"mediaType", kMediaTypeManifest},
                        {"config",
                         {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                          {"digest", Sha256Of(config).str()},
                          {"size", config.size()}}},
                        {"layers",
                         {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                           {"digest", Sha256Of(layer).str()},
                           {"size", layer.size()}}}}};
    return m.dump();
  }
};

Status PushImage(RegistryClient& client, const std::string& repo, const std::string& tag,
                 const Image& image) {
  SLUICE_RETURN_IF_ERROR(client.PushBlob(repo, image.config).status());
  SLUICE_RETURN_IF_ERROR(client.PushBlob(repo, image.layer).status());
  return client.PutManifest(repo, tag, kMediaTypeManifest, image.manifest()).status();
}

TEST(RegistryTest, PushThenPullBlobsAndManifestAndSkopeoAgrees) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  auto client = Client(*registry);
  EXPECT_EQ(client->base_url(), "http://" + registry->host());
  ASSERT_TRUE(client->Ping().ok());
  Image image;
  auto layer = client->PushBlob("ml/train", image.layer);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(*layer, Sha256Of(image.layer));
  ASSERT_TRUE(client->PushBlob("ml/train", image.config).ok());
  auto exists = client->BlobExists("ml/train", *layer);
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  auto pushed = client->PutManifest("ml/train", "v1", kMediaTypeManifest, image.manifest());
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(*pushed, Sha256Of(image.manifest()));

  for (const std::string& ref : {std::string("v1"), pushed->str()}) {
    auto pulled = client->GetManifest("ml/train", ref);
    ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
    EXPECT_EQ(pulled->bytes, image.manifest());
    EXPECT_EQ(pulled->media_type, kMediaTypeManifest);
    EXPECT_EQ(pulled->digest, *pushed);
  }
  auto blob = client->GetBlob("ml/train", *layer);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(*blob, image.layer);

  auto inspect = RunRequiredTool({"/usr/bin/skopeo", "inspect", "--tls-verify=false",
                          "docker://" + registry->host() + "/ml/train:v1"},
                         "skopeo");
  ASSERT_TRUE(inspect.ok()) << inspect.status().ToString();
  ASSERT_EQ(inspect->exit_code, 0) << inspect->output;
  nlohmann::json seen = nlohmann::json::parse(inspect->output);
  EXPECT_EQ(seen["Digest"], pushed->str());
  EXPECT_EQ(seen["Layers"], nlohmann::json::array({layer->str()}));
  EXPECT_EQ(seen["Architecture"], "amd64");
}

TEST(RegistryTest, IndexesAndDockerSchema2ManifestsKeepTheirMediaTypes) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  auto client = Client(*registry);
  Image image;
  ASSERT_TRUE(PushImage(*client, "multi", "amd64", image).ok());
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", kMediaTypeIndex},
                          {"manifests",
                           {{{"mediaType", kMediaTypeManifest},
                             {"digest", Sha256Of(image.manifest()).str()},
                             {"size", image.manifest().size()},
                             {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}}}}};
  auto index_digest = client->PutManifest("multi", "v1", kMediaTypeIndex, index.dump());
  ASSERT_TRUE(index_digest.ok()) << index_digest.status().ToString();
  auto pulled_index = client->GetManifest("multi", "v1");
  ASSERT_TRUE(pulled_index.ok()) << pulled_index.status().ToString();
  EXPECT_EQ(pulled_index->media_type, kMediaTypeIndex);
  EXPECT_EQ(pulled_index->digest, *index_digest);

  nlohmann::json docker = {{"schemaVersion", 2},
                           {"mediaType", kDockerManifest},
                           {"config",
                            {{"mediaType", "application/vnd.docker.container.image.v1+json"},
                             {"digest", Sha256Of(image.config).str()},
                             {"size", image.config.size()}}},
                           {"layers",
                            {{{"mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
                              {"digest", Sha256Of(image.layer).str()},
                              {"size", image.layer.size()}}}}};
  ASSERT_TRUE(client->PutManifest("multi", "docker", kDockerManifest, docker.dump()).ok());
  auto pulled_docker = client->GetManifest("multi", "docker");
  ASSERT_TRUE(pulled_docker.ok()) << pulled_docker.status().ToString();
  EXPECT_EQ(pulled_docker->media_type, kDockerManifest);
  EXPECT_EQ(pulled_docker->bytes, docker.dump());
}

TEST(RegistryTest, ChunkedUploadOfALargeBlob) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  RegistryOptions options;
  options.chunk_threshold = 1000;
  options.chunk_size = 300;
  auto client = Client(*registry, options);
  std::string big;
  for (int i = 0; i < 2500; ++i) big += static_cast<char>('a' + i % 26);
  auto digest = client->PushBlob("big", big);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  auto back = client->GetBlob("big", *digest);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, big);

  // The same bytes from a file, into another repository, one chunk at a time.
  auto dir = TempDir::Create("sluice-blobfile-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFileAtomic(dir->path() / "layer", big).ok());
  Status from_file = client->UploadBlobFile("big-file", dir->path() / "layer", *digest);
  ASSERT_TRUE(from_file.ok()) << from_file.ToString();
  EXPECT_EQ(*client->GetBlob("big-file", *digest), big);
  Status missing = client->UploadBlobFile("big-file", dir->path() / "nope", *digest);
  EXPECT_EQ(missing.code(), StatusCode::kIoError);
  EXPECT_NE(missing.message().find("nope"), std::string::npos);
  // A file that is not what its digest says is refused by the registry.
  Status wrong = client->UploadBlobFile("big-file", dir->path() / "layer", Sha256Of("other"));
  EXPECT_FALSE(wrong.ok());
  EXPECT_FALSE(*client->BlobExists("big-file", Sha256Of("other")));
}

TEST(RegistryTest, CrossRepositoryMountAndFallbackUpload) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  auto client = Client(*registry);
  std::string bytes = "shared base layer";
  auto digest = client->PushBlob("base", bytes);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  auto mounted = client->MountOrPushBlob("app", "base", *digest, bytes);
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  EXPECT_TRUE(*mounted);
  EXPECT_TRUE(*client->BlobExists("app", *digest));
  // A source repository without the blob: the registry opens an upload (202).
  std::string other = "only here";
  auto fallback = client->MountOrPushBlob("app", "nowhere", Sha256Of(other), other);
  ASSERT_TRUE(fallback.ok()) << fallback.status().ToString();
  EXPECT_FALSE(*fallback);
  EXPECT_EQ(*client->GetBlob("app", Sha256Of(other)), other);
  auto wrong = client->MountOrPushBlob("app", "base", *digest, "other bytes");
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
}

TEST(RegistryTest, TagList) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  auto client = Client(*registry);
  Image image;
  for (const char* tag : {"b", "a", "1.0"}) {
    ASSERT_TRUE(PushImage(*client, "tags", tag, image).ok());
  }
  auto tags = client->ListTags("tags");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  std::sort(tags->begin(), tags->end());  // distribution 2.8 does not sort
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.0", "a", "b"}));
}

TEST(RegistryTest, RegistryErrorsNameRepositoryStatusAndCode) {
  auto registry = StartRegistry();
  ASSERT_NE(registry, nullptr);
  auto client = Client(*registry);
  auto missing = client->GetManifest("nothing/here", "v9");
  ASSERT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string m = missing.status().message();
  EXPECT_NE(m.find("registry " + registry->host() + ", repository nothing/here"), std::string::npos)
      << m;
  EXPECT_NE(m.find("HTTP 404"), std::string::npos) << m;
  EXPECT_NE(m.find("MANIFEST_UNKNOWN: manifest unknown"), std::string::npos) << m;
  // A manifest naming blobs that were never pushed.
  auto orphan = client->PutManifest("orphan", "v1", kMediaTypeManifest, Image().manifest());
  ASSERT_EQ(orphan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(orphan.status().message().find("MANIFEST_BLOB_UNKNOWN"), std::string::npos)
      << orphan.status().message();
}

TEST(RegistryTest, UnreachableRegistryIsAnIoErrorAfterRetries) {
  std::string host;
  {
    auto registry = StartRegistry();
    ASSERT_NE(registry, nullptr);
    host = registry->host();
  }  // stopped: nothing listens on its port any more
  RegistryOptions options;
  options.max_retries = 2;
  int waits = 0;
  options.sleep = [&](std::chrono::milliseconds) { ++waits; };
  Status status = RegistryClient(host, options, NewCurlTransport()).Ping();
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find("registry " + host + " (after 3 attempts)"), std::string::npos)
      << status.message();
  EXPECT_EQ(waits, 2);
}

TEST(RegistryTest, BasicAuthWithHtpasswd) {
  auto dir = TempDir::Create("sluice-htpasswd-");
  ASSERT_TRUE(dir.ok());
  auto made = RunRequiredTool(
      {"/usr/bin/htpasswd", "-Bbc", (dir->path() / "htpasswd").string(), "ciuser", "cipass"},
      "apache2-utils");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->exit_code, 0) << made->output;
  auto registry = StartRegistry({.htpasswd_file = (dir->path() / "htpasswd").string()});
  ASSERT_NE(registry, nullptr);

  Status anonymous = Client(*registry)->Ping();
  EXPECT_EQ(anonymous.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(anonymous.message().find("unauthorized"), std::string::npos) << anonymous.message();
  EXPECT_NE(anonymous.message().find("give credentials for " + registry->host()),
            std::string::npos);

  RegistryOptions wrong;
  wrong.credentials = RegistryCredentials{"ciuser", "nope"};
  Status refused = Client(*registry, wrong)->Ping();
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("HTTP 401"), std::string::npos) << refused.message();

  RegistryOptions right;
  right.credentials = RegistryCredentials{"ciuser", "cipass"};
  auto client = Client(*registry, right);
  ASSERT_TRUE(client->Ping().ok());
  Image image;
  ASSERT_TRUE(PushImage(*client, "authed", "v1", image).ok());
  auto pulled = client->GetManifest("authed", "v1");
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_EQ(pulled->bytes, image.manifest());
  auto inspect = RunRequiredTool({"/usr/bin/skopeo", "inspect", "--tls-verify=false", "--creds",
                          "ciuser:cipass", "docker://" + registry->host() + "/authed:v1"},
                         "skopeo");
  ASSERT_TRUE(inspect.ok()) << inspect.status().ToString();
  ASSERT_EQ(inspect->exit_code, 0) << inspect->output;
  EXPECT_EQ(nlohmann::json::parse(inspect->output)["Digest"], pulled->digest.str());
}

TEST(RegistryTest, BearerTokensFromTheRealm) {
  auto tokens = TokenServer::Start("ciuser", "cipass");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  auto registry = StartRegistry({.token_realm = (*tokens)->realm(),
                                 .token_service = TokenServer::kService,
                                 .token_issuer = TokenServer::kIssuer,
                                 .token_cert_file = (*tokens)->cert_file()});
  ASSERT_NE(registry, nullptr);

  Status anonymous = Client(*registry)->Ping();
  EXPECT_EQ(anonymous.code(), StatusCode::kFailedPrecondition) << anonymous.ToString();
  EXPECT_NE(anonymous.message().find("refused anonymous access"), std::string::npos)
      << anonymous.message();

  RegistryOptions options;
  options.credentials = RegistryCredentials{"ciuser", "cipass"};
  auto client = Client(*registry, options);
  Image image;
  Status pushed = PushImage(*client, "tok", "v1", image);
  ASSERT_TRUE(pushed.ok()) << pushed.ToString() << "\n" << registry->log();
  auto pulled = client->GetManifest("tok", "v1");
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_EQ(pulled->bytes, image.manifest());
  auto mounted = client->MountOrPushBlob("tok2", "tok", Sha256Of(image.layer), image.layer);
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  EXPECT_TRUE(*mounted);

  // Tokens are asked for with our credentials and the scope the call needs,
  // once per scope: the mount asks for both repositories.
  std::vector<std::string> seen = (*tokens)->requests();
  auto count = [&](const std::string& needle) {
    return std::count_if(seen.begin(), seen.end(),
                         [&](const std::string& r) { return r.find(needle) != std::string::npos; });
  };
  EXPECT_EQ(count("scope=repository%3Atok%3Apull%2Cpush"), 1) << ::testing::PrintToString(seen);
  EXPECT_EQ(count("scope=repository%3Atok2%3Apull%2Cpush&scope=repository%3Atok%3Apull"), 1);
  EXPECT_EQ(count("[Basic Y2l1c2VyOmNpcGFzcw==]"),
            static_cast<long>(seen.size()) - 1);  // all but the anonymous try
}

}  // namespace
}  // namespace sluice::oci
