#include "oci/reference.h"

#include <gtest/gtest.h>

namespace sluice::oci {
namespace {

ImageReference Parse(std::string_view text) {
  auto ref = ParseImageReference(text);
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  return ref.ok() ? *ref : ImageReference{};
}

constexpr char kHex[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(ReferenceTest, DockerHubDefaults) {
  ImageReference ref = Parse("busybox");
  EXPECT_EQ(ref.registry, "docker.io");
  EXPECT_EQ(ref.repository, "library/busybox");
  EXPECT_EQ(ref.tag, "latest");
  EXPECT_EQ(ref.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(Parse("ml/train:v1").repository, "ml/train");
  EXPECT_EQ(Parse("index.docker.io/busybox:1").str(), "docker.io/library/busybox:1");
}

TEST(ReferenceTest, HostIsTheFirstComponentWithDotColonOrLocalhost) {
  ImageReference ref = Parse("127.0.0.1:5000/team/app:1.2");
  EXPECT_EQ(ref.registry, "127.0.0.1:5000");
  EXPECT_EQ(ref.repository, "team/app");
  EXPECT_EQ(ref.tag, "1.2");
  EXPECT_EQ(Parse("localhost/app").registry, "localhost");
  EXPECT_EQ(Parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/ccapproval").repository,
            "ccapproval");
  // A port without a tag: the ':' belongs to the host.
  ImageReference port = Parse("registry.example:443/app");
  EXPECT_EQ(port.registry, "registry.example:443");
  EXPECT_EQ(port.tag, "latest");
  EXPECT_EQ(Parse("[::1]:5000/app:x").registry, "[::1]:5000");
}

TEST(ReferenceTest, DigestWithAndWithoutTag) {
  ImageReference ref = Parse(std::string("127.0.0.1:5000/app@sha256:") + kHex);
  EXPECT_TRUE(ref.tag.empty());
  ASSERT_TRUE(ref.digest.has_value());
  EXPECT_EQ(ref.manifest_ref(), std::string("sha256:") + kHex);
  ImageReference both = Parse(std::string("app:v1@sha256:") + kHex);
  EXPECT_EQ(both.tag, "v1");
  EXPECT_EQ(both.manifest_ref(), std::string("sha256:") + kHex);
  EXPECT_EQ(both.str(), std::string("docker.io/library/app:v1@sha256:") + kHex);
}

TEST(ReferenceTest, BadInputNamesThePart) {
  auto upper = ParseImageReference("127.0.0.1:5000/App:1");
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(upper.status().message().find("repository \"App\" is not valid"), std::string::npos)
      << upper.status().message();
  auto tag = ParseImageReference("app:-bad");
  ASSERT_FALSE(tag.ok());
  EXPECT_NE(tag.status().message().find("tag \"-bad\""), std::string::npos)
      << tag.status().message();
  auto digest = ParseImageReference("app@sha256:abc");
  ASSERT_FALSE(digest.ok());
  EXPECT_NE(digest.status().message().find("64 lower-case hex"), std::string::npos);
  EXPECT_FALSE(ParseImageReference("").ok());
  EXPECT_FALSE(ParseImageReference("a//b").ok());
  EXPECT_FALSE(ParseImageReference("app:").ok());
  EXPECT_FALSE(ParseImageReference("a..b").ok());
}

TEST(ReferenceTest, RepositoryGrammar) {
  EXPECT_TRUE(IsValidRepositoryName("a__b/c-----d/e.f"));
  EXPECT_FALSE(IsValidRepositoryName("a___b"));
  EXPECT_FALSE(IsValidRepositoryName("-a"));
  EXPECT_FALSE(IsValidRepositoryName("a/"));
  EXPECT_TRUE(IsValidTag("_x.Y-1"));
  EXPECT_FALSE(IsValidTag(std::string(129, 'a')));
}

}  // namespace
}  // namespace sluice::oci
