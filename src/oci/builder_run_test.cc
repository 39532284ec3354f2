#include "oci/builder_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "common/files.h"
#include "oci/builder_test_util.h"
#include "oci/tar_format.h"
#include "oci/test_tools.h"
#include "runner/overlay.h"
#include "runner/process.h"

namespace sluice::oci {
namespace {
namespace fs = std::filesystem;

// RUN needs bubblewrap; capturing through an overlay needs root.
#define SKIP_WITHOUT_SANDBOX()      \
  if (runner::SandboxAvailable()) { \
  } else                            \
    GTEST_SKIP() << "bubblewrap cannot create a sandbox here"

constexpr char kBusyboxBase[] =
    "FROM scratch\n"
    "COPY busybox /bin/busybox\n"
    "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";

class BuilderRunTest : public testing::BuilderFixture {
 protected:
  void SetUp() override {
    BuilderFixture::SetUp();
    ASSERT_TRUE(fs::exists("/bin/busybox")) << testing::MissingTool("busybox", "busybox-static");
    fs::copy_file("/bin/busybox", context_ / "busybox");
  }

  // The entry names of the image's last layer.
  std::vector<std::string> LastLayerNames(const Descriptor& desc) {
    auto manifest = layout_->ReadManifest(desc.digest);
    EXPECT_TRUE(manifest.ok());
    auto tar = Gunzip(*layout_->ReadBlob(manifest->layers.back().digest));
    EXPECT_TRUE(tar.ok());
    auto entries = ParseTar(*tar);
    EXPECT_TRUE(entries.ok());
    std::vector<std::string> names;
    for (const auto& e : *entries) names.push_back(e.name);
    return names;
  }
};

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_F(BuilderRunTest, RunChangesBecomeALayerWithWhiteouts) {
  SKIP_WITHOUT_SANDBOX();
  auto desc = Build(std::string(kBusyboxBase) +
                    "COPY a.txt /etc/a\n"
                    "COPY app /data/old/\n"
                    "COPY app /data2/\n"
                    "RUN echo new > /new.txt && echo more >> /etc/a && rm -rf /data/old && "
                    "rm -rf /data2 && mkdir /data2 && echo n > /data2/n\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  auto names = LastLayerNames(*desc);
  EXPECT_TRUE(Has(names, "new.txt")) << ::testing::PrintToString(names);
  EXPECT_TRUE(Has(names, "etc/a"));
  EXPECT_TRUE(Has(names, "data/.wh.old"));
  EXPECT_TRUE(Has(names, "data2/n"));
  if (runner::OverlayAvailable()) {
    EXPECT_TRUE(Has(names, "data2/.wh..wh..opq"));
  }
  // bubblewrap's mount points are not part of the image.
  EXPECT_FALSE(Has(names, "proc/"));
  EXPECT_FALSE(Has(names, "dev/"));

  auto files = Files(*desc);
  EXPECT_EQ(files["new.txt"], "new\n");
  EXPECT_EQ(files["etc/a"], "a\nmore\n");
  EXPECT_EQ(files.count("data/old"), 0u);
  EXPECT_EQ(files.count("data2/main.py"), 0u);
  EXPECT_EQ(files["bin/sh"], "-> /bin/busybox");

  // umoci, an independent reader, unpacks the same tree.
  ASSERT_TRUE(layout_->Tag("run", *desc).ok());
  fs::path bundle = dir_->path() / "bundle";
  std::vector<std::string> argv = {"umoci", "unpack", "--image", layout_->dir().string() + ":run",
                                   bundle.string()};
  if (::geteuid() != 0) argv.insert(argv.begin() + 2, "--rootless");
  auto run = testing::RunRequiredTool(argv, "umoci");
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->exit_code, 0) << run->output;
  EXPECT_EQ(testing::Tree(bundle / "rootfs"), files);
}

TEST_F(BuilderRunTest, RunSeesEnvArgsAndWorkdirAndItsOutputIsLogged) {
  SKIP_WITHOUT_SANDBOX();
  auto desc = Build(std::string(kBusyboxBase) +
                        "ARG V=arg\n"
                        "ENV E=env\n"
                        "WORKDIR /w/here\n"
                        "RUN echo \"$V $E $PATH $(pwd)\" > out && echo to-the-log\n",
                    "t", "", {{"V", "given"}});
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  EXPECT_EQ(Files(*desc)["w/here/out"],
            "given env /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /w/here\n");
  EXPECT_TRUE(std::count(log_.begin(), log_.end(), "to-the-log") == 1)
      << ::testing::PrintToString(log_);
  auto config = layout_->ReadConfig(*layout_->ReadManifest(desc->digest));
  EXPECT_EQ(config->config.env, (std::vector<std::string>{"E=env"}));  // ARGs stay out
}

TEST_F(BuilderRunTest, RunAfterUserRunsAsThatUserAndOwnsWhatItMakes) {
  SKIP_WITHOUT_SANDBOX();
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  fs::create_directories(context_ / "etc");
  ASSERT_TRUE(WriteFileAtomic(context_ / "etc/passwd",
                              "root:x:0:0::/root:/bin/sh\nmodel:x:1000:1000::/home/model:/bin/sh\n")
                  .ok());
  ASSERT_TRUE(
      WriteFileAtomic(context_ / "etc/group", "root:x:0:\nmodel:x:1000:\nstaff:x:50:\n").ok());
  auto desc = Build(std::string(kBusyboxBase) +
                    "COPY etc /etc/\n"
                    "RUN mkdir -m 1777 /shared\n"
                    "USER model\n"
                    "RUN id -u > /shared/who && id -g >> /shared/who && "
                    "(touch /not-mine 2>/dev/null || echo denied >> /shared/who)\n"
                    "USER 1000:staff\n"
                    "RUN id -g > /shared/group\n");
  ASSERT_TRUE(desc.ok()) << desc.status().message() << Messages();
  auto files = Files(*desc);
  EXPECT_EQ(files["shared/who"], "1000\n1000\ndenied\n");
  EXPECT_EQ(files["shared/group"], "50\n");
  auto manifest = layout_->ReadManifest(desc->digest);
  ASSERT_TRUE(manifest.ok());
  auto tar = Gunzip(*layout_->ReadBlob(manifest->layers.back().digest));
  ASSERT_TRUE(tar.ok());
  auto entries = ParseTar(*tar);
  ASSERT_TRUE(entries.ok());
  auto group = std::find_if(entries->begin(), entries->end(),
                            [](const TarEntry& e) { return e.name == "shared/group"; });
  ASSERT_NE(group, entries->end());
  EXPECT_EQ(group->uid, 1000u);
  EXPECT_EQ(group->gid, 50u);
}

TEST_F(BuilderRunTest, UserMissingFromTheImageIsAnErrorAtTheRun) {
  SKIP_WITHOUT_SANDBOX();
  auto desc = Build(std::string(kBusyboxBase) + "USER ghost\nRUN true\n");
  ASSERT_FALSE(desc.ok());
  EXPECT_NE(Messages().find("USER ghost: user \"ghost\" is not in the image's /etc/passwd"),
            std::string::npos)
      << Messages();
}

TEST_F(BuilderRunTest, FailingRunIsAnErrorAtItsLine) {
  SKIP_WITHOUT_SANDBOX();
  auto desc = Build(std::string(kBusyboxBase) + "RUN true\nRUN exit 2\n");
  ASSERT_FALSE(desc.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 5);
  EXPECT_EQ(diagnostics_.items()[0].message,
            "RUN at Dockerfile:5 failed with exit code 2: /bin/sh -c exit 2");
  EXPECT_FALSE(layout_->Resolve("t").ok());
}

TEST_F(BuilderRunTest, ShellFormWithoutAShellSaysWhatToDo) {
  auto desc = Build("FROM scratch\nCOPY a.txt /\nRUN make\n");
  ASSERT_FALSE(desc.ok());
  ASSERT_EQ(diagnostics_.error_count(), 1);
  EXPECT_EQ(diagnostics_.items()[0].location.line, 3);
  EXPECT_EQ(diagnostics_.items()[0].message,
            "RUN: the image has no /bin/sh; use the exec form or a base image with a shell");
}

TEST_F(BuilderRunTest, SameRunGivesTheSameDigests) {
  SKIP_WITHOUT_SANDBOX();
  std::string dockerfile = std::string(kBusyboxBase) + "RUN mkdir -p /x && echo 1 > /x/f\n";
  auto first = Build(dockerfile, "one", "", {}, /*no_cache=*/true);
  ASSERT_TRUE(first.ok()) << first.status().message() << Messages();
  auto second = Build(dockerfile, "two", "", {}, /*no_cache=*/true);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->digest, second->digest);
}

TEST_F(BuilderRunTest, CachedRunDoesNotRunAgainUntilItsInputsChange) {
  SKIP_WITHOUT_SANDBOX();
  std::string dockerfile = std::string(kBusyboxBase) +
                           "ARG MSG=one\n"
                           "RUN echo ran-$MSG && echo $MSG > /msg\n"
                           "COPY a.txt /\n";
  auto first = Build(dockerfile);
  ASSERT_TRUE(first.ok()) << first.status().message() << Messages();
  EXPECT_EQ(std::count(log_.begin(), log_.end(), "ran-one"), 1);
  auto second = Build(dockerfile);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(std::count(log_.begin(), log_.end(), "ran-one"), 0);
  EXPECT_EQ(LogCount("(cached)"), 4) << ::testing::PrintToString(log_);
  EXPECT_EQ(first->digest, second->digest);
  // A build arg RUN sees is part of its key.
  auto other = Build(dockerfile, "t", "", {{"MSG", "two"}});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(std::count(log_.begin(), log_.end(), "ran-two"), 1);
  EXPECT_EQ(LogCount("(cached)"), 2);
  EXPECT_EQ(Files(*other)["msg"], "two\n");
}

// A rootfs with busybox and its applets, for RunInRootfs directly.
class RunInRootfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/bin/busybox")) << testing::MissingTool("busybox", "busybox-static");
    auto dir = TempDir::Create("run-rootfs-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
  }

