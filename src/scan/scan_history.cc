#include "scan/scan_history.h"

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/hash.h"

namespace sluice::scan {

std::filesystem::path ScanHistory::FileFor(const std::string& target) const {
  return dir_ / (Sha256Hex(target) + ".json");
}

Result<std::optional<std::set<std::string>>> ScanHistory::Previous(
    const std::string& target) const {
  std::filesystem::path file = FileFor(target);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::optional<std::set<std::string>>();
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("fingerprints") || !doc["fingerprints"].is_array()) {
    return Status::InvalidArgument("scan history " + file.string() +
                                   " is not a sluice scan record; delete it to start the "
                                   "history of " +
                                   target + " over");
  }
  std::set<std::string> fingerprints;
  for (const auto& f : doc["fingerprints"]) {
    if (f.is_string()) fingerprints.insert(f.get<std::string>());
  }
  return std::optional<std::set<std::string>>(std::move(fingerprints));
}

Status ScanHistory::Record(const std::string& target, const oci::Digest& manifest,
                           const std::vector<Finding>& findings) const {
  nlohmann::json fingerprints = nlohmann::json::array();
  std::set<std::string> unique;
  for (const Finding& f : findings) unique.insert(FindingFingerprint(f));
  for (const std::string& f : unique) fingerprints.push_back(f);
  nlohmann::json doc = {
      {"target", target}, {"manifestDigest", manifest.str()}, {"fingerprints", fingerprints}};
  SLUICE_RETURN_IF_ERROR(MakeDirs(dir_));
  // Findings carry valid UTF-8 (scanner.h); replacing is only a safeguard.
  return WriteFileAtomic(FileFor(target),
                         doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace sluice::scan
