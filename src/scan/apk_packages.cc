// Alpine's package database lib/apk/db/installed: blank-line-separated
// records of "X:value" lines (P name, V version, A arch, o origin, L
// license; the rest -- files, checksums -- is not needed here).
#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {
namespace {

void Finish(Package& p, const InventoryFile& file, const OsInfo& os, std::vector<Package>& out) {
  if (!p.name.empty() && !p.version.empty()) {
    p.ecosystem = DistroEcosystem("Alpine", os);
    p.path = file.path;
    p.layer_digest = file.layer_digest;
    if (p.source_name == p.name) p.source_name.clear();
    p.purl = "pkg:apk/alpine/" + PurlEncode(p.name) + "@" + PurlEncode(p.version);
    std::string qualifiers;
    if (!p.arch.empty()) qualifiers += "arch=" + PurlEncode(p.arch);
    if (!os.version_id.empty()) {
      qualifiers += (qualifiers.empty() ? "" : "&") + std::string("distro=alpine-") +
                    PurlEncode(os.version_id);
    }
    if (!qualifiers.empty()) p.purl += "?" + qualifiers;
    out.push_back(std::move(p));
  }
  p = Package{};
}

}  // namespace

std::string ParseApkInstalled(const InventoryFile& file, const OsInfo& os,
                              std::vector<Package>& out) {
  std::string_view text = file.contents;
  Package p;
  bool any_record_line = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      Finish(p, file, os, out);
      continue;
    }
    if (line.size() < 2 || line[1] != ':') continue;
    any_record_line = true;
    std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'P':
        p.name = value;
        break;
      case 'V':
        p.version = value;
        break;
      case 'A':
        p.arch = value;
        break;
      case 'o':
        p.source_name = value;
        break;
      case 'L':
        p.license = value;
        break;
      default:
        break;
    }
  }
  Finish(p, file, os, out);
  if (!any_record_line && !file.contents.empty()) return "no package records";
  return "";
}

}  // namespace sluice::scan::internal