  fs::path MakeRootfs(const std::string& name) {
    fs::path root = dir_->path() / name;
    fs::create_directories(root / "bin");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* applet : {"sh", "echo", "rm", "mkdir"}) {
      fs::create_symlink("/bin/busybox", root / "bin" / applet);
    }
    testing::Write(root / "etc/keep", "keep\n");
    testing::Write(root / "etc/old", "old\n");
    testing::Write(root / "var/x/y", "y\n");
    return root;
  }

  Result<RunOutcome> Run(const fs::path& root, RunCapture capture) {
    RunSpec spec;
    spec.argv = {"/bin/sh", "-c",
                 "echo new > /etc/new && echo changed > /etc/keep && rm /etc/old && rm -r /var/x"};
    spec.env = {{"PATH", "/bin"}};
    spec.epoch = 1700000000;
    spec.capture = capture;
    return RunInRootfs(root, spec);
  }

  std::unique_ptr<TempDir> dir_;
};

TEST_F(RunInRootfsTest, SnapshotAndOverlayCaptureTheSameLayer) {
  SKIP_WITHOUT_SANDBOX();
  if (!runner::OverlayAvailable()) GTEST_SKIP() << "overlay mounts need root";
  fs::path a = MakeRootfs("a"), b = MakeRootfs("b");
  auto overlay = Run(a, RunCapture::kOverlay);
  auto snapshot = Run(b, RunCapture::kSnapshot);
  ASSERT_TRUE(overlay.ok()) << overlay.status().message();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  ASSERT_TRUE(overlay->layer && snapshot->layer);
  auto tar = Gunzip(snapshot->layer->gzip);
  ASSERT_TRUE(tar.ok());
  auto entries = ParseTar(*tar);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"etc/", "etc/.wh.old", "etc/keep", "etc/new", "var/",
                                             "var/.wh.x"}));
  EXPECT_EQ(overlay->layer->diff_id, snapshot->layer->diff_id);
  // Both roots now hold the result, without bubblewrap's mount points.
  EXPECT_EQ(testing::Tree(a), testing::Tree(b));
  EXPECT_FALSE(fs::exists(b / "proc"));
  EXPECT_EQ(*ReadFile(a / "etc/keep"), "changed\n");
}

