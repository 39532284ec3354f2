// Installed npm packages: node_modules/<name>/package.json and
// node_modules/@scope/<name>/package.json, at any depth of nesting.
#include <nlohmann/json.hpp>

#include "scan/inventory_parsers.h"

namespace sluice::scan::internal {
namespace {

// "MIT", {"type": "MIT"}, or the old "licenses": [{"type": ...}, ...].
std::string License(const nlohmann::json& doc) {
  auto it = doc.find("license");
  if (it != doc.end()) {
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("type") && (*it)["type"].is_string()) {
      return (*it)["type"].get<std::string>();
    }
  }
  it = doc.find("licenses");
  std::string out;
  if (it != doc.end() && it->is_array()) {
    for (const auto& l : *it) {
      std::string one;
      if (l.is_string()) one = l.get<std::string>();
      if (l.is_object() && l.contains("type") && l["type"].is_string()) {
        one = l["type"].get<std::string>();
      }
      if (one.empty()) continue;
      out += (out.empty() ? "" : " OR ") + one;
    }
  }
  return out;
}

}  // namespace

std::string ParseNpmPackageJson(const InventoryFile& file, std::vector<Package>& out) {
  nlohmann::json doc = nlohmann::json::parse(file.contents, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return "not a JSON object";
  auto name = doc.find("name");
  auto version = doc.find("version");
  if (name == doc.end() || version == doc.end() || !name->is_string() || !version->is_string() ||
      name->get<std::string>().empty() || version->get<std::string>().empty()) {
    return "no \"name\" or \"version\"";
  }
  Package p;
  p.ecosystem = "npm";
  p.name = name->get<std::string>();
  p.version = version->get<std::string>();
  p.license = License(doc);
  p.path = file.path;
  p.layer_digest = file.layer_digest;
  // The scope is the purl's namespace: "@scope/name" -> "%40scope/name".
  p.purl = "pkg:npm/" + PurlEncode(p.name, /*keep_slash=*/true) + "@" + PurlEncode(p.version);
  out.push_back(std::move(p));
  return "";
}

}  // namespace sluice::scan::internal
