#include "oci/image.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "common/json_util.h"

namespace sluice::oci {
namespace {
using nlohmann::json;

// Reads typed fields of one JSON document, naming the document and the
// field path in every error.
class FieldReader {
 public:
  explicit FieldReader(std::string doc) : doc_(std::move(doc)) {}

  Status Error(const std::string& path, const std::string& what) const {
    return Status::InvalidArgument(doc_ + ": \"" + path + "\" " + what);
  }

  // Each Read leaves `out` unchanged when the key is absent or null.
  Status Read(const json& obj, const char* key, const std::string& path, std::string& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    if (!v->is_string()) return Error(path, "must be a string, not " + JsonTypeName(*v));
    out = v->get<std::string>();
    return Status::Ok();
  }
  Status Read(const json& obj, const char* key, const std::string& path, int64_t& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    if (!v->is_number_integer()) {
      return Error(path, "must be a whole number, not " + JsonTypeName(*v));
    }
    out = v->get<int64_t>();
    return Status::Ok();
  }
  Status Read(const json& obj, const char* key, const std::string& path, bool& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    if (!v->is_boolean()) return Error(path, "must be a boolean, not " + JsonTypeName(*v));
    out = v->get<bool>();
    return Status::Ok();
  }
  Status Read(const json& obj, const char* key, const std::string& path, Digest& out) const {
    std::string text;
    SLUICE_RETURN_IF_ERROR(Read(obj, key, path, text));
    if (text.empty()) return Error(path, "is required");
    auto d = ParseDigest(text);
    if (!d.ok()) return Error(path, "is not a digest: " + d.status().message());
    out = *d;
    return Status::Ok();
  }
  Status Read(const json& obj, const char* key, const std::string& path,
              std::vector<std::string>& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    bool ok = v->is_array();
    for (size_t i = 0; ok && i < v->size(); ++i) ok = (*v)[i].is_string();
    if (!ok) return Error(path, "must be an array of strings");
    out = v->get<std::vector<std::string>>();
    return Status::Ok();
  }
  Status Read(const json& obj, const char* key, const std::string& path,
              std::optional<std::vector<std::string>>& out) const {
    if (!Find(obj, key)) return Status::Ok();
    out.emplace();
    return Read(obj, key, path, *out);
  }
  Status Read(const json& obj, const char* key, const std::string& path,
              std::map<std::string, std::string>& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    if (!v->is_object()) return Error(path, "must be an object of strings");
    for (const auto& [k, item] : v->items()) {
      if (!item.is_string()) {
        std::string field = path;
        field.append(".").append(k);
        return Error(field, "must be a string, not " + JsonTypeName(item));
      }
      out[k] = item.get<std::string>();
    }
    return Status::Ok();
  }
  // The keys of an object-as-set ({"8080/tcp": {}}).
  Status Read(const json& obj, const char* key, const std::string& path,
              std::set<std::string>& out) const {
    const json* v = Find(obj, key);
    if (!v) return Status::Ok();
    if (!v->is_object()) return Error(path, "must be an object");
    for (const auto& [k, item] : v->items()) out.insert(k);
    return Status::Ok();
  }
  Status Object(const json& obj, const char* key, const std::string& path, const json*& out) const {
    out = Find(obj, key);
    if (out && !out->is_object()) {
      return Error(path, "must be an object, not " + JsonTypeName(*out));
    }
    return Status::Ok();
  }
  Status Array(const json& obj, const char* key, const std::string& path, const json*& out) const {
    out = Find(obj, key);
    if (out && !out->is_array()) return Error(path, "must be an array, not " + JsonTypeName(*out));
    return Status::Ok();
  }

  Result<json> Parse(std::string_view text) const {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Status::InvalidArgument(doc_ + " is not valid JSON");
    if (!doc.is_object()) return Status::InvalidArgument(doc_ + " must be a JSON object");
    return doc;
  }

