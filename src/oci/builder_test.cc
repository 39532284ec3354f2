#include "oci/builder.h"

#include <gtest/gtest.h>

#include "common/files.h"
#include "oci/builder_test_util.h"
#include "oci/tar_format.h"
#include "oci/test_tools.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

class BuilderTest : public testing::BuilderFixture {};

TEST_F(BuilderTest, ScratchImageWithCopiesAndConfig) {
  auto desc = Build(
      "FROM scratch\n"
      "ENV A=1 B=two\n"
      "LABEL org.example=yes\n"
      "WORKDIR /srv\n"
      "COPY app ./app/\n"
      "COPY *.txt /texts/\n"
      "COPY a.txt /renamed\n"
      "COPY b.txt /texts\n"
      "USER 1000\n"
      "EXPOSE 8080\n"
      "VOLUME /data\n"
      "ENTRYPOINT [\"python\"]\n"
      "CMD main.py\n"
      "STOPSIGNAL SIGTERM\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto files = Files(*desc);
  EXPECT_EQ(files["srv/app/main.py"], "print(1)\n");
  EXPECT_EQ(files["srv/app/lib/util.py"], "x = 1\n");
  EXPECT_EQ(files["texts/a.txt"], "a\n");
  EXPECT_EQ(files["texts/b.txt"], "b\n");
  EXPECT_EQ(files["renamed"], "a\n");
  EXPECT_EQ(files.count("secret.key"), 0u);
  auto manifest = layout_->ReadManifest(desc->digest);
  EXPECT_EQ(files["texts"], "dir");  // an existing directory receives b.txt, not replaced by it
  EXPECT_EQ(manifest->layers.size(), 5u);  // WORKDIR made /srv
  auto config = layout_->ReadConfig(*manifest);
  ASSERT_TRUE(config.ok());
  const ContainerConfig& c = config->config;
  EXPECT_EQ(c.env, (std::vector<std::string>{"A=1", "B=two"}));
  EXPECT_EQ(c.labels.at("org.example"), "yes");
  EXPECT_EQ(c.working_dir, "/srv");
  EXPECT_EQ(c.user, "1000");
  EXPECT_EQ(c.exposed_ports, (std::set<std::string>{"8080/tcp"}));
  EXPECT_EQ(c.volumes, (std::set<std::string>{"/data"}));
  EXPECT_EQ(*c.entrypoint, (std::vector<std::string>{"python"}));
  EXPECT_EQ(*c.cmd, (std::vector<std::string>{"/bin/sh", "-c", "main.py"}));
  EXPECT_EQ(c.stop_signal, "SIGTERM");
  EXPECT_EQ(config->created, "2023-11-14T22:13:20Z");
  EXPECT_EQ(config->history.size(), 13u);  // one per instruction after FROM
}

TEST_F(BuilderTest, SameInputsGiveSameDigestWhateverTheMtimes) {
  std::string dockerfile = "FROM scratch\nCOPY . /ctx/\nCMD [\"x\"]\n";
  auto first = Build(dockerfile, "one");
  ASSERT_TRUE(first.ok()) << first.status().message();
  fs::last_write_time(context_ / "a.txt", fs::file_time_type::clock::now() - std::chrono::hours(5));
  auto second = Build(dockerfile, "two");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->digest, second->digest);
  testing::Write(context_ / "a.txt", "changed\n");
  auto third = Build(dockerfile, "three");
  ASSERT_TRUE(third.ok());
  EXPECT_NE(first->digest, third->digest);
}

