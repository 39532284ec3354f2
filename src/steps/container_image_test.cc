// Run steps in container images: the pull policies against a real
// docker-registry, the shell check inside an image root, the environment,
// and a script run by bubblewrap in an overlay over a busybox image built
// with oci::BuildImage (FROM scratch, COPY of Debian's busybox-static).
#include "steps/container_image.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"
#include "oci/builder.h"
#include "oci/registry_http.h"
#include "oci/registry_test_util.h"
#include "oci/rootfs_cache.h"
#include "oci/transfer.h"
#include "runner/script.h"
#include "runner/test_util.h"

namespace sluice::steps {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBusybox = "/bin/busybox";

// Builds a busybox image tagged `tag` in `layout`: /bin/busybox with
// /bin/sh and a few applets as symlinks to it, ENV GREETING=`greeting`.
Result<oci::Descriptor> BuildBusyboxImage(const oci::ImageLayout& layout, const std::string& tag,
                                          const std::string& greeting) {
  if (!fs::exists(kBusybox)) {
    return Status::NotFound("/bin/busybox is missing: install Debian's busybox-static");
  }
  SLUICE_ASSIGN_OR_RETURN(TempDir context, TempDir::Create("busybox-ctx-"));
  fs::path bin = context.path() / "root" / "bin";
  fs::create_directories(bin);
  fs::copy_file(kBusybox, bin / "busybox");
  for (const char* applet : {"sh", "base64", "cat", "mkdir", "ls", "test", "rm", "touch"}) {
    fs::create_symlink("busybox", bin / applet);
  }
  std::ofstream(context.path() / "Dockerfile")
      << "FROM scratch\nCOPY root/ /\nENV GREETING=" << greeting << " PATH=/bin\nUSER 1000\n";
  oci::BuildRequest request;
  request.dockerfile = context.path() / "Dockerfile";
  request.context = context.path();
  request.tag = tag;
  DiagnosticList diagnostics;
  auto built = oci::BuildImage(request, layout, diagnostics);
  if (!built.ok()) return Status(built.status().code(), built.status().message());
  return *built;
}

class ContainerImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("container-image-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto store = oci::ImageLayout::Open(dir_->path() / "images");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::make_unique<oci::ImageLayout>(std::move(*store));
  }

