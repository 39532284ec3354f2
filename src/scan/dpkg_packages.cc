// dpkg's database: var/lib/dpkg/status (one paragraph per package) and
// distroless var/lib/dpkg/status.d/<name> (one package's paragraph each).
#include <algorithm>

#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {
namespace {

// Whether a Status field ("want flag state", e.g. "install ok installed")
// says the package is there. Distroless files have no Status: installed.
bool IsInstalled(std::string_view status) {
  std::vector<std::string_view> words;
  while (!status.empty()) {
    size_t space = status.find_first_of(" \t");
    std::string_view w = status.substr(0, space);
    if (!w.empty()) words.push_back(w);
    status = space == std::string_view::npos ? std::string_view() : status.substr(space + 1);
  }
  if (words.empty()) return true;
  if (std::find(words.begin(), words.end(), "deinstall") != words.end()) return false;
  if (std::find(words.begin(), words.end(), "purge") != words.end()) return false;
  return words.back() == "installed";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ParseDpkgStatus(const InventoryFile& file, const OsInfo& os,
                            std::vector<Package>& out) {
  std::string_view text = file.contents;
  size_t at = 0;
  int paragraphs = 0;
  while (at < text.size()) {
    size_t end = 0;
    auto headers = ParseHeaderBlock(text.substr(at), &end);
    at += end == 0 ? text.size() : end;
    if (headers.empty()) continue;
    ++paragraphs;
    std::string_view name = HeaderValue(headers, "Package");
    std::string_view version = HeaderValue(headers, "Version");
    if (name.empty() || version.empty()) continue;
    if (!IsInstalled(HeaderValue(headers, "Status"))) continue;

    Package p;
    p.ecosystem = DistroEcosystem("Debian", os);
    p.name = name;
    p.version = version;
    p.arch = HeaderValue(headers, "Architecture");
    // "Source: name" or "Source: name (version)" when the source version
    // differs from the binary's (binNMUs, e.g. "+b1").
    std::string_view source = Trim(HeaderValue(headers, "Source"));
    size_t paren = source.find('(');
    if (paren != std::string_view::npos) {
      std::string_view v = source.substr(paren + 1);
      v = Trim(v.substr(0, v.find(')')));
      p.source_version = v;
      source = Trim(source.substr(0, paren));
    }
    p.source_name = source;
    p.path = file.path;
    p.layer_digest = file.layer_digest;
    const std::string distro = os.id == "ubuntu" ? "ubuntu" : "debian";
    p.purl = "pkg:deb/" + distro + "/" + PurlEncode(p.name) + "@" + PurlEncode(p.version);
    std::string qualifiers;
    if (!p.arch.empty()) qualifiers += "arch=" + PurlEncode(p.arch);
    if (!os.version_id.empty()) {
      qualifiers += std::string(qualifiers.empty() ? "" : "&") + "distro=" + distro + "-" +
                    PurlEncode(os.version_id);
    }
    if (!qualifiers.empty()) p.purl += "?" + qualifiers;
    out.push_back(std::move(p));
  }
  if (paragraphs == 0 && !text.empty()) return "no package paragraphs";
  return "";
}

}  // namespace sluice::scan::internal
