#include "oci/image.h"

#include <gtest/gtest.h>

namespace sluice::oci {
namespace {

const std::string kHex(64, 'a');

ImageConfig SampleConfig() {
  ImageConfig c;
  c.created = Rfc3339Utc(1700000000);
  c.config.env = {"PATH=/bin", "MODE=train"};
  c.config.entrypoint = std::vector<std::string>{"/bin/sh", "-c"};
  c.config.cmd = std::vector<std::string>{};
  c.config.working_dir = "/app";
  c.config.user = "1000:1000";
  c.config.labels = {{"org.example", "1"}};
  c.config.exposed_ports = {"8080/tcp"};
  c.config.volumes = {"/data"};
  c.config.stop_signal = "SIGTERM";
  c.diff_ids = {Digest{"sha256", kHex}};
  c.history = {{c.created, "COPY . /app", "", false}, {"", "ENV MODE=train", "", true}};
  return c;
}

TEST(ImageTest, ConfigJsonIsDeterministicAndRoundTrips) {
  ImageConfig c = SampleConfig();
  std::string json = ToJson(c);
  EXPECT_EQ(
      json,
      R"({"architecture":"amd64","config":{"Cmd":[],"Entrypoint":["/bin/sh","-c"],)"
      R"("Env":["PATH=/bin","MODE=train"],"ExposedPorts":{"8080/tcp":{}},"Labels":{"org.example":"1"},)"
      R"("StopSignal":"SIGTERM","User":"1000:1000","Volumes":{"/data":{}},"WorkingDir":"/app"},)"
      R"("created":"2023-11-14T22:13:20Z","history":[{"created":"2023-11-14T22:13:20Z",)"
      R"("created_by":"COPY . /app"},{"created":"1970-01-01T00:00:00Z","created_by":"ENV MODE=train",)"
      R"("empty_layer":true}],"os":"linux","rootfs":{"diff_ids":["sha256:)" +
          kHex + R"("],"type":"layers"}})");
  auto back = ParseImageConfig(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  c.history[1].created = "1970-01-01T00:00:00Z";  // always written, for umoci
  EXPECT_EQ(*back, c);
  // An absent Cmd stays absent; an empty one stays empty (it resets the base image's).
  ImageConfig bare;
  auto bare_back = ParseImageConfig(ToJson(bare));
  ASSERT_TRUE(bare_back.ok());
  EXPECT_FALSE(bare_back->config.cmd.has_value());
  EXPECT_TRUE(back->config.cmd.has_value());
}

TEST(ImageTest, ManifestAndIndexCarryMediaTypes) {
  Manifest m;
  m.config = {std::string(kMediaTypeConfig), Digest{"sha256", kHex}, 123, {}, {}};
  m.layers.push_back(
      {std::string(kMediaTypeLayerGzip), Digest{"sha256", std::string(64, 'b')}, 456, {}, {}});
  std::string json = ToJson(m);
  EXPECT_NE(json.find(R"("mediaType":"application/vnd.oci.image.manifest.v1+json")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("schemaVersion":2)"), std::string::npos);
  auto back = ParseManifest(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);

  Index index;
  Descriptor entry = m.config;
  entry.media_type = kMediaTypeManifest;
  entry.annotations[std::string(kAnnotationRefName)] = "v1";
  entry.platform = Platform{"amd64", "linux"};
  index.manifests.push_back(entry);
  auto index_back = ParseIndex(ToJson(index));
  ASSERT_TRUE(index_back.ok()) << index_back.status().ToString();
  EXPECT_EQ(*index_back, index);
}

TEST(ImageTest, ParseErrorsNameTheDocumentAndField) {
  auto bad_size =
      ParseManifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:)" + kHex +
                    R"(","size":"12"},"layers":[]})");
  ASSERT_FALSE(bad_size.ok());
  EXPECT_EQ(bad_size.status().message(),
            "image manifest: \"config.size\" must be a whole number, not a string");

  auto bad_layer = ParseManifest(R"({"schemaVersion":2,"config":{"digest":"sha256:)" + kHex +
                                 R"(","size":1},"layers":[{"digest":"md5:00","size":1}]})");
  ASSERT_FALSE(bad_layer.ok());
  EXPECT_NE(bad_layer.status().message().find("\"layers[0].digest\" is not a digest"),
            std::string::npos)
      << bad_layer.status().message();

  auto bad_version = ParseIndex(R"({"schemaVersion":1,"manifests":[]})");
  ASSERT_FALSE(bad_version.ok());
  EXPECT_EQ(bad_version.status().message(), "image index: \"schemaVersion\" must be 2");

  auto bad_env = ParseImageConfig(R"({"config":{"Env":"PATH=/bin"}})");
  ASSERT_FALSE(bad_env.ok());
  EXPECT_EQ(bad_env.status().message(), "image config: \"config.Env\" must be an array of strings");

  EXPECT_EQ(ParseImageConfig("{not json").status().message(), "image config is not valid JSON");
}

TEST(ImageTest, Rfc3339Utc) {
  EXPECT_EQ(Rfc3339Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Rfc3339Utc(1700000000), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace sluice::oci