  LogFn Log() {
    return [this](std::string_view line) { log_ += std::string(line) + "\n"; };
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<oci::ImageLayout> store_;
  std::string log_;
};

TEST(PullPolicyTest, ParsesHarnessValues) {
  EXPECT_EQ(*ParsePullPolicy(""), PullPolicy::kIfNotPresent);
  EXPECT_EQ(*ParsePullPolicy("IfNotPresent"), PullPolicy::kIfNotPresent);
  EXPECT_EQ(*ParsePullPolicy("Always"), PullPolicy::kAlways);
  EXPECT_EQ(*ParsePullPolicy("never"), PullPolicy::kNever);
  EXPECT_EQ(
      ParsePullPolicy("Sometimes").status().message(),
      "spec.imagePullPolicy \"Sometimes\" is not supported (use Always, IfNotPresent or Never)");
}

TEST(StepEnvironmentInImageTest, ImageEnvThenContextThenStep) {
  oci::ContainerConfig image;
  image.env = {"PATH=/opt/bin:/bin", "GREETING=image", "MODE=image"};
  std::map<std::string, std::string> context = {
      {"PATH", "/host/bin"}, {"HOME", "/home/me"}, {"HARNESS_STAGE_ID", "Test"}, {"MODE", "ctx"}};
  auto env = StepEnvironmentInImage(image, context, {{"GREETING", "step"}});
  EXPECT_EQ(env["PATH"], "/opt/bin:/bin");
  EXPECT_EQ(env.count("HOME"), 0u);
  EXPECT_EQ(env["HARNESS_STAGE_ID"], "Test");
  EXPECT_EQ(env["MODE"], "ctx");
  EXPECT_EQ(env["GREETING"], "step");

  auto no_path = StepEnvironmentInImage({}, context, {});
  EXPECT_EQ(no_path["PATH"], "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  EXPECT_EQ(StepEnvironmentInImage(image, context, {{"PATH", "/x"}})["PATH"], "/x");
}

TEST_F(ContainerImageTest, ShellIsLookedUpInsideTheImageRoot) {
  fs::path root = dir_->path() / "root";
  fs::create_directories(root / "bin");
  fs::create_directories(root / "usr" / "bin");
  std::ofstream(root / "usr" / "bin" / "busybox") << "x";
  fs::permissions(root / "usr" / "bin" / "busybox", fs::perms::owner_all);
  // Absolute links resolve against the image root, not the host.
  fs::create_symlink("/usr/bin/busybox", root / "bin" / "sh");
  // A link climbing out of the root stops at it: the host's bash does not count.
  fs::create_symlink("../../../../../../../bin/bash", root / "bin" / "bash");
  EXPECT_TRUE(CheckShellInImage(root, "tools:1", runner::Shell::kSh).ok());
  Status bash = CheckShellInImage(root, "tools:1", runner::Shell::kBash);
  EXPECT_EQ(bash.message(),
            "image tools:1 has no /bin/bash, which shell: Bash needs; use shell: Sh or an image "
            "that has bash");
  fs::remove(root / "bin" / "sh");
  fs::create_symlink("sh", root / "bin" / "sh");  // a loop
  EXPECT_FALSE(CheckShellInImage(root, "tools:1", runner::Shell::kSh).ok());
}

TEST_F(ContainerImageTest, LocalStoreImageIsUsedOrNamedWhenMissing) {
  auto built = BuildBusyboxImage(*store_, "busybox:1", "hello");
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ImageLocation where;
  where.display = "busybox:1";
  where.local_store = true;
  auto local = EnsureLocalImage(where, PullPolicy::kAlways, *store_, Log());
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->manifest.digest, built->digest);
  EXPECT_FALSE(local->pulled);
  EXPECT_NE(log_.find("image busybox:1 (" + built->digest.str() + ") from the local image store"),
            std::string::npos)
      << log_;

  where.display = "nothere:1";
  auto missing = EnsureLocalImage(where, PullPolicy::kIfNotPresent, *store_, Log());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("image nothere:1 is not in the local image store"),
            std::string::npos)
      << missing.status().message();
}

TEST_F(ContainerImageTest, PullPoliciesAgainstARealRegistry) {
  auto registry = oci::testing::TestRegistry::Start();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  // Two images pushed in turn under one remote tag.
  auto first = BuildBusyboxImage(*store_, "v1", "one");
  auto second = BuildBusyboxImage(*store_, "v2", "two");
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_NE(first->digest, second->digest);
  oci::RegistryClient client((*registry)->host(), {}, oci::NewCurlTransport());
  ASSERT_TRUE(oci::Push(*store_, "v1", client, "tools/busybox", "1").ok());

  ImageLocation where;
  where.display = (*registry)->host() + "/tools/busybox:1";
  auto ref = oci::ParseImageReference(where.display);
  ASSERT_TRUE(ref.ok());
  where.reference = *ref;

  auto never = EnsureLocalImage(where, PullPolicy::kNever, *store_, Log());
  EXPECT_EQ(never.status().code(), StatusCode::kNotFound);
  EXPECT_NE(never.status().message().find("imagePullPolicy is Never"), std::string::npos);

  auto pulled = EnsureLocalImage(where, PullPolicy::kIfNotPresent, *store_, Log());
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  EXPECT_TRUE(pulled->pulled);
  EXPECT_EQ(pulled->manifest.digest, first->digest);
  EXPECT_NE(log_.find("pulled from " + (*registry)->host()), std::string::npos) << log_;

  // The registry's tag moves on; IfNotPresent and Never keep the local one.
  ASSERT_TRUE(oci::Push(*store_, "v2", client, "tools/busybox", "1").ok());
  auto kept = EnsureLocalImage(where, PullPolicy::kIfNotPresent, *store_, Log());
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(kept->pulled);
  EXPECT_EQ(kept->manifest.digest, first->digest);
  EXPECT_EQ(EnsureLocalImage(where, PullPolicy::kNever, *store_, Log())->manifest.digest,
            first->digest);
  auto always = EnsureLocalImage(where, PullPolicy::kAlways, *store_, Log());
  ASSERT_TRUE(always.ok()) << always.status().ToString();
  EXPECT_TRUE(always->pulled);
  EXPECT_EQ(always->manifest.digest, second->digest);

  where.reference.repository = "tools/absent";
  auto absent = EnsureLocalImage(where, PullPolicy::kAlways, *store_, Log());
  EXPECT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().message().rfind("cannot pull image " + where.display + ": ", 0), 0u)
      << absent.status().message();
}