TEST_F(BuilderTest, DockerignoreExcludesFromCopies) {
  testing::Write(context_ / ".dockerignore", "*.key\napp/lib\n");
  auto desc = Build("FROM scratch\nCOPY . /\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto files = Files(*desc);
  EXPECT_EQ(files.count("secret.key"), 0u);
  EXPECT_EQ(files.count("app/lib/util.py"), 0u);
  EXPECT_EQ(files["app/main.py"], "print(1)\n");
  auto missing = Build("FROM scratch\nCOPY secret.key /\n");
  EXPECT_FALSE(missing.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 2);
  EXPECT_NE(diagnostics_.items()[0].message.find("excluded by .dockerignore"), std::string::npos);
}

TEST_F(BuilderTest, MultiStageCopyFrom) {
  auto desc = Build(
      "FROM scratch AS build\n"
      "COPY app /out/\n"
      "FROM scratch\n"
      "COPY --from=build --chown=10:20 /out/main.py /bin/main\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto files = Files(*desc);
  EXPECT_EQ(files["bin/main"], "print(1)\n");
  EXPECT_EQ(files.count("out/main.py"), 0u);
  auto target =
      Build("FROM scratch AS build\nCOPY a.txt /\nFROM scratch\nCOPY b.txt /\n", "t2", "build");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(Files(*target).count("a.txt"), 1u);
  EXPECT_EQ(Files(*target).count("b.txt"), 0u);
}

TEST_F(BuilderTest, BaseImageMustBeInTheStore) {
  auto desc = Build("FROM alpine:3.19\n");
  ASSERT_FALSE(desc.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_NE(diagnostics_.items()[0].message.find("pull it first with sluice image pull"),
            std::string::npos);
  ASSERT_TRUE(Build("FROM scratch\nENV P=/x\nCOPY a.txt /\nCMD [\"old\"]\n", "base").ok());
  auto derived = Build("FROM base\nENV Q=$P/y\nCOPY b.txt /\nENTRYPOINT [\"e\"]\n", "derived");
  ASSERT_TRUE(derived.ok()) << derived.status().message();
  auto files = Files(*derived);
  EXPECT_EQ(files["a.txt"], "a\n");
  EXPECT_EQ(files["b.txt"], "b\n");
  auto config = layout_->ReadConfig(*layout_->ReadManifest(derived->digest));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->config.env, (std::vector<std::string>{"P=/x", "Q=/x/y"}));
  EXPECT_FALSE(config->config.cmd.has_value());  // an inherited CMD goes with a new ENTRYPOINT
  EXPECT_EQ(config->diff_ids.size(), 2u);
}

TEST_F(BuilderTest, AddExtractsALocalTarAndCopyDoesNot) {
  testing::Write(dir_->path() / "tree/pkg/data.txt", "inside\n");
  auto layer = BuildLayer(dir_->path() / "tree", {});
  ASSERT_TRUE(layer.ok());
  testing::Write(context_ / "pkg.tar.gz", layer->gzip);
  auto desc = Build("FROM scratch\nADD pkg.tar.gz /opt/\nCOPY pkg.tar.gz /raw/\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto files = Files(*desc);
  EXPECT_EQ(files["opt/pkg/data.txt"], "inside\n");
  EXPECT_EQ(files["raw/pkg.tar.gz"], layer->gzip);
}

TEST_F(BuilderTest, BadCopyFlagsAndDestinationsAreErrorsAtTheirLine) {
  EXPECT_FALSE(Build("FROM scratch\nCOPY --chown=app a.txt /\n").ok());
  EXPECT_FALSE(Build("FROM scratch\nCOPY --chmod=9z a.txt /\n").ok());
  EXPECT_FALSE(Build("FROM scratch\nCOPY a.txt b.txt /file\n").ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 2);
  EXPECT_NE(diagnostics_.items()[0].message.find("must end with '/'"), std::string::npos);
}

TEST_F(BuilderTest, BuildArgsAndPlatformArgsReachTheStage) {
  auto desc = Build("FROM scratch\nARG SRC=a.txt\nARG TARGETARCH\nCOPY ${SRC} /$TARGETARCH/\n", "t",
                    "", {{"SRC", "b.txt"}});
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto files = Files(*desc);
  EXPECT_EQ(files["amd64/b.txt"], "b\n");
  EXPECT_EQ(files.count("amd64/a.txt"), 0u);
}

TEST_F(BuilderTest, LayerEntriesAreSortedWithFixedMtimeAndNumericOwners) {
  auto desc = Build("FROM scratch\nCOPY --chown=10:20 --chmod=0750 app /app/\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message();
  auto manifest = layout_->ReadManifest(desc->digest);
  ASSERT_EQ(manifest->layers.size(), 1u);
  fs::path blob = layout_->BlobPath(manifest->layers[0].digest);
  auto run = testing::RunRequiredTool(
      {"env", "TZ=UTC", "tar", "--numeric-owner", "--full-time", "-tvzf", blob.string()}, "tar");
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->exit_code, 0) << run->output;
  EXPECT_NE(run->output.find("-rwxr-x--- 10/20"), std::string::npos) << run->output;
  EXPECT_NE(run->output.find("2023-11-14 22:13:20 app/main.py"), std::string::npos) << run->output;
  EXPECT_LT(run->output.find("app/lib/util.py"), run->output.find("app/main.py"));
}

TEST_F(BuilderTest, UmociUnpacksTheBuiltImage) {
  ASSERT_TRUE(Build("FROM scratch\nCOPY app /srv/\n", "built").ok());
  fs::path bundle = dir_->path() / "bundle";
  auto run = testing::RunRequiredTool({"umoci", "unpack", "--rootless", "--image",
                                       layout_->dir().string() + ":built", bundle.string()},
                                      "umoci");
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->exit_code, 0) << run->output;
  EXPECT_EQ(*ReadFile(bundle / "rootfs/srv/lib/util.py"), "x = 1\n");
}

TEST_F(BuilderTest, UnresolvableStageIsReportedNotAsAMissingBase) {
  auto desc = Build("ARG B=scratch\nFROM $B\nWORKDIR ${X:?set X}\n");
  ASSERT_FALSE(desc.ok());
  ASSERT_GE(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 3);
  EXPECT_EQ(diagnostics_.items()[0].message.find("pull it first"), std::string::npos);
}

TEST_F(BuilderTest, SkopeoReadsTheBuiltImage) {
  ASSERT_TRUE(Build("FROM scratch\nCOPY a.txt /\nLABEL k=v\n", "built").ok());
  auto run = testing::RunRequiredTool(
      {"skopeo", "inspect", "oci:" + layout_->dir().string() + ":built"}, "skopeo");
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_NE(run->output.find("\"k\": \"v\""), std::string::npos) << run->output;
}

TEST_F(BuilderTest, RebuildHitsTheCacheAndAContextChangeRerunsFromThatCopy) {
  std::string dockerfile = "FROM scratch\nCOPY a.txt /\nENV X=1\nCOPY b.txt /\nCOPY app /app/\n";
  auto first = Build(dockerfile);
  ASSERT_TRUE(first.ok()) << first.status().message() << Messages();
  EXPECT_EQ(LogCount("(cached)"), 0);
  EXPECT_EQ(LogCount("STEP 1/5: FROM scratch"), 1) << ::testing::PrintToString(log_);
  auto second = Build(dockerfile);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(LogCount("(cached)"), 3) << ::testing::PrintToString(log_);
  EXPECT_EQ(LogCount("STEP 4/5: COPY b.txt / (cached)"), 1) << ::testing::PrintToString(log_);
  EXPECT_EQ(first->digest, second->digest);

  testing::Write(context_ / "b.txt", "changed\n");
  auto third = Build(dockerfile);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(LogCount("(cached)"), 1) << ::testing::PrintToString(log_);
  EXPECT_EQ(LogCount("COPY a.txt / (cached)"), 1);
  EXPECT_NE(first->digest, third->digest);
  EXPECT_EQ(Files(*third)["b.txt"], "changed\n");
  // --no-cache runs every step and still gives the same image.
  auto uncached = Build(dockerfile, "t", "", {}, /*no_cache=*/true);
  ASSERT_TRUE(uncached.ok());
  EXPECT_EQ(LogCount("(cached)"), 0);
  EXPECT_EQ(uncached->digest, third->digest);
}

// Cached layers are unpacked only when a later step reads the stage's
// filesystem; these steps must still see them: WORKDIR of a directory a
// cached COPY made (no new layer), a COPY into it, a stage built FROM the
// stage and a COPY --from it.
TEST_F(BuilderTest, StepsAfterCachedLayersSeeTheirFiles) {
  std::string dockerfile =
      "FROM scratch AS base\nCOPY app /srv/\nWORKDIR /srv\nCOPY a.txt lib/\n"
      "FROM base\nCOPY --from=base /srv/main.py /copied.py\n";
  auto first = Build(dockerfile);
  ASSERT_TRUE(first.ok()) << first.status().message() << Messages();
  testing::Write(context_ / "a.txt", "changed\n");  // the cache misses from this COPY on
  auto second = Build(dockerfile);
  ASSERT_TRUE(second.ok()) << second.status().message() << Messages();
  EXPECT_EQ(LogCount("COPY app /srv/ (cached)"), 1) << ::testing::PrintToString(log_);
  auto files = Files(*second);
  EXPECT_EQ(files["srv/main.py"], "print(1)\n");
  EXPECT_EQ(files["srv/lib/a.txt"], "changed\n");
  EXPECT_EQ(files["copied.py"], "print(1)\n");
  auto manifest = layout_->ReadManifest(second->digest);
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->layers.size(), 3u);  // the WORKDIR found /srv: no layer of its own
}

TEST_F(BuilderTest, ChmodOfAContextFileMissesTheCache) {
  std::string dockerfile = "FROM scratch\nCOPY app /app/\n";
  ASSERT_TRUE(Build(dockerfile).ok());
  fs::permissions(context_ / "app/main.py", fs::perms(0755));
  ASSERT_TRUE(Build(dockerfile).ok());
  EXPECT_EQ(LogCount("(cached)"), 0);
}

TEST_F(BuilderTest, ChownNamesComeFromTheImagesPasswdAndGroup) {
  testing::Write(context_ / "passwd", "root:x:0:0::/root:/bin/sh\napp:x:1001:1002::/home/app:\n");
  testing::Write(context_ / "group", "root:x:0:\nstaff:x:50:\n");
  std::string base = "FROM scratch\nCOPY passwd group /etc/\n";
  for (const auto& [chown, owner] : std::vector<std::pair<std::string, std::string>>{
           {"app", "1001/1002"}, {"app:staff", "1001/50"}, {"7", "7/7"}, {"app:9", "1001/9"}}) {
    auto desc = Build(base + "COPY --chown=" + chown + " a.txt /\n");
    ASSERT_TRUE(desc.ok()) << chown << Messages();
    auto manifest = layout_->ReadManifest(desc->digest);
    auto tar = Gunzip(*layout_->ReadBlob(manifest->layers.back().digest));
    ASSERT_TRUE(tar.ok());
    auto entries = ParseTar(*tar);
    ASSERT_TRUE(entries.ok() && entries->size() == 1);
    EXPECT_EQ(std::to_string((*entries)[0].uid) + "/" + std::to_string((*entries)[0].gid), owner)
        << chown;
  }
  auto missing = Build(base + "COPY --chown=ghost a.txt /\n");
  ASSERT_FALSE(missing.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 3);
  EXPECT_NE(
      diagnostics_.items()[0].message.find("user \"ghost\" is not in the image's /etc/passwd"),
      std::string::npos)
      << diagnostics_.items()[0].message;
  auto no_group = Build(base + "COPY --chown=app:wheel a.txt /\n");
  ASSERT_FALSE(no_group.ok());
  EXPECT_NE(diagnostics_.items()[0].message.find("group \"wheel\""), std::string::npos);
}

TEST_F(BuilderTest, HealthcheckGoesIntoTheConfig) {
  auto desc = Build(
      "FROM scratch\nHEALTHCHECK --interval=30s --timeout=1m --retries=2 CMD [\"/probe\", "
      "\"-q\"]\n",
      "checked");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  auto manifest = layout_->ReadManifest(desc->digest);
  auto json = layout_->ReadBlob(manifest->config.digest);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"Healthcheck\":{\"Interval\":30000000000,\"Retries\":2,"
                       "\"Test\":[\"CMD\",\"/probe\",\"-q\"],\"Timeout\":60000000000}"),
            std::string::npos)
      << *json;
  auto disabled = Build("FROM checked\nHEALTHCHECK NONE\n");
  ASSERT_TRUE(disabled.ok());
  auto config = layout_->ReadConfig(*layout_->ReadManifest(disabled->digest));
  ASSERT_TRUE(config.ok() && config->config.healthcheck.has_value());
  EXPECT_EQ(config->config.healthcheck->test, (std::vector<std::string>{"NONE"}));
  EXPECT_FALSE(Build("FROM scratch\nHEALTHCHECK --interval=often CMD true\n").ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 2);
}

