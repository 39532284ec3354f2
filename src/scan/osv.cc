// ParseOsvEntry: an OSV entry's JSON into OsvEntry. Every error names the
// field by its JSON path ("affected[0].ranges[1].events[2]").
#include "scan/osv.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/json_util.h"

namespace sluice::scan {
namespace {

using nlohmann::json;

// Reads one entry, remembering its id for the messages.
class EntryReader {
 public:
  Status Read(const json& root, OsvEntry& entry);

 private:
  Status Error(const std::string& field, const std::string& what) const {
    std::string where = id_.empty() ? "OSV entry" : "OSV entry " + id_;
    return Status::InvalidArgument(where + ": " + field + " " + what);
  }
  Status WrongType(const std::string& field, const std::string& wanted, const json& value) const {
    return Error(field, "must be " + wanted + ", not " + JsonTypeName(value));
  }
  // `out` from obj[key] when present; Error when `required` and absent.
  Status String(const json& obj, const std::string& path, const char* key, std::string& out,
                bool required = false) const;
  Status StringArray(const json& obj, const std::string& path, const char* key,
                     std::vector<std::string>& out) const;
  // The array at obj[key] (nullptr when absent).
  Result<const json*> Array(const json& obj, const std::string& path, const char* key) const;
  Status SeverityScores(const json& obj, const std::string& path,
                        std::vector<std::string>& out) const;
  Status Affected(const json& item, const std::string& path, OsvAffected& out) const;
  Status Range(const json& item, const std::string& path, OsvRange& out) const;

  std::string id_;
};

std::string Field(const std::string& path, const char* key) {
  return path.empty() ? key : path + "." + key;
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

Status EntryReader::String(const json& obj, const std::string& path, const char* key,
                           std::string& out, bool required) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return required ? Error(Field(path, key), "is missing") : Status::Ok();
  }
  if (!it->is_string()) return WrongType(Field(path, key), "a string", *it);
  out = it->get<std::string>();
  return Status::Ok();
}

Result<const json*> EntryReader::Array(const json& obj, const std::string& path,
                                       const char* key) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array()) return WrongType(Field(path, key), "an array", *it);
  return &*it;
}

Status EntryReader::StringArray(const json& obj, const std::string& path, const char* key,
                                std::vector<std::string>& out) const {
  SLUICE_ASSIGN_OR_RETURN(const json* array, Array(obj, path, key));
  if (array == nullptr) return Status::Ok();
  for (size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    if (!item.is_string()) return WrongType(Index(Field(path, key), i), "a string", item);
    out.push_back(item.get<std::string>());
  }
  return Status::Ok();
}

// severity[] = [{type, score}]: the CVSS scores (vectors) are kept; other
// types (e.g. Ubuntu's priority words) are not vectors and are skipped.
Status EntryReader::SeverityScores(const json& obj, const std::string& path,
                                   std::vector<std::string>& out) const {
  SLUICE_ASSIGN_OR_RETURN(const json* array, Array(obj, path, "severity"));
  if (array == nullptr) return Status::Ok();
  for (size_t i = 0; i < array->size(); ++i) {
    std::string item_path = Index(Field(path, "severity"), i);
    const json& item = (*array)[i];
    if (!item.is_object()) return WrongType(item_path, "an object", item);
    std::string type, score;
    SLUICE_RETURN_IF_ERROR(String(item, item_path, "type", type, true));
    SLUICE_RETURN_IF_ERROR(String(item, item_path, "score", score, true));
    if (type.rfind("CVSS_", 0) == 0) out.push_back(score);
  }
  return Status::Ok();
}

Status EntryReader::Range(const json& item, const std::string& path, OsvRange& out) const {
  if (!item.is_object()) return WrongType(path, "an object", item);
  SLUICE_RETURN_IF_ERROR(String(item, path, "type", out.type, true));
  SLUICE_ASSIGN_OR_RETURN(const json* events, Array(item, path, "events"));
  if (events == nullptr) return Error(Field(path, "events"), "is missing");
  static const std::pair<const char*, OsvEvent::Kind> kKinds[] = {
      {"introduced", OsvEvent::Kind::kIntroduced},
      {"fixed", OsvEvent::Kind::kFixed},
      {"last_affected", OsvEvent::Kind::kLastAffected},
      {"limit", OsvEvent::Kind::kLimit},
  };
  for (size_t i = 0; i < events->size(); ++i) {
    std::string event_path = Index(Field(path, "events"), i);
    const json& event = (*events)[i];
    if (!event.is_object()) return WrongType(event_path, "an object", event);
    bool found = false;
    for (const auto& [key, kind] : kKinds) {
      if (!event.contains(key)) continue;
      OsvEvent e{kind, ""};
      SLUICE_RETURN_IF_ERROR(String(event, event_path, key, e.version, true));
      if (e.version.empty()) return Error(Field(event_path, key), "is empty");
      out.events.push_back(std::move(e));
      found = true;
      break;
    }
    if (!found) {
      return Error(event_path, "has no version (introduced, fixed, last_affected or limit)");
    }
  }
  return Status::Ok();
}