TEST_F(ContainerImageTest, ScriptRunsInAThrowawayViewOfTheImage) {
  if (!runner::SandboxAvailable()) GTEST_SKIP() << "bubblewrap cannot create a namespace here";
  auto built = BuildBusyboxImage(*store_, "busybox:1", "hello");
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  fs::path cache = dir_->path() / "rootfs";
  fs::path workspace = dir_->path() / "ws";
  fs::create_directories(workspace);

  auto run = [&](const std::string& name, const std::string& script,
                 bool overlay) -> runner::ScriptResult {
    auto root =
        ImageRoot::Prepare(*store_, *built, cache, dir_->path() / name / "image", Log(), overlay);
    EXPECT_TRUE(root.ok()) << root.status().ToString();
    if (!root.ok()) return {};
    runner::ScriptSpec spec;
    spec.script = script;
    spec.prefix = "set -xe";
    spec.env = StepEnvironmentInImage((*root)->config().config, {}, {});
    spec.scratch_dir = dir_->path() / name / "script";
    spec.working_dir = "/harness";
    spec.mounts = {{workspace.string(), "/harness", false}};
    spec.root_dir = (*root)->root().string();
    spec.output_variables = {"ANSWER"};
    runner::LocalProcessRunner processes;
    runner::RecordingSink sink;
    Cancellation never;
    auto result = runner::RunScript(spec, processes, sink, never);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return {};
    EXPECT_EQ(result->process.exit_code, 0) << sink.All();
    return *result;
  };

  auto first = run("one",
                   "echo $GREETING > greeting; mkdir -p /usr/share/x; touch /usr/share/x/f\n"
                   "echo EXTRA=1 >> $DRONE_OUTPUT; ANSWER=42",
                   true);
  auto greeting = ReadFile(workspace / "greeting");
  EXPECT_EQ(greeting.ok() ? *greeting : "", "hello\n");
  EXPECT_EQ(first.outputs["ANSWER"], "42");
  EXPECT_EQ(first.outputs["EXTRA"], "1");
  // Nothing reached the cached root, and the next step does not see the file.
  auto cached = oci::UnpackImageCached(*store_, built->digest, cache);
  ASSERT_TRUE(cached.ok());
  EXPECT_FALSE(fs::exists(*cached / "usr"));
  run("two", "test ! -e /usr/share/x/f; ANSWER=ok", true);
  // The private copy (no overlay) behaves the same.
  EXPECT_EQ(
      run("copy", "test ! -e /usr/share/x/f; mkdir /usr; touch /usr/f; ANSWER=$GREETING", false)
          .outputs["ANSWER"],
      "hello");
  EXPECT_FALSE(fs::exists(*cached / "usr"));
  EXPECT_TRUE(fs::exists(dir_->path() / "copy" / "image" / "root" / "usr" / "f"));
}

}  // namespace
}  // namespace sluice::steps
