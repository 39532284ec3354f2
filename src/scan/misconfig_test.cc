#include "scan/misconfig.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::scan {
namespace {

// A config no check objects to: non-root, health-checked, pinned base.
oci::ImageConfig CleanConfig() {
  oci::ImageConfig config;
  config.config.user = "app";
  config.config.env = {"PATH=/usr/bin", "MODEL_DIR=/models"};
  config.config.healthcheck = oci::HealthConfig{{"CMD", "curl", "-f", "http://localhost/"}};
  config.history = {{"", "FROM python:3.12-slim", "", true},
                    {"", "COPY app /app", "", false},
                    {"", "USER app", "", true}};
  return config;
}

std::vector<Finding> WithId(const std::vector<Finding>& findings, const std::string& id) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.id == id) out.push_back(f);
  }
  return out;
}

TEST(CheckConfigTest, CleanConfigHasNoFindings) {
  auto findings = CheckConfig(CleanConfig(), "python:3.12-slim");
  for (const Finding& f : findings) ADD_FAILURE() << f.id << ": " << f.title;
}

TEST(CheckConfigTest, RootUserIsFlagged) {
  for (const std::string user : {"", "root", "0", "root:root", "0:0"}) {
    SCOPED_TRACE("USER " + user);
    oci::ImageConfig config = CleanConfig();
    config.config.user = user;
    auto found = WithId(CheckConfig(config, ""), "CIS-DI-0001");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, Severity::kHigh);
    EXPECT_EQ(found[0].kind, FindingKind::kMisconfiguration);
    EXPECT_NE(found[0].description.find("Add a USER instruction with a non-root user"),
              std::string::npos);
  }
  for (const std::string user : {"app", "1000", "1000:1000", "app:root"}) {
    oci::ImageConfig config = CleanConfig();
    config.config.user = user;
    EXPECT_TRUE(WithId(CheckConfig(config, ""), "CIS-DI-0001").empty()) << user;
  }
}

TEST(CheckConfigTest, NoUserSaysSo) {
  oci::ImageConfig config = CleanConfig();
  config.config.user = "";
  EXPECT_EQ(WithId(CheckConfig(config, ""), "CIS-DI-0001")[0].title,
            "The image runs as root (no USER)");
}

TEST(CheckConfigTest, SecretLookingEnvWithAValueIsFlagged) {
  oci::ImageConfig config = CleanConfig();
  config.config.env = {"DB_PASSWORD=hunter2", "HF_TOKEN=", "aws_secret_access_key=x",
                       "LOG_LEVEL=info"};
  auto found = WithId(CheckConfig(config, ""), "CIS-DI-0010");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].title, "ENV DB_PASSWORD looks like a secret");
  EXPECT_EQ(found[1].title, "ENV aws_secret_access_key looks like a secret");
  EXPECT_EQ(found[0].severity, Severity::kHigh);
  for (const Finding& f : found) {
    EXPECT_EQ(f.title.find("hunter2"), std::string::npos);
    EXPECT_EQ(f.description.find("hunter2"), std::string::npos);
  }
}

TEST(CheckConfigTest, SecretLookingBuildArgInHistoryIsFlaggedOnce) {
  oci::ImageConfig config = CleanConfig();
  config.history = {{"", "ARG GITHUB_TOKEN", "", true},
                    {"", "RUN |1 GITHUB_TOKEN=abc /bin/sh -c make", "", false},
                    {"", "|2 API_KEY=k1 VERSION=3 /bin/sh -c ./build", "", false},
                    {"", "|1 NPM_TOKEN= /bin/sh -c true", "", false},
                    {"", "ARG VERSION=3", "", true}};
  auto found = WithId(CheckConfig(config, ""), "CIS-DI-0010");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].title,
            "Build arg GITHUB_TOKEN looks like a secret and shows in the image history");
  EXPECT_EQ(found[1].title, "Build arg API_KEY looks like a secret and shows in the image history");
}

