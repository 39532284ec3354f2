// Go build info (what `go version -m` prints), read as Go's own
// debug/buildinfo reads it: the ELF section .go.buildinfo starts with a
// 32-byte header -- the 14-byte magic "\xff Go buildinf:", the pointer size,
// a flags byte (1: big-endian, 2: strings inline) -- and then either (Go >=
// 1.18) the Go version and the module info as uvarint-length-prefixed
// strings, or (older) two pointers to Go string headers in the program's
// address space, found through the section headers.
#include <optional>
#include <utility>

#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {
namespace {

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr size_t kHeaderSize = 32;
constexpr uint32_t kShtNobits = 8;  // a section with no bytes in the file (.bss)

uint64_t ReadUint(std::string_view bytes, size_t at, size_t width, bool big_endian) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    auto b = static_cast<uint8_t>(bytes[at + (big_endian ? i : width - 1 - i)]);
    v = (v << 8) | b;
  }
  return v;
}

// A uvarint-length-prefixed string at `at`, advancing it; false when it
// runs past the end.
bool ReadVarString(std::string_view data, size_t& at, std::string_view& out) {
  uint64_t len = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= data.size() || shift > 63) return false;
    auto b = static_cast<uint8_t>(data[at++]);
    len |= uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) break;
  }
  if (len > data.size() - at) return false;
  out = data.substr(at, len);
  at += len;
  return true;
}

// Splits "a\tb\tc" into its fields.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (true) {
    size_t tab = line.find('\t');
    out.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line = line.substr(tab + 1);
  }
  return out;
}

void ParseModInfo(std::string_view mod, GoBuildInfo& info) {
  // The linker wraps the text in 16-byte sentinels.
  if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') mod = mod.substr(16, mod.size() - 32);
  GoBuildInfo::Module* last = nullptr;
  while (!mod.empty()) {
    size_t nl = mod.find('\n');
    std::vector<std::string_view> f = Fields(mod.substr(0, nl));
    mod = nl == std::string_view::npos ? std::string_view() : mod.substr(nl + 1);
    if (f[0] == "path" && f.size() >= 2) {
      info.path = f[1];
    } else if ((f[0] == "mod" || f[0] == "dep") && f.size() >= 2) {
      GoBuildInfo::Module m{std::string(f[1]), f.size() >= 3 ? std::string(f[2]) : ""};
      if (f[0] == "mod") {
        info.main = m;
        last = &info.main;
      } else {
        info.deps.push_back(m);
        last = &info.deps.back();
      }
    } else if (f[0] == "=>" && f.size() >= 2 && last) {
      // A replacement: what was built is the replacing module (a local
      // directory replacement has no version; keep the one replaced).
      if (f.size() >= 3 && !f[2].empty()) {
        last->path = f[1];
        last->version = f[2];
      }
    }
  }
}

Package GoPackage(const InventoryFile& file, std::string name, std::string version) {
  Package p;
  p.ecosystem = "Go";
  p.name = std::move(name);
  p.version = std::move(version);
  p.path = file.path;
  p.layer_digest = file.layer_digest;
  p.purl = "pkg:golang/" + PurlEncode(p.name, /*keep_slash=*/true) + "@" + PurlEncode(p.version);
  return p;
}

}  // namespace

bool IsElf(std::string_view contents) { return contents.starts_with("\177ELF"); }

