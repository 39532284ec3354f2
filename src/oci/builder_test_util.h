// Test helper (sluice_tests only): a fixture that builds Dockerfiles from a
// small build context into a temporary image layout, and reads images back.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/files.h"
#include "oci/builder.h"
#include "oci/layer_unpack.h"

namespace sluice::oci::testing {

// Writes `text` to `p` (mode 0644), creating its parents.
inline void Write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  std::filesystem::permissions(p, std::filesystem::perms(0644));
}

// The files under `root`: path -> content ("dir" for directories,
// "-> target" for symlinks).
inline std::map<std::string, std::string> Tree(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).generic_string();
    if (e.is_symlink()) {
      out[rel] = "-> " + fs::read_symlink(e.path()).string();
    } else {
      out[rel] = e.is_directory() ? "dir" : *ReadFile(e.path());
    }
  }
  return out;
}

class BuilderFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("builder-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    context_ = dir_->path() / "ctx";
    auto layout = ImageLayout::Open(dir_->path() / "store");
    ASSERT_TRUE(layout.ok()) << layout.status().message();
    layout_ = std::make_unique<ImageLayout>(std::move(*layout));
    Write(context_ / "app/main.py", "print(1)\n");
    Write(context_ / "app/lib/util.py", "x = 1\n");
    Write(context_ / "a.txt", "a\n");
    Write(context_ / "b.txt", "b\n");
    Write(context_ / "secret.key", "k\n");
  }

  // Builds `dockerfile`; the progress lines land in log_ (cleared first).
  Result<Descriptor> Build(const std::string& dockerfile, const std::string& tag = "t",
                           const std::string& target = "", BuildArgs args = {},
                           bool no_cache = false) {
    Write(context_ / "Dockerfile", dockerfile);
    BuildRequest request{
        context_ / "Dockerfile", context_, std::move(args), target, tag, 1700000000};
    request.no_cache = no_cache;
    log_.clear();
    request.log = [this](std::string_view line) { log_.emplace_back(line); };
    diagnostics_ = {};
    return BuildImage(request, *layout_, diagnostics_);
  }

  // The image's files, unpacked (see Tree).
  std::map<std::string, std::string> Files(const Descriptor& desc) {
    auto root = TempDir::Create("builder-root-");
    auto manifest = layout_->ReadManifest(desc.digest);
    EXPECT_TRUE(manifest.ok());
    for (const auto& l : manifest->layers) {
      auto blob = layout_->ReadBlob(l.digest);
      EXPECT_TRUE(UnpackLayer(*blob, root->path()).ok());
    }
    return Tree(root->path());
  }

  // The diagnostics' messages with their lines, for failure output.
  std::string Messages() const {
    std::string out;
    for (const auto& d : diagnostics_.items()) {
      out += "\n" + std::to_string(d.location.line) + ": " + d.message;
    }
    return out;
  }

  // How many log lines contain `text`.
  int LogCount(const std::string& text) const {
    int n = 0;
    for (const auto& line : log_) n += line.find(text) != std::string::npos;
    return n;
  }

  std::unique_ptr<TempDir> dir_;
  std::filesystem::path context_;
  std::unique_ptr<ImageLayout> layout_;
  DiagnosticList diagnostics_;
  std::vector<std::string> log_;
};

}  // namespace sluice::oci::testing