TEST(CheckConfigTest, LatestOrUntaggedBaseIsFlagged) {
  struct Case {
    std::string base;
    bool flagged;
  };
  const Case cases[] = {
      {"python:latest", true},
      {"python", true},
      {"localhost:5000/team/python", true},
      {"docker.io/library/python:3.12-slim", false},
      {"localhost:5000/team/python:1.2", false},
      {"python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false},
      {"python:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
       false},
      {"scratch", false},
      {"", false},
  };
  for (const Case& c : cases) {
    auto found = WithId(CheckConfig(CleanConfig(), c.base), "DKL-DI-0006");
    EXPECT_EQ(found.size(), c.flagged ? 1u : 0u) << c.base;
    if (!found.empty()) {
      EXPECT_EQ(found[0].severity, Severity::kMedium);
    }
  }
}

TEST(CheckConfigTest, BaseNameComesFromTheLabelWhenNotGiven) {
  oci::ImageConfig config = CleanConfig();
  config.config.labels["org.opencontainers.image.base.name"] = "docker.io/library/ubuntu:latest";
  auto found = WithId(CheckConfig(config, ""), "DKL-DI-0006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].title, "Base image docker.io/library/ubuntu:latest uses the latest tag");
  // The name handed in wins over the label.
  EXPECT_TRUE(WithId(CheckConfig(config, "ubuntu:24.04"), "DKL-DI-0006").empty());
}

TEST(CheckConfigTest, MissingOrDisabledHealthcheckIsFlagged) {
  EXPECT_TRUE(WithId(CheckConfig(CleanConfig(), ""), "CIS-DI-0006").empty());
  oci::ImageConfig config = CleanConfig();
  config.config.healthcheck.reset();
  auto found = WithId(CheckConfig(config, ""), "CIS-DI-0006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kLow);
  EXPECT_EQ(found[0].title, "No HEALTHCHECK");
  config.config.healthcheck = oci::HealthConfig{{"NONE"}};
  found = WithId(CheckConfig(config, ""), "CIS-DI-0006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].title, "HEALTHCHECK NONE disables the health check");
}

TEST(CheckConfigTest, AddOfAUrlInHistoryIsFlagged) {
  oci::ImageConfig config = CleanConfig();
  config.history = {
      {"", "ADD --chown=1:1 https://user:pw@example.com/model.bin?sig=abc /models/", "", false},
      {"", "/bin/sh -c #(nop) ADD http://example.com/x.tgz /opt", "", false},
      {"", "ADD file:abc123 in /", "", false},
      {"", "COPY https-notes.txt /", "", false},
      {"", "RUN curl -fsSL https://example.com/x | sh", "", false}};
  auto found = WithId(CheckConfig(config, ""), "CIS-DI-0009");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].title, "ADD downloads https://example.com/model.bin (history step 1)");
  EXPECT_EQ(found[1].title, "ADD downloads http://example.com/x.tgz (history step 2)");
  EXPECT_EQ(found[0].severity, Severity::kMedium);
}

TEST(CheckFilesTest, SetuidAndSetgidFilesAreFlagged) {
  std::vector<FileFacts> files = {
      {"usr/bin/passwd", "sha256:l1", 04755, false},
      {"usr/bin/wall", "sha256:l1", 02755, false},
      {"usr/bin/ls", "sha256:l1", 0755, false},
      {"var/mail", "sha256:l1", 02775, true},  // setgid directories are normal
  };
  auto found = WithId(CheckFiles(files), "CIS-DI-0008");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "usr/bin/passwd");
  EXPECT_EQ(found[0].layer_digest, "sha256:l1");
  EXPECT_EQ(found[0].title, "A setuid file: usr/bin/passwd (mode 4755)");
  EXPECT_EQ(found[1].title, "A setgid file: usr/bin/wall (mode 2755)");
  EXPECT_EQ(found[0].severity, Severity::kMedium);
}

TEST(CheckFilesTest, WorldWritableFilesAndDirectoriesAreFlaggedStickyDirectoriesAreNot) {
  std::vector<FileFacts> files = {
      {"tmp", "sha256:l1", 01777, true},
      {"srv/shared", "sha256:l2", 0777, true},
      {"etc/app.conf", "sha256:l2", 0666, false},
      {"etc/ok.conf", "sha256:l2", 0644, false},
      {"usr/lib/link", "sha256:l2", 0777, false, true},  // a symlink
  };
  auto found = WithId(CheckFiles(files), "DKL-LI-0004");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "srv/shared");
  EXPECT_EQ(found[0].title, "A world-writable directory: srv/shared (mode 0777)");
  EXPECT_NE(found[0].description.find("chmod o-w /srv/shared"), std::string::npos);
  EXPECT_EQ(found[1].path, "etc/app.conf");
  EXPECT_EQ(found[1].severity, Severity::kMedium);
}

}  // namespace
}  // namespace sluice::scan
