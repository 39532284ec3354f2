#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

// A minimal little-endian ELF64 file whose only sections are .shstrtab
// and `name` (.go.buildinfo) holding `section`.
std::string MinimalElf(const std::string& section, const std::string& name = ".go.buildinfo") {
  const std::string names = std::string("\0.shstrtab\0", 11) + name + std::string(1, '\0');
  std::string elf(64, '\0');
  elf[0] = 0x7f;
  elf[1] = 'E';
  elf[2] = 'L';
  elf[3] = 'F';
  elf[4] = 2;  // 64-bit
  elf[5] = 1;  // little-endian
  elf[6] = 1;
  size_t names_at = elf.size();
  elf += names;
  elf.resize((elf.size() + 15) / 16 * 16, '\0');
  size_t section_at = elf.size();
  elf += section;
  elf.resize((elf.size() + 7) / 8 * 8, '\0');
  size_t shoff = elf.size();
  elf.resize(shoff + 3 * 64, '\0');
  PutUint(elf, 0x10, 2, 2);   // e_type: executable
  PutUint(elf, 0x12, 62, 2);  // e_machine: x86-64
  PutUint(elf, 0x14, 1, 4);
  PutUint(elf, 0x28, shoff, 8);
  PutUint(elf, 0x34, 64, 2);  // e_ehsize
  PutUint(elf, 0x3A, 64, 2);  // e_shentsize
  PutUint(elf, 0x3C, 3, 2);   // e_shnum
  PutUint(elf, 0x3E, 1, 2);   // e_shstrndx
  auto header = [&](int i, uint32_t name_at, uint32_t type, uint64_t off, uint64_t size) {
    size_t at = shoff + 64 * i;
    PutUint(elf, at, name_at, 4);
    PutUint(elf, at + 4, type, 4);
    PutUint(elf, at + 24, off, 8);
    PutUint(elf, at + 32, size, 8);
  };
  header(1, 1, 3, names_at, names.size());       // .shstrtab (SHT_STRTAB)
  header(2, 11, 1, section_at, section.size());  // .go.buildinfo (SHT_PROGBITS)
  return elf;
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

TEST(GoBuildInfoTest, PointerFormatOfOldGoIsAWarning) {
  Inventory inv =
      BuildInventory({File("usr/bin/old", MinimalElf(BuildInfoSection("go1.16", "", 0)))});
  EXPECT_TRUE(inv.packages.empty());
  ASSERT_EQ(inv.warnings.size(), 1u);
  EXPECT_NE(inv.warnings[0].find("usr/bin/old"), std::string::npos);
  EXPECT_NE(inv.warnings[0].find("1.18"), std::string::npos) << inv.warnings[0];
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

}  // namespace
}  // namespace sluice::scan
