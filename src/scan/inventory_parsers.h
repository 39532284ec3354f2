// Internal to scan: the inventory's parsers, one per kind of file
// (inventory.h says what each reads). Each appends the packages it finds
// to `out`, with name, version, ecosystem, path, layer and purl set, and
// returns an error message for a file it cannot read at all ("" when it
// could). BuildInventory turns those messages into warnings naming the file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/findings.h"
#include "scan/inventory.h"

namespace sluice::scan::internal {

// KEY=value lines of an os-release file (values unquoted).
OsInfo ParseOsRelease(std::string_view text);

std::string ParseDpkgStatus(const InventoryFile& file, const OsInfo& os, std::vector<Package>& out);
std::string ParseApkInstalled(const InventoryFile& file, const OsInfo& os,
                              std::vector<Package>& out);
std::string ParsePythonMetadata(const InventoryFile& file, std::vector<Package>& out);
std::string ParseNpmPackageJson(const InventoryFile& file, std::vector<Package>& out);

// Whether `contents` starts like an ELF file.
bool IsElf(std::string_view contents);
// Whether an ELF file has a .go.buildinfo section or (headers cut off) the
// build info magic at a 16-byte aligned offset.
bool MayHoldGoBuildInfo(std::string_view contents);
// A Go toolchain version as the standard library's semantic version, the
// way the Go vulnerability database writes it (with the "v" module
// versions take): go1.19.8 -> v1.19.8, go1.21 -> v1.21.0, go1.21rc2 ->
// v1.21.0-rc.2, go1.20beta1 -> v1.20.0-beta.1; a " X:..." suffix is
// dropped. Empty for anything else ("devel go1.22-abc").
std::string GoStdlibVersion(std::string_view go_version);

// The Go build info of an ELF executable's .go.buildinfo. Nothing (and no
// error) for a file that is not a Go program.
ExecutableInfo ReadExecutableInfo(std::string_view contents);
// The Go packages of an executable: the main module, its `dep` modules and
// "stdlib" (from its `executable` info when set, else from what
// ReadExecutableInfo reads of its contents); the error message.
std::string ParseGoBinary(const InventoryFile& file, std::vector<Package>& out);

// What the build info of a Go program says.
struct GoBuildInfo {
  std::string go_version;  // "go1.19.8"
  std::string path;        // the main package
  struct Module {
    std::string path, version;
  };
  Module main;
  std::vector<Module> deps;
};
// A program's bytes at a virtual address, when the file holds them.
using MemoryReader = std::function<bool(uint64_t addr, uint64_t len, std::string_view& out)>;
// Reads a .go.buildinfo section's bytes; `read_memory` follows the
// pointers of the pre-1.18 format (null: that format is only a warning).
// An error message when the section cannot be read (too short, no magic,
// strings or pointers running past the file).
std::string ParseGoBuildInfoSection(std::string_view section, GoBuildInfo& info,
                                    const MemoryReader& read_memory = nullptr);

struct ElfSection {
  std::string_view name;
  uint32_t type = 0;
  uint64_t addr = 0, offset = 0, size = 0;
  bool outside = false;  // its bytes lie past the end of the (cut) file
};
// The section headers of an ELF file (32/64-bit, either byte order), or an
// error message; none and "" for a file without section headers.
std::string ReadElfSections(std::string_view elf, std::vector<ElfSection>& sections);
// Finds the named section of an ELF file; false when there is none or the
// headers are broken (`error` then says why).
bool FindElfSection(std::string_view elf, std::string_view name, std::string_view& section,
                    std::string& error);
// The bytes at a virtual address, from the section that holds it.
bool ReadElfMemory(std::string_view elf, const std::vector<ElfSection>& sections, uint64_t addr,
                   uint64_t len, std::string_view& out);

// A distribution's packages' OSV ecosystem, with the release the image's
// OS names when it names one: "Debian:12", "Ubuntu:22.04", "Alpine:v3.19"
// (apk releases are major.minor with a 'v'); the family alone otherwise.
// `family` is "Debian" or "Alpine"; an Ubuntu OS makes dpkg's "Ubuntu".
std::string DistroEcosystem(std::string_view family, const OsInfo& os);

// Percent-encodes a purl component: keeps [A-Za-z0-9.-_~+:] (and '/'
// when `keep_slash`).
std::string PurlEncode(std::string_view text, bool keep_slash = false);
// PEP 503: lower case, runs of '-', '_' and '.' become one '-'.
std::string NormalizePythonName(std::string_view name);

// "Key: value" header lines up to the first blank line (or the end), with
// continuation lines (leading space or tab) joined to the value by '\n'.
// Keys keep their case; a repeated key keeps its first value.
std::vector<std::pair<std::string, std::string>> ParseHeaderBlock(std::string_view text,
                                                                  size_t* end = nullptr);
std::string_view HeaderValue(const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string_view key);

}  // namespace sluice::scan::internal