TEST_F(BuilderTest, CopyFromAnImageInTheStore) {
  ASSERT_TRUE(Build("FROM scratch\nCOPY a.txt /from-image.txt\n", "other:1").ok());
  auto desc = Build("FROM scratch\nCOPY --from=other:1 /from-image.txt /copied\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  EXPECT_EQ(Files(*desc)["copied"], "a\n");
  auto missing = Build("FROM scratch\nCOPY --from=nowhere:2 /x /x\n");
  ASSERT_FALSE(missing.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_NE(diagnostics_.items()[0].message.find("pull it first with sluice image pull"),
            std::string::npos);
}

// "FROM name" means name:latest, as Docker reads it; the manifest names the
// base (OCI's base.name and base.digest annotations) for scanners.
TEST_F(BuilderTest, FromAnUntaggedNameIsLatestAndTheManifestNamesTheBase) {
  auto base = Build("FROM scratch\nCOPY a.txt /a.txt\n", "base:latest");
  ASSERT_TRUE(base.ok()) << base.status().message() << Messages();
  auto desc = Build("FROM base\nCOPY b.txt /b.txt\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  EXPECT_EQ(Files(*desc)["a.txt"], "a\n");
  auto manifest = layout_->ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->annotations[std::string(kAnnotationBaseName)], "base");
  EXPECT_EQ(manifest->annotations[std::string(kAnnotationBaseDigest)], base->digest.str());
  // Through an earlier stage too; FROM scratch names no base.
  auto staged = Build("FROM base:latest AS one\nFROM one\nCOPY b.txt /b.txt\n");
  ASSERT_TRUE(staged.ok()) << staged.status().message() << Messages();
  EXPECT_EQ(layout_->ReadManifest(staged->digest)->annotations[std::string(kAnnotationBaseName)],
            "base:latest");
  EXPECT_TRUE(layout_->ReadManifest(base->digest)->annotations.empty());
}

// A COPY asks whether its destination is a directory; when earlier COPYs of
// the same build made it, the answer comes from their layers' tars, not
// from an unpacked filesystem.
TEST_F(BuilderTest, CopyIntoADirectoryAnEarlierCopyMadeGoesInside) {
  auto desc = Build(
      "FROM scratch\n"
      "COPY app/ /opt/\n"
      "COPY a.txt /opt\n"
      "COPY b.txt /opt/lib\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  auto files = Files(*desc);
  EXPECT_EQ(files["opt"], "dir");
  EXPECT_EQ(files["opt/a.txt"], "a\n") << ::testing::PrintToString(files);
  EXPECT_EQ(files["opt/main.py"], "print(1)\n");
  EXPECT_EQ(files["opt/lib"], "dir");  // only the files under it were in a tar's names
  EXPECT_EQ(files["opt/lib/b.txt"], "b\n") << ::testing::PrintToString(files);
  EXPECT_EQ(files["opt/lib/util.py"], "x = 1\n");
  auto manifest = layout_->ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->layers.size(), 3u);
  auto tar = Gunzip(*layout_->ReadBlob(manifest->layers[1].digest));
  ASSERT_TRUE(tar.ok());
  auto entries = ParseTar(*tar);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> names;
  for (const TarEntry& e : *entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"opt/", "opt/a.txt"}));
}

