#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "scan/inventory.h"
#include "scan/inventory_parsers.h"

namespace sluice::scan {
namespace {

void PutUint(std::string& out, size_t at, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string Uvarint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

// A .go.buildinfo section as Go >= 1.18 writes it (`flags` 2: inline
// strings), with the module text wrapped in its 16-byte sentinels.
std::string BuildInfoSection(const std::string& go_version, const std::string& modinfo,
                             uint8_t flags = 2) {
  std::string s = "\xff Go buildinf:";
  s += static_cast<char>(8);
  s += static_cast<char>(flags);
  s.resize(32, '\0');
  std::string mod = std::string(16, 'S') + modinfo + std::string(16, 'E');
  s += Uvarint(go_version.size()) + go_version + Uvarint(mod.size()) + mod;
  return s;
}

struct TestSection {
  std::string name, bytes;
  uint64_t addr = 0;
};

// A minimal little-endian ELF64 file of .shstrtab and `sections`.
std::string MinimalElf(const std::vector<TestSection>& sections) {
  std::string names(1, '\0');
  std::vector<uint32_t> name_at;
  for (const auto& s : {TestSection{".shstrtab", ""}}) names += s.name + '\0';
  for (const auto& s : sections) {
    name_at.push_back(static_cast<uint32_t>(names.size()));
    names += s.name + '\0';
  }
  std::string elf(64, '\0');
  elf.replace(0, 7, "\177ELF\2\1\1");  // 64-bit, little-endian, version 1
  size_t names_at = elf.size();
  elf += names;
  std::vector<size_t> offsets;
  for (const auto& s : sections) {
    elf.resize((elf.size() + 15) / 16 * 16, '\0');
    offsets.push_back(elf.size());
    elf += s.bytes;
  }
  elf.resize((elf.size() + 7) / 8 * 8, '\0');
  size_t shoff = elf.size();
  size_t count = 2 + sections.size();
  elf.resize(shoff + count * 64, '\0');
  PutUint(elf, 0x10, 2, 2);   // e_type: executable
  PutUint(elf, 0x12, 62, 2);  // e_machine: x86-64
  PutUint(elf, 0x14, 1, 4);
  PutUint(elf, 0x28, shoff, 8);
  PutUint(elf, 0x34, 64, 2);  // e_ehsize
  PutUint(elf, 0x3A, 64, 2);  // e_shentsize
  PutUint(elf, 0x3C, count, 2);
  PutUint(elf, 0x3E, 1, 2);  // e_shstrndx
  auto header = [&](size_t i, uint32_t name, uint32_t type, uint64_t addr, uint64_t off,
                    uint64_t size) {
    size_t at = shoff + 64 * i;
    PutUint(elf, at, name, 4);
    PutUint(elf, at + 4, type, 4);
    PutUint(elf, at + 16, addr, 8);
    PutUint(elf, at + 24, off, 8);
    PutUint(elf, at + 32, size, 8);
  };
  header(1, 1, 3, 0, names_at, names.size());  // .shstrtab (SHT_STRTAB)
  for (size_t i = 0; i < sections.size(); ++i) {
    header(2 + i, name_at[i], 1, sections[i].addr, offsets[i], sections[i].bytes.size());
  }
  return elf;
}

std::string MinimalElf(const std::string& section, const std::string& name = ".go.buildinfo") {
  return MinimalElf({{name, section}});
}

// A Go 1.16-style program: .go.buildinfo holds pointers to string headers
// in .rodata.
std::string PointerFormatElf(const std::string& go_version, const std::string& modinfo,
                             uint64_t rodata_addr = 0x20000) {
  std::string info = "\xff Go buildinf:";
  info += static_cast<char>(8);
  info += static_cast<char>(0);  // little-endian, pointers
  info.resize(32, '\0');
  PutUint(info, 16, 0x20000, 8);
  PutUint(info, 24, 0x20010, 8);
  std::string mod = std::string(16, 'S') + modinfo + std::string(16, 'E');
  std::string rodata(32, '\0');
  PutUint(rodata, 0, 0x20020, 8);
  PutUint(rodata, 8, go_version.size(), 8);
  PutUint(rodata, 16, 0x20020 + go_version.size(), 8);
  PutUint(rodata, 24, mod.size(), 8);
  rodata += go_version + mod;
  return MinimalElf({{".go.buildinfo", info, 0x10000}, {".rodata", rodata, rodata_addr}});
}

InventoryFile File(const std::string& path, const std::string& contents) {
  return {path, "sha256:" + std::string(64, 'b'), contents};
}

const Package* FindPackage(const Inventory& inv, const std::string& name) {
  for (const auto& p : inv.packages) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST(GoBuildInfoTest, ReadsModulesReplacementsAndStdlibFromAMinimalElf) {
  std::string modinfo =
      "path\texample.com/app/cmd/app\n"
      "mod\texample.com/app\tv1.2.3\th1:abc=\n"
      "dep\tgolang.org/x/text\tv0.3.7\th1:x=\n"
      "dep\tgithub.com/old/dep\tv1.0.0\n"
      "=>\tgithub.com/new/dep\tv1.1.0\th1:y=\n"
      "build\tGOOS=linux\n";
  Inventory inv = BuildInventory(
      {File("app/bin/app", MinimalElf(BuildInfoSection("go1.22.3 X:boringcrypto", modinfo)))});
  EXPECT_TRUE(inv.warnings.empty()) << inv.warnings[0];
  ASSERT_EQ(inv.packages.size(), 4u);
  const Package* main = FindPackage(inv, "example.com/app");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->version, "v1.2.3");
  EXPECT_EQ(main->ecosystem, "Go");
  EXPECT_EQ(main->purl, "pkg:golang/example.com/app@v1.2.3");
  EXPECT_EQ(main->path, "app/bin/app");
  EXPECT_EQ(main->layer_digest, "sha256:" + std::string(64, 'b'));
  ASSERT_NE(FindPackage(inv, "golang.org/x/text"), nullptr);
  EXPECT_EQ(FindPackage(inv, "golang.org/x/text")->version, "v0.3.7");
  EXPECT_EQ(FindPackage(inv, "github.com/old/dep"), nullptr);
  ASSERT_NE(FindPackage(inv, "github.com/new/dep"), nullptr);
  EXPECT_EQ(FindPackage(inv, "github.com/new/dep")->version, "v1.1.0");
  ASSERT_NE(FindPackage(inv, "stdlib"), nullptr);
  EXPECT_EQ(FindPackage(inv, "stdlib")->version, "v1.22.3");
  EXPECT_EQ(FindPackage(inv, "stdlib")->purl, "pkg:golang/stdlib@v1.22.3");
}

TEST(GoBuildInfoTest, ReadsThePointerFormatOfGoBefore118) {
  Inventory inv = BuildInventory(
      {File("usr/bin/old", PointerFormatElf("go1.16.15",
                                            "path\texample.com/old\n"
                                            "mod\texample.com/old\tv0.1.0\th1:a=\n"
                                            "dep\tgithub.com/pkg/errors\tv0.9.1\th1:b=\n"))});
  EXPECT_TRUE(inv.warnings.empty()) << inv.warnings[0];
  ASSERT_EQ(inv.packages.size(), 3u);
  EXPECT_EQ(FindPackage(inv, "example.com/old")->version, "v0.1.0");
  EXPECT_EQ(FindPackage(inv, "github.com/pkg/errors")->version, "v0.9.1");
  EXPECT_EQ(FindPackage(inv, "stdlib")->version, "v1.16.15");
}

TEST(GoBuildInfoTest, PointersLeadingNowhereAreAWarning) {
  // .rodata sits elsewhere: the pointers name addresses no section holds.
  Inventory inv = BuildInventory(
      {File("usr/bin/old", PointerFormatElf("go1.16", "", /*rodata_addr=*/0x90000))});
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("usr/bin/old"), std::string::npos);
  EXPECT_NE(inv.warnings[0].find("pointers"), std::string::npos) << inv.warnings[0];
}

TEST(GoBuildInfoTest, ElfCutBeforeItsSectionHeadersIsScannedForTheMagic) {
  // A read stopped at max_contents loses the section headers at the end.
  std::string elf = MinimalElf(BuildInfoSection("go1.22.3", "path\texample.com/cut\n"));
  Inventory inv = BuildInventory({File("usr/bin/cut", elf.substr(0, elf.size() - 100)),
                                  File("usr/bin/script", "#!/bin/sh\necho hi\n")});
  EXPECT_TRUE(inv.warnings.empty()) << inv.warnings[0];
  EXPECT_NE(FindPackage(inv, "example.com/cut"), nullptr);
  EXPECT_NE(FindPackage(inv, "stdlib"), nullptr);
}

TEST(GoBuildInfoTest, BuildInfoCutShortIsAWarning) {
  std::string section = BuildInfoSection("go1.22.3", "path\texample.com/cut\n");
  std::string elf = MinimalElf(section);
  size_t at = elf.find(section);
  Inventory inv = BuildInventory({File("usr/bin/cut", elf.substr(0, at + 40))});
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("usr/bin/cut"), std::string::npos) << inv.warnings[0];
}

TEST(GoBuildInfoTest, IsInventoryContentsKeepsOnlyGoExecutables) {
  EXPECT_TRUE(IsInventoryContents("usr/bin/app", MinimalElf(BuildInfoSection("go1.22.3", ""))));
  EXPECT_FALSE(IsInventoryContents("usr/bin/c-program", MinimalElf("data", ".rodata")));
  EXPECT_FALSE(IsInventoryContents("usr/bin/script", "#!/bin/sh\n"));
  EXPECT_TRUE(IsInventoryContents("var/lib/dpkg/status", ""));
}

TEST(GoBuildInfoTest, ElfWithoutBuildInfoGivesNothing) {
  Inventory inv = BuildInventory({File("usr/bin/c-program", MinimalElf("data", ".rodata"))});
  EXPECT_TRUE(inv.packages.empty());
  EXPECT_TRUE(inv.warnings.empty());
}

TEST(GoBuildInfoTest, BuildInfoSectionWithoutMagicIsAWarning) {
  Inventory inv = BuildInventory({File("usr/bin/odd", MinimalElf(std::string(48, 'x')))});
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("magic"), std::string::npos) << inv.warnings[0];
}

