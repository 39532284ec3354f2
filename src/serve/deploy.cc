#include "serve/deploy.h"

namespace sluice::serve {
namespace {

using nlohmann::json;

json AliasJson(const store::FunctionAliasRecord& a) {
  json j = {{"name", a.name}, {"version", a.version}, {"description", a.description}};
  if (a.additional_version) {
    j["additionalVersion"] = *a.additional_version;
    j["additionalWeight"] = a.additional_weight;
  }
  return j;
}

Result<store::FunctionAliasRecord> AliasFromJson(const json& j, const std::string& function) {
  if (!j.is_object() || !j.contains("name") || !j.contains("version")) {
    return Status::InvalidArgument("a deploy record's alias lacks its name or version");
  }
  store::FunctionAliasRecord a;
  a.function = function;
  a.name = j.value("name", "");
  a.version = j.value("version", int64_t{0});
  a.description = j.value("description", "");
  if (j.contains("additionalVersion")) {
    a.additional_version = j["additionalVersion"].get<int64_t>();
    a.additional_weight = j.value("additionalWeight", 0.0);
  }
  return a;
}

}  // namespace

json DeployRecord::ToJson() const {
  json aliases_json = json::array();
  for (const AliasBefore& a : aliases) {
    json entry = {{"name", a.name}, {"existed", a.existed}};
    if (a.existed) entry["before"] = AliasJson(a.alias);
    aliases_json.push_back(std::move(entry));
  }
  return {{"function", function},
          {"created", created},
          {"previousLatest", json::parse(store::FunctionConfigJson(previous_latest))},
          {"previousLastVersion", previous_last_version},
          {"version", version},
          {"newVersion", new_version},
          {"aliases", std::move(aliases_json)}};
}

Result<DeployRecord> DeployRecord::FromJson(const json& j) {
  if (!j.is_object() || !j.contains("function") || !j.contains("version")) {
    return Status::InvalidArgument("not a deploy record: it lacks the function or the version");
  }
  DeployRecord r;
  try {
    r.function = j.at("function").get<std::string>();
    r.created = j.value("created", false);
    r.previous_last_version = j.value("previousLastVersion", int64_t{0});
    r.version = j.at("version").get<int64_t>();
    r.new_version = j.value("newVersion", false);
    if (j.contains("previousLatest")) {
      SLUICE_ASSIGN_OR_RETURN(r.previous_latest,
                              store::ParseFunctionConfigJson(j["previousLatest"].dump()));
    }
    for (const json& a : j.value("aliases", json::array())) {
      AliasBefore before;
      before.name = a.at("name").get<std::string>();
      before.existed = a.value("existed", false);
      if (before.existed) {
        SLUICE_ASSIGN_OR_RETURN(before.alias, AliasFromJson(a.at("before"), r.function));
      }
      r.aliases.push_back(std::move(before));
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("a deploy record is malformed: ") + e.what());
  }
  return r;
}

Result<DeployRecord> Deploy(store::FunctionStore& functions, const DeployPlan& plan,
                            int64_t now_ms) {
  DeployRecord record;
  record.function = plan.function;
  Result<store::FunctionRecord> existing = functions.GetFunction(plan.function);
  if (existing.ok()) {
    record.previous_latest = existing->latest;
    record.previous_last_version = existing->last_version;
  } else if (existing.status().code() == StatusCode::kNotFound) {
    record.created = true;
  } else {
    return existing.status();
  }
  for (const std::string& name : plan.aliases) {
    DeployRecord::AliasBefore before;
    before.name = name;
    if (!record.created) {
      Result<store::FunctionAliasRecord> alias = functions.GetAlias(plan.function, name);
      if (alias.ok()) {
        before.existed = true;
        before.alias = *alias;
      } else if (alias.status().code() != StatusCode::kNotFound) {
        return alias.status();
      }
    }
    record.aliases.push_back(std::move(before));
  }

  SLUICE_RETURN_IF_ERROR(functions.PutFunction(plan.function, plan.config, now_ms).status());
  SLUICE_ASSIGN_OR_RETURN(store::FunctionVersionRecord published,
                          functions.PublishVersion(plan.function, plan.description, now_ms));
  record.version = published.version;
  record.new_version = published.version > record.previous_last_version;
  for (const DeployRecord::AliasBefore& before : record.aliases) {
    if (plan.canary && before.existed) continue;  // traffic moves by ShiftTraffic
    store::FunctionAliasRecord alias;
    alias.function = plan.function;
    alias.name = before.name;
    alias.version = published.version;
    alias.description = before.existed ? before.alias.description : "";
    SLUICE_RETURN_IF_ERROR(functions.PutAlias(alias, now_ms));
  }
  return record;
}

Status ShiftTraffic(store::FunctionStore& functions, const std::string& function,
                    const std::string& alias_name, int64_t new_version, double percent,
                    int64_t now_ms) {
  if (!(percent >= 0 && percent <= 100)) {
    return Status::InvalidArgument("trafficPercentage must be between 0 and 100, not " +
                                   std::to_string(percent));
  }
  Result<store::FunctionAliasRecord> current = functions.GetAlias(function, alias_name);
  store::FunctionAliasRecord alias;
  if (current.ok()) {
    alias = *current;
  } else if (current.status().code() == StatusCode::kNotFound) {
    alias.function = function;
    alias.name = alias_name;
    alias.version = new_version;  // nothing served before: the new version takes it all
  } else {
    return current.status();
  }
  if (alias.version == new_version || percent >= 100) {
    alias.version = new_version;
    alias.additional_version.reset();
    alias.additional_weight = 0;
  } else if (percent <= 0) {
    alias.additional_version.reset();
    alias.additional_weight = 0;
  } else {
    alias.additional_version = new_version;
    alias.additional_weight = percent / 100.0;
  }
  return functions.PutAlias(alias, now_ms);
}

Status Rollback(store::FunctionStore& functions, const DeployRecord& record, int64_t now_ms) {
  if (record.created) {
    Status deleted = functions.DeleteFunction(record.function);
    return deleted.code() == StatusCode::kNotFound ? Status::Ok() : deleted;
  }
  for (const DeployRecord::AliasBefore& before : record.aliases) {
    Status s = before.existed ? functions.PutAlias(before.alias, now_ms)
                              : functions.DeleteAlias(record.function, before.name);
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  return functions.PutFunction(record.function, record.previous_latest, now_ms).status();
}

}  // namespace sluice::serve