TEST_F(BuilderTest, CopyOfAFileOverAFileAnEarlierCopyMadeReplacesIt) {
  auto desc = Build("FROM scratch\nCOPY a.txt /x\nCOPY b.txt /x\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  auto files = Files(*desc);
  EXPECT_EQ(files["x"], "b\n") << ::testing::PrintToString(files);
  EXPECT_EQ(files.count("x/b.txt"), 0u);
  // The same for a file deep in a directory an earlier COPY made.
  auto nested = Build("FROM scratch\nCOPY a.txt /y\nCOPY app/ /z/\nCOPY b.txt /z/lib/util.py\n");
  ASSERT_TRUE(nested.ok()) << nested.status().message() << Messages();
  EXPECT_EQ(Files(*nested)["z/lib/util.py"], "b\n");
}

// The same question when the earlier COPY came from the cache (its tar is
// not at hand): the stage's filesystem answers.
TEST_F(BuilderTest, CopyIntoADirectoryACachedCopyMadeGoesInside) {
  std::string dockerfile = "FROM scratch\nCOPY app/ /opt/\nCOPY a.txt /opt\n";
  ASSERT_TRUE(Build(dockerfile).ok()) << Messages();
  testing::Write(context_ / "a.txt", "changed\n");
  auto desc = Build(dockerfile);
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  EXPECT_EQ(LogCount("COPY app/ /opt/ (cached)"), 1) << ::testing::PrintToString(log_);
  auto files = Files(*desc);
  EXPECT_EQ(files["opt/a.txt"], "changed\n") << ::testing::PrintToString(files);
  EXPECT_EQ(files["opt/main.py"], "print(1)\n");
}

TEST_F(BuilderTest, WorkdirCreatesTheDirectoryInALayer) {
  auto desc = Build("FROM scratch\nWORKDIR /srv/app\nWORKDIR /srv\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  EXPECT_EQ(Files(*desc)["srv/app"], "dir");
  auto config = layout_->ReadConfig(*layout_->ReadManifest(desc->digest));
  ASSERT_EQ(config->history.size(), 2u);
  EXPECT_FALSE(config->history[0].empty_layer);
  EXPECT_TRUE(config->history[1].empty_layer);  // /srv was there already
  EXPECT_EQ(config->diff_ids.size(), 1u);
}

}  // namespace
}  // namespace sluice::oci
