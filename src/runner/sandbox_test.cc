#include "runner/sandbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/files.h"
#include "common/ids.h"
#include "runner/test_util.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

bool Contains(const std::vector<std::string>& args, const std::vector<std::string>& seq) {
  return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
}

TEST(SandboxArgvTest, BindsTheHostRootWhenTargetsExist) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  ProcessSpec spec;
  spec.mounts = {{dir->path().string(), "/tmp", false}, {dir->path().string(), "/usr", true}};
  spec.working_dir = "/tmp";
  auto args = SandboxArgv("/usr/bin/bwrap", spec, {"sh", "-c", "true"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_TRUE(Contains(*args, {"/usr/bin/bwrap", "--dev-bind", "/", "/"}));
  EXPECT_TRUE(Contains(*args, {"--bind", dir->path().string(), "/tmp"}));
  EXPECT_TRUE(Contains(*args, {"--ro-bind", dir->path().string(), "/usr"}));
  EXPECT_TRUE(Contains(
      *args, {"--unshare-pid", "--die-with-parent", "--chdir", "/tmp", "--", "sh", "-c", "true"}));
}

TEST(SandboxArgvTest, RebuildsTheRootForAMissingTarget) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  std::string target = "/sluice-missing-" + RandomHex(6);
  ProcessSpec spec;
  spec.mounts = {{dir->path().string(), target, false}};
  auto args = SandboxArgv("bwrap", spec, {"true"});
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_FALSE(Contains(*args, {"--dev-bind", "/", "/"}));
  EXPECT_TRUE(Contains(*args, {"--dev-bind-try", "/usr", "/usr"}));
  EXPECT_TRUE(Contains(*args, {"--bind", dir->path().string(), target}));
}

TEST(SandboxArgvTest, CreatesMissingSourcesAndRejectsRelativeTargets) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  ProcessSpec spec;
  spec.mounts = {{(dir->path() / "a/b").string(), "/tmp", false}};
  ASSERT_TRUE(SandboxArgv("bwrap", spec, {"true"}).ok());
  EXPECT_TRUE(fs::is_directory(dir->path() / "a/b"));

  spec.mounts = {{dir->path().string(), "relative", false}};
  auto args = SandboxArgv("bwrap", spec, {"true"});
  EXPECT_EQ(args.status().code(), StatusCode::kInvalidArgument);
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SandboxAvailable()) GTEST_SKIP() << "bubblewrap cannot create namespaces here";
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    host_dir_.emplace(std::move(*dir));
  }

  ProcessResult Run(ProcessSpec spec) {
    spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    auto r = runner_.Run(spec, sink_, never_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ProcessResult{};
  }

  std::optional<TempDir> host_dir_;
  LocalProcessRunner runner_;
  RecordingSink sink_;
  Cancellation never_;
};

TEST_F(SandboxTest, WorkspaceMountedAtPathMissingOnHost) {
  // Like /harness on a machine that has no /harness.
  std::string target = "/sluice-ws-" + RandomHex(6);
  ASSERT_FALSE(fs::exists(target));
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "pwd; echo hello > made-inside; ls /usr/bin/sh"};
  spec.mounts = {{host_dir_->path().string(), target, false}};
  spec.working_dir = target;
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre(target, "/usr/bin/sh"));
  auto content = ReadFile(host_dir_->path() / "made-inside");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello\n");
  EXPECT_FALSE(fs::exists(target)) << "the mount point leaked onto the host";
}

TEST_F(SandboxTest, RootDirReplacesTheHostRoot) {
  // A one-binary "image": busybox-static as /bin/sh.
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "busybox-static is not installed";
  auto root = TempDir::Create();
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(MakeDirs(root->path() / "bin").ok());
  fs::copy_file("/bin/busybox", root->path() / "bin/busybox");
  fs::create_symlink("busybox", root->path() / "bin/sh");
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo made > /harness/x; cat /etc/os-release 2>&1 | head -c 0; "
                           "ls /; test -d /proc/self && echo proc"};
  spec.root_dir = root->path().string();
  spec.mounts = {{host_dir_->path().string(), "/harness", false}};
  spec.working_dir = "/harness";
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre("bin", "dev", "harness", "proc", "proc"));
  auto content = ReadFile(host_dir_->path() / "x");
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "made\n");
}

TEST_F(SandboxTest, AReadOnlyRootHasOnlyATmpfsToWriteAndNeedsNoTmpInTheImage) {
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "busybox-static is not installed";
  auto root = TempDir::Create();
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(MakeDirs(root->path() / "bin").ok());
  ASSERT_TRUE(MakeDirs(root->path() / "model").ok());
  ASSERT_TRUE(WriteFileAtomic(root->path() / "model/m.json", "{}\n").ok());
  fs::copy_file("/bin/busybox", root->path() / "bin/busybox");
  fs::create_symlink("busybox", root->path() / "bin/sh");
  fs::create_symlink("model", root->path() / "m");
  ProcessSpec spec;
  spec.argv = {"sh", "-c",
               "cat /m/m.json; echo t > /tmp/t && cat /tmp/t; "
               "echo x > /model/x 2>/dev/null || echo model read-only; "
               "echo x > /new 2>/dev/null || echo root read-only; ls /"};
  spec.root_dir = root->path().string();
  spec.read_only_root = true;
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre("{}", "t", "model read-only", "root read-only", "bin",
                                          "dev", "m", "model", "proc", "tmp"));
  EXPECT_FALSE(fs::exists(root->path() / "tmp")) << "nothing is created in the shared root";
  EXPECT_FALSE(fs::exists(root->path() / "model/x"));
}

