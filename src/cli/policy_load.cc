#include "cli/policy_load.h"

#include <algorithm>
#include <filesystem>

#include "common/files.h"
#include "policy/value_json.h"
#include "policy/yaml_value.h"

namespace sluice::cli {

namespace fs = std::filesystem;
using policy::Value;

Result<Value> ReadPolicyDocument(const fs::path& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (path.extension() == ".json") {
    Result<Value> v = policy::ParseJson(text);
    if (!v.ok()) return v.status().Annotate(path.string());
    return v;
  }
  return policy::ParseYaml(text, path.string());
}

namespace {

bool IsDataFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

// `value` placed under `path` (folder names), e.g. {"a": {"b": value}}.
Value Nest(Value value, const std::vector<std::string>& path) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    value = Value::Object({{Value::String(*it), std::move(value)}});
  }
  return value;
}

// Deep merge of two objects; a conflict (two non-object values at one path)
// is an error naming the path.
Result<Value> Merge(const Value& a, const Value& b, const std::string& where) {
  if (!a.IsObject() || !b.IsObject()) {
    return Status::InvalidArgument("data conflict at " + (where.empty() ? "data" : where) +
                                   ": two files set it");
  }
  std::vector<policy::ObjectEntry> entries(a.ObjectEntries().begin(), a.ObjectEntries().end());
  for (const policy::ObjectEntry& e : b.ObjectEntries()) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const policy::ObjectEntry& x) { return x.key == e.key; });
    if (it == entries.end()) {
      entries.push_back(e);
    } else {
      const std::string key = e.key.IsString() ? std::string(e.key.AsString()) : "?";
      SLUICE_ASSIGN_OR_RETURN(it->value, Merge(it->value, e.value, where + "." + key));
    }
  }
  return Value::Object(std::move(entries));
}

Status AddDataFile(const fs::path& file, const std::vector<std::string>& path, Value* data) {
  SLUICE_ASSIGN_OR_RETURN(Value doc, ReadPolicyDocument(file));
  SLUICE_ASSIGN_OR_RETURN(*data, Merge(*data, Nest(std::move(doc), path), "data"));
  return Status::Ok();
}

}  // namespace

Status LoadPolicyPaths(const std::vector<std::string>& paths, const std::vector<std::string>& data_files,
                       policy::QueryRequest* request) {
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path root(arg);
    if (fs::is_directory(root, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        if (file.extension() == ".rego") {
          SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
          request->modules.push_back({file.string(), std::move(text)});
        } else if (IsDataFile(file)) {
          std::vector<std::string> path;
          for (const auto& part : file.parent_path().lexically_relative(root)) {
            if (part != ".") path.push_back(part.string());
          }
          SLUICE_RETURN_IF_ERROR(AddDataFile(file, path, &request->data));
        }
      }
    } else if (root.extension() == ".rego") {
      SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(root));
      request->modules.push_back({arg, std::move(text)});
    } else if (IsDataFile(root)) {
      SLUICE_RETURN_IF_ERROR(AddDataFile(root, {}, &request->data));
    } else if (!fs::exists(root, ec)) {
      return Status::NotFound(arg + ": no such file or directory");
    } else {
      return Status::InvalidArgument(arg + ": not a .rego, .json or .yaml file");
    }
  }
  for (const std::string& file : data_files) {
    SLUICE_RETURN_IF_ERROR(AddDataFile(file, {}, &request->data));
  }
  return Status::Ok();
}


}  // namespace sluice::cli
