// The packages an image holds, from files of its final filesystem.
//
// What is read (the paths IsInventoryPath selects), as Trivy and Syft read
// it: the OS from etc/os-release (or usr/lib/os-release); Debian packages
// from var/lib/dpkg/status and distroless var/lib/dpkg/status.d/* (only
// "install ok installed" paragraphs; Source, with its own version when
// given as "name (version)"); Alpine packages from lib/apk/db/installed
// (P, V, A, o, L); Python distributions from */*.dist-info/METADATA and
// */*.egg-info/PKG-INFO (Name, Version, License or License-Expression;
// names PEP 503-normalised); npm packages from every
// node_modules/**/package.json (name, version, license); Go modules and
// the Go standard library from the .go.buildinfo section of ELF
// executables (main module, `dep` lines with `=>` replacements applied,
// "stdlib" at the Go version as the Go vulnerability database writes it,
// with a module version's "v": go1.19.8 -> v1.19.8, go1.21rc2 ->
// v1.21.0-rc.2; a GOPATH build's main package at "(devel)"; both the inline
// format of Go >= 1.18 and the older pointer format are read).
// Each package carries the path it was read from, its layer, and a purl.
//
// A file that cannot be parsed adds a warning naming it and is otherwise
// skipped: an inventory is as complete as the image lets it be. Pure
// functions; thread-safe.
//
// The scanner's layer cache (layer_cache.h) keeps the files these select
// (IsInventoryPath, IsInventoryContents) and an executable's ExecutableInfo
// across runs: a change to either must bump kLayerRecordFormat there, or
// old records would miss what the new code reads. The parsers of text files
// and the making of Go packages from an ExecutableInfo run on every scan
// and need no bump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/findings.h"

namespace sluice::scan {

// Whether the inventory reads `path` (relative, as image_files.h gives
// paths); `mode` lets executables through for Go build info.
bool IsInventoryPath(std::string_view path, uint32_t mode);

// Whether a file IsInventoryPath selected is worth keeping for
// BuildInventory once its contents are read: always, except an executable
// that is not an ELF file holding Go build info -- most of an image's
// executables, which a caller can drop at once rather than hold them all.
bool IsInventoryContents(std::string_view path, std::string_view contents);

// What the inventory reads of an executable, without the executable: its
// Go build info as written (the toolchain, the main package and module,
// the `dep` modules with `=>` replacements applied), or why it could not
// be read. BuildInventory makes the packages from it (the main module or
// "(devel)", the deps, "stdlib" from the toolchain), so this holds no
// decision that a later version might make otherwise. A few hundred bytes
// where the file is megabytes: a caller may keep this instead of the file.
struct ExecutableInfo {
  struct Module {
    std::string path, version;
  };
  std::string go_version;    // "go1.21.5"; empty: no Go build info
  std::string package_path;  // the main package ("path")
  Module main;               // the main module ("mod")
  std::vector<Module> deps;  // the `dep` modules
  std::string error;         // "" when read, or when the file is no Go program
};

struct InventoryFile {
  std::string path;
  std::string layer_digest;
  std::string contents;
  // An executable's ExecutableInfo, which BuildInventory then reads instead
  // of `contents` (CompactInventoryFile sets it); empty for other files.
  std::optional<ExecutableInfo> executable;
};

// Replaces an executable's contents by its ExecutableInfo; other files
// (os-release, package databases and manifests: small text) are left as
// they are. BuildInventory gives the same packages and warnings for the
// file either way.
void CompactInventoryFile(InventoryFile& file);

struct OsInfo {
  std::string id;          // "debian", "alpine"; empty when unknown
  std::string version_id;  // "12", "3.19.1"
  std::string pretty_name;
};

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;  // sorted by ecosystem, name, version, path
  std::vector<std::string> warnings;
};

// The inventory of the files IsInventoryPath selected from an image's
// final filesystem.
Inventory BuildInventory(const std::vector<InventoryFile>& files);

}  // namespace sluice::scan