std::string ReadElfSections(std::string_view elf, std::vector<ElfSection>& sections) {
  sections.clear();
  if (!IsElf(elf) || elf.size() < 0x34) return "not an ELF file";
  bool is64 = elf[4] == 2, big = elf[5] == 2;
  if ((elf[4] != 1 && !is64) || (elf[5] != 1 && !big) || (is64 && elf.size() < 0x40)) {
    return "unknown ELF class or encoding";
  }
  auto u = [&](uint64_t at, size_t width) { return ReadUint(elf, at, width, big); };
  uint64_t shoff = is64 ? u(0x28, 8) : u(0x20, 4);
  uint64_t entsize = is64 ? u(0x3A, 2) : u(0x2E, 2);
  uint64_t shnum = is64 ? u(0x3C, 2) : u(0x30, 2);
  uint64_t shstrndx = is64 ? u(0x3E, 2) : u(0x32, 2);
  if (shnum == 0) return "";  // no section headers (stripped hard)
  if (entsize < (is64 ? 64u : 40u) || shoff > elf.size() ||
      shnum > (elf.size() - shoff) / entsize || shstrndx >= shnum) {
    return "section headers lie outside the file (cut short?)";
  }
  for (uint64_t i = 0; i < shnum; ++i) {
    uint64_t at = shoff + i * entsize;
    ElfSection s;
    s.type = static_cast<uint32_t>(u(at + 4, 4));
    s.addr = is64 ? u(at + 16, 8) : u(at + 12, 4);
    s.offset = is64 ? u(at + 24, 8) : u(at + 16, 4);
    s.size = is64 ? u(at + 32, 8) : u(at + 20, 4);
    if (s.type != kShtNobits && (s.offset > elf.size() || s.size > elf.size() - s.offset)) {
      s.outside = true;  // cut short: nothing of it can be read
      s.size = 0;
    }
    sections.push_back(s);
    if (i == shstrndx && sections.back().outside) {
      sections.clear();
      return "section names lie outside the file (cut short?)";
    }
  }
  // Names last: they index the string table's section.
  const ElfSection& strtab = sections[shstrndx];
  // A NOBITS name table has no bytes in the file, wherever it claims to be.
  if (strtab.type == kShtNobits || strtab.offset > elf.size() ||
      strtab.size > elf.size() - strtab.offset) {
    sections.clear();
    return "section names lie outside the file (cut short?)";
  }
  std::string_view names = elf.substr(strtab.offset, strtab.size);
  for (uint64_t i = 0; i < shnum; ++i) {
    uint64_t name = u(shoff + i * entsize, 4);
    if (name >= names.size()) continue;
    std::string_view n = names.substr(name);
    sections[i].name = n.substr(0, n.find('\0'));
  }
  return "";
}

bool FindElfSection(std::string_view elf, std::string_view name, std::string_view& section,
                    std::string& error) {
  std::vector<ElfSection> sections;
  error = ReadElfSections(elf, sections);
  for (const ElfSection& s : sections) {
    if (s.name != name || s.type == kShtNobits) continue;
    if (s.outside) {
      error = "section " + std::string(name) + " lies outside the file (cut short?)";
      return false;
    }
    section = elf.substr(s.offset, s.size);
    return true;
  }
  return false;
}

bool ReadElfMemory(std::string_view elf, const std::vector<ElfSection>& sections, uint64_t addr,
                   uint64_t len, std::string_view& out) {
  for (const ElfSection& s : sections) {
    // Address 0 is where sections that are not loaded (names, symbols) sit.
    if (s.addr == 0 || s.type == kShtNobits || addr < s.addr || addr - s.addr >= s.size) {
      continue;
    }
    uint64_t from = addr - s.addr;
    if (len > s.size - from) return false;
    out = elf.substr(s.offset + from, len);
    return true;
  }
  return false;
}

