#include "steps/image_registry.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "steps/step_test_util.h"

namespace sluice::steps {
namespace {

constexpr std::string_view kAwsLocal = R"(
connector:
  identifier: aws
  name: aws
  type: Aws
  spec:
    credential:
      type: ManualConfig
      spec:
        accessKey: AKIAEXAMPLE
        secretKeyRef: aws_secret
)";

constexpr std::string_view kAwsEndpoint = R"(
connector:
  identifier: aws_ep
  name: aws_ep
  type: Aws
  spec:
    ecrEndpoint: http://127.0.0.1:5000/
    credential:
      type: ManualConfig
      spec:
        accessKeyRef: aws_user
        secretKeyRef: aws_secret
)";

constexpr std::string_view kDockerBasic = R"(
connector:
  identifier: docker
  name: docker
  type: DockerRegistry
  spec:
    dockerRegistryUrl: http://localhost:5001/v2/
    auth:
      type: UsernamePassword
      spec:
        username: ci
        passwordRef: docker_pw
)";

nlohmann::json Secrets() {
  return {{"aws_secret", "s3cr3t-aws-key"}, {"aws_user", "AWS"}, {"docker_pw", "hunter2-pw"}};
}

TEST(ImageRegistryTest, EcrWithoutEndpointIsTheLocalStoreUnderTheEcrUri) {
  TestStepContext t("BuildAndPushECR", "{}", Secrets());
  const auto& aws = t.AddConnector(kAwsLocal);
  auto loc = EcrImage(t.ctx(), aws, "123456789012", "us-east-1", "ml/train", "v1");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_TRUE(loc->local_store);
  EXPECT_EQ(loc->display, "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/train:v1");
  EXPECT_EQ(loc->reference.registry, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
  EXPECT_EQ(loc->reference.repository, "ml/train");
  EXPECT_EQ(loc->reference.tag, "v1");
  EXPECT_FALSE(loc->registry.credentials.has_value());  // nothing to send to the store
}

TEST(ImageRegistryTest, EcrWithEndpointPushesThereWithMaskedCredentials) {
  TestStepContext t("BuildAndPushECR", "{}", Secrets());
  const auto& aws = t.AddConnector(kAwsEndpoint);
  auto loc = EcrImage(t.ctx(), aws, "123456789012", "eu-west-1", "infer", "2");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_FALSE(loc->local_store);
  EXPECT_EQ(loc->display, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/infer:2");
  EXPECT_EQ(loc->reference.str(), "127.0.0.1:5000/infer:2");
  ASSERT_TRUE(loc->registry.credentials.has_value());
  EXPECT_EQ(loc->registry.credentials->username, "AWS");
  EXPECT_EQ(loc->registry.credentials->password, "s3cr3t-aws-key");
  EXPECT_EQ(t.masker.Mask("key s3cr3t-aws-key"), "key " + std::string(secrets::kMask));
}

TEST(ImageRegistryTest, EcrRejectsOtherConnectorsAndBadNames) {
  TestStepContext t("BuildAndPushECR", "{}", Secrets());
  const auto& docker = t.AddConnector(kDockerBasic);
  const auto& aws = t.AddConnector(kAwsLocal);
  auto wrong = EcrImage(t.ctx(), docker, "1", "us-east-1", "x", "1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("connector \"docker\" (.harness/connectors/c.yaml:"),
            std::string::npos)
      << wrong.status().message();
  EXPECT_NE(wrong.status().message().find("needs an Aws connector"), std::string::npos);
  auto bad_name = EcrImage(t.ctx(), aws, "1", "us-east-1", "ML/Train", "1");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().message().find("imageName \"ML/Train\""), std::string::npos);
  auto bad_region = EcrImage(t.ctx(), aws, "1", "us east", "x", "1");
  ASSERT_FALSE(bad_region.ok());
  EXPECT_NE(bad_region.status().message().find("region"), std::string::npos);
  auto bad_tag = EcrImage(t.ctx(), aws, "1", "us-east-1", "x", "-x");
  ASSERT_FALSE(bad_tag.ok());
  EXPECT_NE(bad_tag.status().message().find("tag \"-x\""), std::string::npos);
}

TEST(ImageRegistryTest, EcrMissingSecretNamesItWithoutValues) {
  TestStepContext t("BuildAndPushECR", "{}", {{"aws_user", "AWS"}});
  const auto& aws = t.AddConnector(kAwsEndpoint);
  auto loc = EcrImage(t.ctx(), aws, "1", "us-east-1", "x", "1");
  ASSERT_FALSE(loc.ok());
  EXPECT_NE(loc.status().message().find("secretKeyRef names secret \"aws_secret\""),
            std::string::npos)
      << loc.status().message();
}

TEST(ImageRegistryTest, DockerRegistryWithBasicAuthThroughASecret) {
  TestStepContext t("BuildAndPushDockerRegistry", "{}", Secrets());
  const auto& docker = t.AddConnector(kDockerBasic);
  // A host in `repo` gives way to the connector's URL.
  auto loc = DockerRegistryImage(t.ctx(), docker, "registry.example.com/team/app", "1.0");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_FALSE(loc->local_store);
  EXPECT_EQ(loc->reference.str(), "localhost:5001/team/app:1.0");
  EXPECT_EQ(loc->display, "localhost:5001/team/app:1.0");
  ASSERT_TRUE(loc->registry.credentials.has_value());
  EXPECT_EQ(loc->registry.credentials->username, "ci");
  EXPECT_EQ(loc->registry.credentials->password, "hunter2-pw");
  EXPECT_TRUE(loc->registry.insecure_hosts.empty());
  EXPECT_EQ(t.masker.Mask("hunter2-pw"), secrets::kMask);
}