Status EntryReader::Affected(const json& item, const std::string& path, OsvAffected& out) const {
  if (!item.is_object()) return WrongType(path, "an object", item);
  // A package is optional in the schema (GIT-only entries); without one
  // nothing matches.
  if (auto it = item.find("package"); it != item.end() && !it->is_null()) {
    std::string package_path = Field(path, "package");
    if (!it->is_object()) return WrongType(package_path, "an object", *it);
    SLUICE_RETURN_IF_ERROR(String(*it, package_path, "ecosystem", out.ecosystem, true));
    SLUICE_RETURN_IF_ERROR(String(*it, package_path, "name", out.name, true));
  }
  SLUICE_ASSIGN_OR_RETURN(const json* ranges, Array(item, path, "ranges"));
  if (ranges != nullptr) {
    for (size_t i = 0; i < ranges->size(); ++i) {
      OsvRange range;
      SLUICE_RETURN_IF_ERROR(Range((*ranges)[i], Index(Field(path, "ranges"), i), range));
      out.ranges.push_back(std::move(range));
    }
  }
  SLUICE_RETURN_IF_ERROR(StringArray(item, path, "versions", out.versions));
  return SeverityScores(item, path, out.severity_vectors);
}

Status EntryReader::Read(const json& root, OsvEntry& entry) {
  if (!root.is_object()) return WrongType("the entry", "an object", root);
  SLUICE_RETURN_IF_ERROR(String(root, "", "id", entry.id, true));
  id_ = entry.id;
  SLUICE_RETURN_IF_ERROR(String(root, "", "modified", entry.modified, true));
  SLUICE_RETURN_IF_ERROR(StringArray(root, "", "aliases", entry.aliases));
  SLUICE_RETURN_IF_ERROR(String(root, "", "summary", entry.summary));
  SLUICE_RETURN_IF_ERROR(String(root, "", "details", entry.details));
  std::string withdrawn;
  SLUICE_RETURN_IF_ERROR(String(root, "", "withdrawn", withdrawn));
  entry.withdrawn = !withdrawn.empty();
  SLUICE_RETURN_IF_ERROR(SeverityScores(root, "", entry.severity_vectors));
  // database_specific is free-form; only a string "severity" in it means
  // anything here (GitHub's CRITICAL/HIGH/MODERATE/LOW).
  if (auto it = root.find("database_specific"); it != root.end() && it->is_object()) {
    if (auto s = it->find("severity"); s != it->end() && s->is_string()) {
      entry.database_severity = s->get<std::string>();
    }
  }
  SLUICE_ASSIGN_OR_RETURN(const json* affected, Array(root, "", "affected"));
  if (affected != nullptr) {
    for (size_t i = 0; i < affected->size(); ++i) {
      OsvAffected a;
      SLUICE_RETURN_IF_ERROR(Affected((*affected)[i], Index("affected", i), a));
      entry.affected.push_back(std::move(a));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(const json* references, Array(root, "", "references"));
  if (references != nullptr) {
    for (size_t i = 0; i < references->size(); ++i) {
      std::string path = Index("references", i);
      const json& ref = (*references)[i];
      if (!ref.is_object()) return WrongType(path, "an object", ref);
      std::string url;
      SLUICE_RETURN_IF_ERROR(String(ref, path, "url", url, true));
      entry.references.push_back(std::move(url));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<OsvEntry> ParseOsvEntry(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return Status::InvalidArgument("OSV entry: " + JsonParseErrorMessage(e));
  }
  OsvEntry entry;
  EntryReader reader;
  SLUICE_RETURN_IF_ERROR(reader.Read(root, entry));
  return entry;
}

}  // namespace sluice::scan