std::string ParseGoBuildInfoSection(std::string_view section, GoBuildInfo& info,
                                    const MemoryReader& read_memory) {
  // The header sits at a 16-byte aligned offset (normally the start).
  size_t at = 0;
  while (at + kHeaderSize <= section.size() && section.substr(at, kMagic.size()) != kMagic) {
    at += 16;
  }
  if (at + kHeaderSize > section.size()) return "no Go build info magic in .go.buildinfo";
  auto ptr_size = static_cast<uint8_t>(section[at + 14]);
  auto flags = static_cast<uint8_t>(section[at + 15]);
  std::string_view version, mod;
  if ((flags & 2) != 0) {
    size_t pos = at + kHeaderSize;
    if (!ReadVarString(section, pos, version) || !ReadVarString(section, pos, mod)) {
      return "Go build info strings run past .go.buildinfo (cut short?)";
    }
  } else {
    // Before Go 1.18: pointers to two Go string headers {data, len}.
    if (ptr_size != 4 && ptr_size != 8) return "Go build info with a bad pointer size";
    if (!read_memory) {
      return "Go build info in the pre-1.18 pointer format, without the section headers "
             "needed to follow its pointers";
    }
    bool big = flags != 0;
    auto read_string = [&](uint64_t header_addr, std::string_view& out) {
      std::string_view header;
      if (!read_memory(header_addr, 2u * ptr_size, header)) return false;
      uint64_t data = ReadUint(header, 0, ptr_size, big);
      uint64_t len = ReadUint(header, ptr_size, ptr_size, big);
      out = {};
      return len == 0 || read_memory(data, len, out);
    };
    if (!read_string(ReadUint(section, at + 16, ptr_size, big), version) ||
        !read_string(ReadUint(section, at + 16 + ptr_size, ptr_size, big), mod)) {
      return "Go build info pointers lead outside the file (cut short?)";
    }
  }
  info.go_version = version;
  ParseModInfo(mod, info);
  return "";
}

namespace {

std::string_view ScanForBuildInfo(std::string_view elf) {
  for (size_t at = elf.find(kMagic); at != std::string_view::npos; at = elf.find(kMagic, at + 1)) {
    if (at % 16 == 0) return elf.substr(at);
  }
  return {};
}

}  // namespace

bool MayHoldGoBuildInfo(std::string_view contents) {
  if (!IsElf(contents)) return false;
  std::string_view section;
  std::string error;
  return FindElfSection(contents, ".go.buildinfo", section, error) ||
         !ScanForBuildInfo(contents).empty();
}

ExecutableInfo ReadExecutableInfo(std::string_view contents) {
  ExecutableInfo out;
  if (!IsElf(contents)) return out;
  std::string_view section;
  std::vector<ElfSection> sections;
  MemoryReader read_memory;
  if (FindElfSection(contents, ".go.buildinfo", section, out.error)) {
    out.error = ReadElfSections(contents, sections);
    read_memory = [&](uint64_t addr, uint64_t len, std::string_view& bytes) {
      return ReadElfMemory(contents, sections, addr, len, bytes);
    };
  } else {
    // No usable section headers: they sit at the end of the file, which a
    // read cut at max_contents loses, or were stripped. Go's own reader
    // then looks for the magic at a 16-byte aligned offset; so do we.
    section = ScanForBuildInfo(contents);
    if (section.empty()) return out;
  }
  GoBuildInfo info;
  out.error = ParseGoBuildInfoSection(section, info, read_memory);
  if (!out.error.empty()) return out;
  out.go_version = std::move(info.go_version);
  out.package_path = std::move(info.path);
  out.main = {std::move(info.main.path), std::move(info.main.version)};
  for (auto& dep : info.deps) out.deps.push_back({std::move(dep.path), std::move(dep.version)});
  return out;
}

std::string ParseGoBinary(const InventoryFile& file, std::vector<Package>& out) {
  std::optional<ExecutableInfo> read;
  const ExecutableInfo& info =
      file.executable ? *file.executable : read.emplace(ReadExecutableInfo(file.contents));
  if (!info.error.empty()) return info.error;

  // The main module: its path and version, or (GOPATH builds, as Debian
  // packages Go programs) the main package's path at "(devel)".
  std::string main_path = info.main.path.empty() ? info.package_path : info.main.path;
  if (!main_path.empty()) {
    out.push_back(
        GoPackage(file, main_path, info.main.version.empty() ? "(devel)" : info.main.version));
  }
  for (const auto& dep : info.deps) out.push_back(GoPackage(file, dep.path, dep.version));
  // The toolchain's release as the standard library's module version. A
  // "devel ..." toolchain has none.
  if (std::string stdlib = GoStdlibVersion(info.go_version); !stdlib.empty()) {
    out.push_back(GoPackage(file, "stdlib", stdlib));
  }
  return "";
}

}  // namespace sluice::scan::internal
