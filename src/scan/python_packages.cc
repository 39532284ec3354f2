// Installed Python distributions: *.dist-info/METADATA and
// *.egg-info/PKG-INFO (or an *.egg-info file), both in the email-header
// format of the core metadata spec.
#include <cctype>

#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {

std::string NormalizePythonName(std::string_view name) {
  std::string out;
  bool in_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      in_run = false;
    }
  }
  return out;
}

std::string ParsePythonMetadata(const InventoryFile& file, std::vector<Package>& out) {
  auto headers = ParseHeaderBlock(file.contents);
  std::string_view name = HeaderValue(headers, "Name");
  std::string_view version = HeaderValue(headers, "Version");
  if (name.empty() || version.empty()) return "no Name or Version header";
  Package p;
  p.ecosystem = "PyPI";
  p.name = NormalizePythonName(name);
  p.version = version;
  // License-Expression (core metadata 2.4) is an SPDX expression; License
  // is free text, sometimes the whole licence: keep its first line.
  std::string_view license = HeaderValue(headers, "License-Expression");
  if (license.empty()) license = HeaderValue(headers, "License");
  license = license.substr(0, license.find('\n'));
  if (license != "UNKNOWN") p.license = license;
  p.path = file.path;
  p.layer_digest = file.layer_digest;
  p.purl = "pkg:pypi/" + PurlEncode(p.name) + "@" + PurlEncode(p.version);
  out.push_back(std::move(p));
  return "";
}

}  // namespace sluice::scan::internal