 private:
  static const json* Find(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  std::string doc_;
};

json DescriptorJson(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) {
    j["platform"] = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
  }
  return j;
}

Status ReadDescriptor(const FieldReader& r, const json& j, const std::string& path, Descriptor& d) {
  if (!j.is_object()) return r.Error(path, "must be an object (a descriptor)");
  SLUICE_RETURN_IF_ERROR(r.Read(j, "mediaType", path + ".mediaType", d.media_type));
  SLUICE_RETURN_IF_ERROR(r.Read(j, "digest", path + ".digest", d.digest));
  SLUICE_RETURN_IF_ERROR(r.Read(j, "size", path + ".size", d.size));
  if (d.size < 0) return r.Error(path + ".size", "must not be negative");
  SLUICE_RETURN_IF_ERROR(r.Read(j, "annotations", path + ".annotations", d.annotations));
  const json* platform = nullptr;
  SLUICE_RETURN_IF_ERROR(r.Object(j, "platform", path + ".platform", platform));
  if (platform) {
    d.platform.emplace();
    SLUICE_RETURN_IF_ERROR(r.Read(*platform, "architecture", path + ".platform.architecture",
                                  d.platform->architecture));
    SLUICE_RETURN_IF_ERROR(r.Read(*platform, "os", path + ".platform.os", d.platform->os));
  }
  return Status::Ok();
}

Status ReadDescriptors(const FieldReader& r, const json& doc, const char* key,
                       std::vector<Descriptor>& out) {
  const json* list = nullptr;
  SLUICE_RETURN_IF_ERROR(r.Array(doc, key, key, list));
  for (size_t i = 0; list && i < list->size(); ++i) {
    out.emplace_back();
    SLUICE_RETURN_IF_ERROR(ReadDescriptor(
        r, (*list)[i], std::string(key) + "[" + std::to_string(i) + "]", out.back()));
  }
  return Status::Ok();
}

Status CheckSchemaVersion(const FieldReader& r, const json& doc) {
  int64_t version = 0;
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "schemaVersion", "schemaVersion", version));
  if (version != 2) return r.Error("schemaVersion", "must be 2");
  return Status::Ok();
}

json SetJson(const std::set<std::string>& keys) {
  json j = json::object();
  for (const auto& k : keys) j[k] = json::object();
  return j;
}

}  // namespace

std::string Rfc3339Utc(int64_t seconds_since_epoch) {
  std::time_t t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm tm_utc{};
  gmtime_r(&t, &tm_utc);
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm_utc);
  return std::string(buf, n);
}

