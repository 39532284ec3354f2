#include "steps/artifact_publisher.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "oci/reference.h"
#include "store/s3_url.h"

namespace sluice::steps {

namespace {

bool SupportedUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep + 3 >= url.size()) return false;
  std::string scheme = AsciiLower(url.substr(0, sep));
  return scheme == "http" || scheme == "https" || scheme == "file" || scheme == "s3";
}

// The last segment of the URL's path, without query or fragment; "" when
// the path is empty or ends in '/'.
std::string LastSegment(std::string_view url) {
  size_t sep = url.find("://");
  std::string_view rest = sep == std::string_view::npos ? url : url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.rfind('/');
  if (slash == std::string_view::npos) return "";  // only a host
  return std::string(rest.substr(slash + 1));
}

}  // namespace

bool IsArtifactMetadataPublisher(std::string_view image) {
  auto ref = oci::ParseImageReference(std::string(TrimAsciiSpace(image)));
  if (!ref.ok()) return false;
  std::string_view repo = ref->repository;
  if (repo.rfind("library/", 0) == 0) repo.remove_prefix(8);
  return repo == kArtifactMetadataPublisher;
}

Result<std::vector<PublishedFile>> ParseFileUrls(std::string_view text, std::string_view setting) {
  std::vector<PublishedFile> files;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(TrimAsciiSpace(text.substr(start, comma - start)));
    start = comma + 1;
    if (item.empty()) continue;
    PublishedFile file;
    size_t named = item.find(":::");
    if (named != std::string::npos) {
      file.name = TrimAsciiSpace(item.substr(0, named));
      file.url = TrimAsciiSpace(item.substr(named + 3));
    } else {
      file.url = item;
    }
    if (!SupportedUrl(file.url)) {
      return Status::InvalidArgument(
          std::string(setting) + ": \"" + file.url +
          "\" is not a URL sluice can publish; give http://, https://, file:// or s3:// URLs, "
          "separated by commas or as a YAML list");
    }
    if (file.name.empty()) file.name = LastSegment(file.url);
    if (file.name.empty()) file.name = "file-" + std::to_string(files.size());
    files.push_back(std::move(file));
  }
  if (files.empty()) {
    return Status::InvalidArgument(std::string(setting) +
                                   " is empty; give the URLs of the files to publish");
  }
  return files;
}

std::string ArtifactFileJson(const std::vector<PublishedFile>& files) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PublishedFile& f : files) list.push_back({{"name", f.name}, {"url", f.url}});
  nlohmann::ordered_json doc = {{"kind", kFileArtifactKind}, {"data", {{"fileArtifacts", list}}}};
  return doc.dump(1, '\t') + "\n";
}

Result<std::vector<PublishedFile>> ParseArtifactFile(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("the artifact file is not a JSON object");
  }
  if (doc.value("kind", "") != kFileArtifactKind) {
    return Status::InvalidArgument("the artifact file's kind is not " +
                                   std::string(kFileArtifactKind));
  }
  const nlohmann::json* list = nullptr;
  if (doc.contains("data") && doc["data"].is_object() && doc["data"].contains("fileArtifacts")) {
    list = &doc["data"]["fileArtifacts"];
  }
  if (list == nullptr || !list->is_array()) {
    return Status::InvalidArgument("the artifact file has no data.fileArtifacts list");
  }
  std::vector<PublishedFile> files;
  for (const nlohmann::json& item : *list) {
    if (!item.is_object() || !item.contains("url") || !item["url"].is_string()) {
      return Status::InvalidArgument("an entry of data.fileArtifacts has no url");
    }
    PublishedFile f;
    f.url = item["url"].get<std::string>();
    f.name = item.contains("name") && item["name"].is_string() ? item["name"].get<std::string>()
                                                               : LastSegment(f.url);
    files.push_back(std::move(f));
  }
  return files;
}

std::vector<store::ArtifactRecord> ArtifactRecords(
    const std::vector<PublishedFile>& files, const std::vector<store::ArtifactRecord>& uploaded) {
  std::vector<store::ArtifactRecord> records;
  for (const PublishedFile& f : files) {
    store::ArtifactRecord r;
    std::optional<store::S3ObjectRef> named = store::ParseS3ObjectUrl(f.url);
    for (auto it = uploaded.rbegin(); it != uploaded.rend(); ++it) {
      if (it->bucket.empty()) continue;  // announced, not stored
      bool same =
          it->url == f.url || (named && named->bucket == it->bucket && named->key == it->key);
      if (!same) continue;
      r = *it;
      r.id = 0;
      break;
    }
    r.name = f.name;
    r.url = f.url;
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace sluice::steps