TEST_F(SandboxTest, RootDirCommandRunsAsTheGivenUser) {
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "busybox-static is not installed";
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  auto root = TempDir::Create();
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(MakeDirs(root->path() / "bin").ok());
  ASSERT_TRUE(MakeDirs(root->path() / "owned-by-root").ok());
  fs::copy_file("/bin/busybox", root->path() / "bin/busybox");
  fs::create_symlink("busybox", root->path() / "bin/sh");
  fs::permissions(root->path(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "/bin/busybox id -u; /bin/busybox id -g; "
                           "/bin/busybox touch /owned-by-root/x 2>/dev/null || echo denied"};
  spec.root_dir = root->path().string();
  spec.user = ProcessSpec::User{1000, 1001};
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre("1000", "1001", "denied"));
  EXPECT_FALSE(fs::exists(root->path() / "dev/.sluice-run-as"))
      << "the helper is bound on bubblewrap's /dev, not created in the image's root";
}

TEST_F(SandboxTest, MissingTargetBelowAHostDirectoryKeepsItsContent) {
  // Target under the host's existing dir: its other entries stay visible.
  auto parent = TempDir::Create();
  ASSERT_TRUE(parent.ok());
  ASSERT_TRUE(WriteFileAtomic(parent->path() / "host-file", "from host\n").ok());
  std::string target = (parent->path() / "nested/ws").string();
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "cat ../../host-file; echo x > f; echo y > ../../written-from-sandbox"};
  spec.mounts = {{host_dir_->path().string(), target, false}};
  spec.working_dir = target;
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0) << sink_.All();
  EXPECT_THAT(sink_.Stdout(), ElementsAre("from host"));
  EXPECT_TRUE(fs::exists(host_dir_->path() / "f"));
  EXPECT_FALSE(fs::exists(parent->path() / "nested"));
  // Documented limitation: new entries directly in a rebuilt directory stay
  // in the sandbox.
  EXPECT_FALSE(fs::exists(parent->path() / "written-from-sandbox"));
}

TEST_F(SandboxTest, ExistingTargetIsShadowedByTheMount) {
  auto shadowed = TempDir::Create();
  ASSERT_TRUE(shadowed.ok());
  ASSERT_TRUE(WriteFileAtomic(shadowed->path() / "hidden", "x").ok());
  ASSERT_TRUE(WriteFileAtomic(host_dir_->path() / "visible", "x").ok());
  ProcessSpec spec;
  spec.argv = {"ls"};
  spec.mounts = {{host_dir_->path().string(), shadowed->path().string(), false}};
  spec.working_dir = shadowed->path().string();
  Run(spec);
  EXPECT_THAT(sink_.Stdout(), ElementsAre("visible"));
}

TEST_F(SandboxTest, ReadOnlyMountRejectsWrites) {
  std::string target = "/sluice-ro-" + RandomHex(6);
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "touch " + target + "/f"};
  spec.mounts = {{host_dir_->path().string(), target, true}};
  ProcessResult r = Run(spec);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(fs::exists(host_dir_->path() / "f"));
}

TEST_F(SandboxTest, ProcessThatLeftTheGroupDiesWithTheSandbox) {
  std::string marker = UniqueSleepArg();
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "setsid sleep " + marker + " > /dev/null 2>&1 &\necho done"};
  spec.mounts = {{host_dir_->path().string(), host_dir_->path().string(), false}};
  ProcessResult r = Run(spec);
  EXPECT_EQ(r.exit_code, 0);
  auto survivors = SurvivorsAfter(marker);
  EXPECT_THAT(survivors, IsEmpty());
  for (int pid : survivors) ::kill(pid, SIGKILL);
}

TEST_F(SandboxTest, TimeoutKillsTheSandbox) {
  std::string marker = UniqueSleepArg();
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "sleep " + marker + " &\nsleep " + marker};
  spec.mounts = {{host_dir_->path().string(), host_dir_->path().string(), false}};
  spec.timeout = Millis(200);
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = Run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  EXPECT_THAT(SurvivorsAfter(marker), IsEmpty());
}

TEST_F(SandboxTest, MissingExecutableIsIoError) {
  ProcessSpec spec;
  spec.argv = {"no-such-program-xyz"};
  spec.mounts = {{host_dir_->path().string(), "/tmp", false}};
  auto r = runner_.Run(spec, sink_, never_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("no-such-program-xyz"));
}

}  // namespace
}  // namespace sluice::runner