std::string ToJson(const ImageConfig& c) {
  json cfg = json::object();
  const ContainerConfig& cc = c.config;
  if (!cc.env.empty()) cfg["Env"] = cc.env;
  if (cc.entrypoint) cfg["Entrypoint"] = *cc.entrypoint;
  if (cc.cmd) cfg["Cmd"] = *cc.cmd;
  if (!cc.working_dir.empty()) cfg["WorkingDir"] = cc.working_dir;
  if (!cc.user.empty()) cfg["User"] = cc.user;
  if (!cc.labels.empty()) cfg["Labels"] = cc.labels;
  if (!cc.exposed_ports.empty()) cfg["ExposedPorts"] = SetJson(cc.exposed_ports);
  if (!cc.volumes.empty()) cfg["Volumes"] = SetJson(cc.volumes);
  if (!cc.stop_signal.empty()) cfg["StopSignal"] = cc.stop_signal;
  if (cc.healthcheck) {
    const HealthConfig& h = *cc.healthcheck;
    json health = {{"Test", h.test}};
    if (h.interval) health["Interval"] = h.interval;
    if (h.timeout) health["Timeout"] = h.timeout;
    if (h.start_period) health["StartPeriod"] = h.start_period;
    if (h.start_interval) health["StartInterval"] = h.start_interval;
    if (h.retries) health["Retries"] = h.retries;
    cfg["Healthcheck"] = health;
  }
  json diff_ids = json::array();
  for (const auto& d : c.diff_ids) diff_ids.push_back(d.str());
  json j = {{"architecture", c.architecture},
            {"os", c.os},
            {"config", cfg},
            {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  if (!c.created.empty()) j["created"] = c.created;
  if (!c.history.empty()) {
    json history = json::array();
    for (const auto& h : c.history) {
      json e = {{"created", h.created.empty() ? Rfc3339Utc(0) : h.created}};
      if (!h.created_by.empty()) e["created_by"] = h.created_by;
      if (!h.comment.empty()) e["comment"] = h.comment;
      if (h.empty_layer) e["empty_layer"] = true;
      history.push_back(e);
    }
    j["history"] = history;
  }
  return j.dump();
}

std::string ToJson(const Manifest& m) {
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(DescriptorJson(l));
  json j = {{"schemaVersion", 2},
            {"mediaType", kMediaTypeManifest},
            {"config", DescriptorJson(m.config)},
            {"layers", layers}};
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j.dump();
}

std::string ToJson(const Index& index) {
  json manifests = json::array();
  for (const auto& d : index.manifests) manifests.push_back(DescriptorJson(d));
  json j = {{"schemaVersion", 2}, {"mediaType", kMediaTypeIndex}, {"manifests", manifests}};
  if (!index.annotations.empty()) j["annotations"] = index.annotations;
  return j.dump();
}

Result<ImageConfig> ParseImageConfig(std::string_view text) {
  FieldReader r("image config");
  SLUICE_ASSIGN_OR_RETURN(json doc, r.Parse(text));
  ImageConfig c;
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "architecture", "architecture", c.architecture));
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "os", "os", c.os));
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "created", "created", c.created));
  const json* cfg = nullptr;
  SLUICE_RETURN_IF_ERROR(r.Object(doc, "config", "config", cfg));
  if (cfg) {
    ContainerConfig& cc = c.config;
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "Env", "config.Env", cc.env));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "Entrypoint", "config.Entrypoint", cc.entrypoint));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "Cmd", "config.Cmd", cc.cmd));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "WorkingDir", "config.WorkingDir", cc.working_dir));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "User", "config.User", cc.user));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "Labels", "config.Labels", cc.labels));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "ExposedPorts", "config.ExposedPorts", cc.exposed_ports));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "Volumes", "config.Volumes", cc.volumes));
    SLUICE_RETURN_IF_ERROR(r.Read(*cfg, "StopSignal", "config.StopSignal", cc.stop_signal));
    const json* health = nullptr;
    SLUICE_RETURN_IF_ERROR(r.Object(*cfg, "Healthcheck", "config.Healthcheck", health));
    if (health) {
      HealthConfig& h = cc.healthcheck.emplace();
      int64_t retries = 0;
      SLUICE_RETURN_IF_ERROR(r.Read(*health, "Test", "config.Healthcheck.Test", h.test));
      SLUICE_RETURN_IF_ERROR(
          r.Read(*health, "Interval", "config.Healthcheck.Interval", h.interval));
      SLUICE_RETURN_IF_ERROR(r.Read(*health, "Timeout", "config.Healthcheck.Timeout", h.timeout));
      SLUICE_RETURN_IF_ERROR(
          r.Read(*health, "StartPeriod", "config.Healthcheck.StartPeriod", h.start_period));
      SLUICE_RETURN_IF_ERROR(
          r.Read(*health, "StartInterval", "config.Healthcheck.StartInterval", h.start_interval));
      SLUICE_RETURN_IF_ERROR(r.Read(*health, "Retries", "config.Healthcheck.Retries", retries));
      h.retries = static_cast<int>(retries);
    }
  }
  const json* rootfs = nullptr;
  SLUICE_RETURN_IF_ERROR(r.Object(doc, "rootfs", "rootfs", rootfs));
  std::vector<std::string> diff_ids;
  if (rootfs) SLUICE_RETURN_IF_ERROR(r.Read(*rootfs, "diff_ids", "rootfs.diff_ids", diff_ids));
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    auto d = ParseDigest(diff_ids[i]);
    if (!d.ok()) return r.Error("rootfs.diff_ids[" + std::to_string(i) + "]", d.status().message());
    c.diff_ids.push_back(*d);
  }
  const json* history = nullptr;
  SLUICE_RETURN_IF_ERROR(r.Array(doc, "history", "history", history));
  for (size_t i = 0; history && i < history->size(); ++i) {
    std::string path = "history[" + std::to_string(i) + "]";
    const json& h = (*history)[i];
    if (!h.is_object()) return r.Error(path, "must be an object");
    HistoryEntry& e = c.history.emplace_back();
    SLUICE_RETURN_IF_ERROR(r.Read(h, "created", path + ".created", e.created));
    SLUICE_RETURN_IF_ERROR(r.Read(h, "created_by", path + ".created_by", e.created_by));
    SLUICE_RETURN_IF_ERROR(r.Read(h, "comment", path + ".comment", e.comment));
    SLUICE_RETURN_IF_ERROR(r.Read(h, "empty_layer", path + ".empty_layer", e.empty_layer));
  }
  return c;
}

Result<Manifest> ParseManifest(std::string_view text) {
  FieldReader r("image manifest");
  SLUICE_ASSIGN_OR_RETURN(json doc, r.Parse(text));
  SLUICE_RETURN_IF_ERROR(CheckSchemaVersion(r, doc));
  Manifest m;
  if (!doc.contains("config")) return r.Error("config", "is required");
  SLUICE_RETURN_IF_ERROR(ReadDescriptor(r, doc["config"], "config", m.config));
  SLUICE_RETURN_IF_ERROR(ReadDescriptors(r, doc, "layers", m.layers));
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "annotations", "annotations", m.annotations));
  return m;
}

Result<Index> ParseIndex(std::string_view text) {
  FieldReader r("image index");
  SLUICE_ASSIGN_OR_RETURN(json doc, r.Parse(text));
  SLUICE_RETURN_IF_ERROR(CheckSchemaVersion(r, doc));
  Index index;
  SLUICE_RETURN_IF_ERROR(ReadDescriptors(r, doc, "manifests", index.manifests));
  SLUICE_RETURN_IF_ERROR(r.Read(doc, "annotations", "annotations", index.annotations));
  return index;
}

}  // namespace sluice::oci
