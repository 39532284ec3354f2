// Which files the inventory reads, and the dispatch to each kind's parser
// (inventory_parsers.h).
#include "scan/inventory.h"

#include <algorithm>
#include <tuple>

#include "scan/inventory_parsers.h"

namespace sluice::scan {
namespace {

enum class Kind { kNone, kOsRelease, kAlpineRelease, kDebianVersion, kDpkg, kApk, kPython, kNpm };

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return parts;
}

// A package's own package.json: node_modules/<name>/package.json or
// node_modules/@scope/<name>/package.json (not one deeper inside it).
bool IsNpmManifest(std::string_view path) {
  std::vector<std::string_view> p = Split(path);
  size_t n = p.size();
  if (n < 3 || p[n - 1] != "package.json") return false;
  if (p[n - 3] == "node_modules") return !p[n - 2].starts_with("@");
  return n >= 4 && p[n - 4] == "node_modules" && p[n - 3].starts_with("@");
}

Kind Classify(std::string_view path) {
  if (path == "etc/os-release" || path == "usr/lib/os-release") return Kind::kOsRelease;
  if (path == "etc/alpine-release") return Kind::kAlpineRelease;
  if (path == "etc/debian_version") return Kind::kDebianVersion;
  if (path == "var/lib/dpkg/status") return Kind::kDpkg;
  constexpr std::string_view kStatusD = "var/lib/dpkg/status.d/";
  if (path.starts_with(kStatusD) && path.size() > kStatusD.size() &&
      path.find('/', kStatusD.size()) == std::string_view::npos && !path.ends_with(".md5sums")) {
    return Kind::kDpkg;
  }
  if (path == "lib/apk/db/installed") return Kind::kApk;
  if (path.ends_with(".dist-info/METADATA") || path.ends_with(".egg-info/PKG-INFO") ||
      path.ends_with("EGG-INFO/PKG-INFO") || path.ends_with(".egg-info")) {
    return Kind::kPython;
  }
  if (IsNpmManifest(path)) return Kind::kNpm;
  return Kind::kNone;
}

// The OS from os-release (etc/ first: usr/lib/'s is often what etc/'s
// symlink points at), else from the distributions' version files.
OsInfo DetectOs(const std::vector<InventoryFile>& files) {
  const InventoryFile* etc = nullptr;
  const InventoryFile* usr_lib = nullptr;
  OsInfo fallback;
  for (const auto& f : files) {
    std::string_view first_line = std::string_view(f.contents).substr(0, f.contents.find('\n'));
    if (f.path == "etc/os-release" && !f.contents.empty()) etc = &f;
    if (f.path == "usr/lib/os-release" && !f.contents.empty()) usr_lib = &f;
    if (Classify(f.path) == Kind::kAlpineRelease && !first_line.empty()) {
      fallback = {"alpine", std::string(first_line), "Alpine Linux v" + std::string(first_line)};
    }
    if (Classify(f.path) == Kind::kDebianVersion && fallback.id.empty() && !first_line.empty()) {
      fallback = {"debian", std::string(first_line.substr(0, first_line.find('.'))),
                  "Debian GNU/Linux " + std::string(first_line)};
    }
  }
  if (etc) return internal::ParseOsRelease(etc->contents);
  if (usr_lib) return internal::ParseOsRelease(usr_lib->contents);
  return fallback;
}

}  // namespace

bool IsInventoryPath(std::string_view path, uint32_t mode) {
  return Classify(path) != Kind::kNone || (mode & 0111) != 0;
}

bool IsInventoryContents(std::string_view path, std::string_view contents) {
  return Classify(path) != Kind::kNone || internal::MayHoldGoBuildInfo(contents);
}

void CompactInventoryFile(InventoryFile& file) {
  if (Classify(file.path) != Kind::kNone || file.executable) return;
  file.executable = internal::ReadExecutableInfo(file.contents);
  std::string().swap(file.contents);
}

Inventory BuildInventory(const std::vector<InventoryFile>& files) {
  Inventory inv;
  inv.os = DetectOs(files);
  for (const auto& f : files) {
    std::string error;
    switch (Classify(f.path)) {
      case Kind::kDpkg:
        error = internal::ParseDpkgStatus(f, inv.os, inv.packages);
        break;
      case Kind::kApk:
        error = internal::ParseApkInstalled(f, inv.os, inv.packages);
        break;
      case Kind::kPython:
        error = internal::ParsePythonMetadata(f, inv.packages);
        break;
      case Kind::kNpm:
        error = internal::ParseNpmPackageJson(f, inv.packages);
        break;
      case Kind::kNone:
        // Executables: only ELF files can hold Go build info.
        if (f.executable || internal::IsElf(f.contents)) {
          error = internal::ParseGoBinary(f, inv.packages);
        }
        break;
      default:
        break;
    }
    if (!error.empty()) {
      inv.warnings.push_back(f.path + " (layer " + f.layer_digest + "): " + error);
    }
  }
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.path) <
           std::tie(b.ecosystem, b.name, b.version, b.path);
  });
  return inv;
}

namespace internal {

std::string DistroEcosystem(std::string_view family, const OsInfo& os) {
  std::string name(family);
  if (family == "Debian" && os.id == "ubuntu") name = "Ubuntu";
  bool same_family = (name == "Debian" && os.id == "debian") || (name == "Ubuntu") ||
                     (name == "Alpine" && os.id == "alpine");
  if (!same_family || os.version_id.empty()) return name;
  if (name == "Alpine") {
    // "3.19.1" -> "v3.19"
    size_t dot = os.version_id.find('.');
    size_t second = dot == std::string::npos ? dot : os.version_id.find('.', dot + 1);
    return name + ":v" + os.version_id.substr(0, second);
  }
  if (name == "Debian") return name + ":" + os.version_id.substr(0, os.version_id.find('.'));
  return name + ":" + os.version_id;
}

std::string PurlEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                c == '.' || c == '-' || c == '_' || c == '~' || c == '+' || c == ':' ||
                (keep_slash && c == '/');
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseHeaderBlock(std::string_view text,
                                                                  size_t* end) {
  std::vector<std::pair<std::string, std::string>> headers;
  size_t at = 0;
  bool started = false;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(at, next - at);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      at = next;
      if (started) break;  // the block ends at its first blank line
      continue;            // blank lines before a block are skipped
    }
    started = true;
    at = next;
    if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
      size_t from = line.find_first_not_of(" \t");
      headers.back().second += "\n";
      headers.back().second += line.substr(from);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    size_t from = value.find_first_not_of(" \t");
    value = from == std::string_view::npos ? std::string_view() : value.substr(from);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  if (end) *end = at;
  return headers;
}

std::string_view HeaderValue(const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string_view key) {
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace internal
}  // namespace sluice::scan
