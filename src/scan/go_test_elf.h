// Test support: minimal ELF files holding Go build info, as the Go linker
// lays them out, for the inventory's and the scanner's tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::scan::test_elf {

inline void PutUint(std::string& out, size_t at, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline std::string Uvarint(uint64_t v) {
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
inline std::string BuildInfoSection(const std::string& go_version, const std::string& modinfo,
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
inline std::string MinimalElf(const std::vector<TestSection>& sections) {
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

inline std::string MinimalElf(const std::string& section,
                              const std::string& name = ".go.buildinfo") {
  return MinimalElf({{name, section}});
}

}  // namespace sluice::scan::test_elf