TEST(ImageRegistryTest, DockerRegistryPlainHttpNeedsInsecureOffLoopback) {
  TestStepContext t("BuildAndPushDockerRegistry", "{}", Secrets());
  const auto& plain = t.AddConnector(R"(
connector:
  identifier: lan
  name: lan
  type: DockerRegistry
  spec:
    dockerRegistryUrl: http://registry.lan:5000
    auth:
      type: Anonymous
)");
  auto refused = DockerRegistryImage(t.ctx(), plain, "app", "1");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("spec.insecure: true"), std::string::npos);

  const auto& insecure = t.AddConnector(R"(
connector:
  identifier: lan2
  name: lan2
  type: DockerRegistry
  spec:
    dockerRegistryUrl: http://registry.lan:5000
    insecure: true
)");
  auto loc = DockerRegistryImage(t.ctx(), insecure, "app", "1");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_EQ(loc->registry.insecure_hosts, std::vector<std::string>{"registry.lan:5000"});
  EXPECT_FALSE(loc->registry.credentials.has_value());
}

TEST(ImageRegistryTest, DockerRegistryConnectorErrorsNameTheField) {
  TestStepContext t("BuildAndPushDockerRegistry", "{}", Secrets());
  const auto& no_url = t.AddConnector(R"(
connector:
  identifier: nourl
  name: nourl
  type: DockerRegistry
  spec: {}
)");
  auto missing = DockerRegistryImage(t.ctx(), no_url, "app", "1");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("spec.dockerRegistryUrl is required"),
            std::string::npos);
  const auto& no_password = t.AddConnector(R"(
connector:
  identifier: nopw
  name: nopw
  type: DockerRegistry
  spec:
    dockerRegistryUrl: https://r.example.com
    auth: {type: UsernamePassword, spec: {username: u}}
)");
  auto partial = DockerRegistryImage(t.ctx(), no_password, "app", "1");
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.status().message().find("passwordRef"), std::string::npos);
  const auto& path = t.AddConnector(R"(
connector:
  identifier: path
  name: path
  type: DockerRegistry
  spec:
    dockerRegistryUrl: https://r.example.com/some/path
)");
  auto with_path = DockerRegistryImage(t.ctx(), path, "app", "1");
  ASSERT_FALSE(with_path.ok());
  EXPECT_NE(with_path.status().message().find("has a path"), std::string::npos);
}

TEST(ImageRegistryTest, StepImageWithoutConnector) {
  TestStepContext t("Run", "{}");
  auto local = StepImage(t.ctx(), nullptr, " ml/train:1 ");
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_TRUE(local->local_store);
  EXPECT_EQ(local->display, "ml/train:1");  // the tag `sluice image build -t ml/train:1` gives

  auto remote = StepImage(t.ctx(), nullptr, "localhost:5000/base");
  ASSERT_TRUE(remote.ok()) << remote.status().message();
  EXPECT_FALSE(remote->local_store);
  EXPECT_EQ(remote->reference.str(), "localhost:5000/base:latest");

  auto bad = StepImage(t.ctx(), nullptr, "Bad Image");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(StepImage(t.ctx(), nullptr, "  ").ok());
}

TEST(ImageRegistryTest, StepImageThroughConnectors) {
  TestStepContext t("Run", "{}", Secrets());
  const auto& aws = t.AddConnector(kAwsEndpoint);
  const auto& docker = t.AddConnector(kDockerBasic);
  auto ecr = StepImage(t.ctx(), &aws, "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/train");
  ASSERT_TRUE(ecr.ok()) << ecr.status().message();
  EXPECT_EQ(ecr->reference.str(), "127.0.0.1:5000/ml/train:latest");
  EXPECT_EQ(ecr->display, "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml/train:latest");

  auto not_ecr = StepImage(t.ctx(), &aws, "ml/train:1");
  ASSERT_FALSE(not_ecr.ok());
  EXPECT_NE(not_ecr.status().message().find("is not an ECR image"), std::string::npos);

  auto hub = StepImage(t.ctx(), &docker, "team/app:3");
  ASSERT_TRUE(hub.ok()) << hub.status().message();
  EXPECT_EQ(hub->reference.str(), "localhost:5001/team/app:3");
  EXPECT_TRUE(hub->registry.credentials.has_value());
}

TEST(ImageRegistryTest, OpenImageStoreCreatesItInTheStateDirectory) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  TestStepContext t("Run", "{}", {}, dir->path(), dir->path() / ".sluice");
  auto store = OpenImageStore(t.ctx());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->dir(), dir->path() / ".sluice" / "images");
  EXPECT_TRUE(std::filesystem::exists(dir->path() / ".sluice" / "images" / "oci-layout"));
  auto lock = LockImageStore(t.ctx(), t.cancel);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  // A second holder waits; once cancelled it gives up instead.
  Cancellation cancelled;
  cancelled.Cancel();
  auto second = LockImageStore(t.ctx(), cancelled);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAborted);
}

}  // namespace
}  // namespace sluice::steps