TEST_F(RunInRootfsTest, FailedCommandGivesNoLayerAndLeavesTheOverlayRootAlone) {
  SKIP_WITHOUT_SANDBOX();
  if (!runner::OverlayAvailable()) GTEST_SKIP() << "overlay mounts need root";
  fs::path a = MakeRootfs("a");
  RunSpec spec;
  spec.argv = {"/bin/sh", "-c", "rm /etc/keep; exit 7"};
  spec.env = {{"PATH", "/bin"}};
  spec.capture = RunCapture::kOverlay;
  auto outcome = RunInRootfs(a, spec);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(outcome->process.exit_code, 7);
  EXPECT_FALSE(outcome->layer.has_value());
  EXPECT_TRUE(fs::exists(a / "etc/keep"));
}

TEST_F(RunInRootfsTest, CancelledRunIsAbortedAndMakesNoLayer) {
  SKIP_WITHOUT_SANDBOX();
  fs::path a = MakeRootfs("a");
  Cancellation cancel;
  cancel.Cancel();
  RunSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo x > /etc/new"};
  spec.env = {{"PATH", "/bin"}};
  spec.cancel = &cancel;
  auto outcome = RunInRootfs(a, spec);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), StatusCode::kAborted);
  EXPECT_FALSE(fs::exists(a / "etc/new"));
}

TEST_F(RunInRootfsTest, ProgramsAreLookedUpInsideTheRoot) {
  fs::path a = MakeRootfs("a");
  EXPECT_TRUE(ProgramInRoot(a, "sh", "/usr/bin:/bin"));
  EXPECT_TRUE(ProgramInRoot(a, "/bin/sh", ""));
  EXPECT_FALSE(ProgramInRoot(a, "bash", "/usr/bin:/bin"));
  // An absolute symlink is resolved in the root, not on the host.
  fs::create_symlink("/usr/bin/env", a / "bin/hostenv");
  EXPECT_FALSE(ProgramInRoot(a, "/bin/hostenv", ""));
}

}  // namespace
}  // namespace sluice::oci