// A real Go program on this machine: Debian builds Go in GOPATH mode, so
// only the main package's path and the Go version are there.
TEST(GoBuildInfoTest, ReadsARealGoBinaryOfThisMachine) {
  std::string path;
  for (const char* candidate : {"/usr/bin/skopeo", "/usr/bin/docker-registry"}) {
    if (std::filesystem::exists(candidate)) {
      path = candidate;
      break;
    }
  }
  if (path.empty()) GTEST_SKIP() << "no Go binary (skopeo, docker-registry) on this machine";
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  Inventory inv = BuildInventory({File(path.substr(1), contents.str())});
  EXPECT_TRUE(inv.warnings.empty()) << inv.warnings[0];
  const Package* stdlib = FindPackage(inv, "stdlib");
  ASSERT_NE(stdlib, nullptr);
  EXPECT_TRUE(stdlib->version.starts_with("v1.19.")) << stdlib->version;  // go1.19.8 here
  bool has_main = false;
  for (const auto& p : inv.packages) {
    has_main |= p.name.find(path.ends_with("skopeo") ? "containers/skopeo" : "distribution") !=
                std::string::npos;
  }
  EXPECT_TRUE(has_main);
}

TEST(GoStdlibVersionTest, WritesToolchainReleasesAsTheGoDatabaseDoes) {
  using internal::GoStdlibVersion;
  EXPECT_EQ(GoStdlibVersion("go1.19.8"), "v1.19.8");
  EXPECT_EQ(GoStdlibVersion("go1.21"), "v1.21.0");
  EXPECT_EQ(GoStdlibVersion("go1.21rc2"), "v1.21.0-rc.2");
  EXPECT_EQ(GoStdlibVersion("go1.20beta1"), "v1.20.0-beta.1");
  EXPECT_EQ(GoStdlibVersion("go1.22.3 X:boringcrypto"), "v1.22.3");
  EXPECT_EQ(GoStdlibVersion("devel go1.23-abcdef Tue"), "");
  EXPECT_EQ(GoStdlibVersion("go1..2"), "");
  EXPECT_EQ(GoStdlibVersion("go1.21rc"), "");
  EXPECT_EQ(GoStdlibVersion("go1.2.3.4"), "");
  EXPECT_EQ(GoStdlibVersion("go"), "");
}

}  // namespace
}  // namespace sluice::scan
