#include "store/function_sql.h"

#include <string>

#include "store/function_store.h"

namespace sluice::store::sql {

#define SLUICE_FUNCTION_COLUMNS "name, latest_config_json, last_version, created_ms, updated_ms"
#define SLUICE_VERSION_COLUMNS \
  "function, version, config_json, config_sha256, description, created_ms"
#define SLUICE_ALIAS_COLUMNS                                                      \
  "function, name, version, additional_version, additional_weight, description, " \
  "updated_ms"
#define SLUICE_INVOCATION_COLUMNS                                                     \
  "function, qualifier, version, started_ms, latency_us, status, error_type, input, " \
  "output"

// created_ms and last_version are written only when the function is created.
const std::string_view kPutFunction =
    "INSERT INTO functions (" SLUICE_FUNCTION_COLUMNS
    ") VALUES (?1, ?2, 0, ?3, ?3) "
    "ON CONFLICT (name) DO UPDATE SET latest_config_json = excluded.latest_config_json, "
    "updated_ms = excluded.updated_ms RETURNING " SLUICE_FUNCTION_COLUMNS;
const std::string_view kSelectFunction =
    "SELECT " SLUICE_FUNCTION_COLUMNS " FROM functions WHERE name = ?1";
const std::string_view kListFunctions =
    "SELECT " SLUICE_FUNCTION_COLUMNS " FROM functions ORDER BY name";
const std::string_view kDeleteFunction = "DELETE FROM functions WHERE name = ?1";
const std::string_view kSetLastVersion = "UPDATE functions SET last_version = ?2 WHERE name = ?1";

const std::string_view kInsertVersion =
    "INSERT INTO function_versions (" SLUICE_VERSION_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const std::string_view kSelectVersion =
    "SELECT " SLUICE_VERSION_COLUMNS " FROM function_versions WHERE function = ?1 AND version = ?2";
const std::string_view kSelectLastVersion =
    "SELECT " SLUICE_VERSION_COLUMNS
    " FROM function_versions WHERE function = ?1 ORDER BY version DESC LIMIT 1";
const std::string_view kListVersions =
    "SELECT " SLUICE_VERSION_COLUMNS " FROM function_versions WHERE function = ?1 ORDER BY version";
const std::string_view kDeleteVersion =
    "DELETE FROM function_versions WHERE function = ?1 AND version = ?2";

const std::string_view kPutAlias = "INSERT OR REPLACE INTO function_aliases (" SLUICE_ALIAS_COLUMNS
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const std::string_view kSelectAlias =
    "SELECT " SLUICE_ALIAS_COLUMNS " FROM function_aliases WHERE function = ?1 AND name = ?2";
const std::string_view kListAliases =
    "SELECT " SLUICE_ALIAS_COLUMNS " FROM function_aliases WHERE function = ?1 ORDER BY name";
const std::string_view kAliasesOfVersion =
    "SELECT name FROM function_aliases WHERE function = ?1 AND "
    "(version = ?2 OR additional_version = ?2) ORDER BY name";
const std::string_view kDeleteAlias =
    "DELETE FROM function_aliases WHERE function = ?1 AND name = ?2";

const std::string_view kInsertInvocation =
    "INSERT INTO invocations (" SLUICE_INVOCATION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
// Deletes every row at or below the id of the (keep+1)-th newest; with fewer
// rows the subquery is NULL and nothing matches.
const std::string_view kPruneInvocations =
    "DELETE FROM invocations WHERE function = ?1 AND id <= "
    "(SELECT id FROM invocations WHERE function = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)";
const std::string_view kListInvocations =
    "SELECT id, " SLUICE_INVOCATION_COLUMNS
    " FROM invocations WHERE function = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";

#undef SLUICE_INVOCATION_COLUMNS
#undef SLUICE_ALIAS_COLUMNS
#undef SLUICE_VERSION_COLUMNS
#undef SLUICE_FUNCTION_COLUMNS

namespace {

Result<FunctionConfig> ReadConfig(const Query& q, int column, std::string_view column_name,
                                  const std::string& owner) {
  auto config = ParseFunctionConfigJson(q.Text(column));
  if (!config.ok()) {
    return Status::IoError("column " + std::string(column_name) + " of " + owner +
                           " holds an unreadable configuration (" + config.status().message() +
                           "); the database was changed outside sluice");
  }
  return config;
}

}  // namespace

Result<FunctionRecord> ReadFunction(const Query& q) {
  FunctionRecord r;
  r.name = q.Text(0);
  SLUICE_ASSIGN_OR_RETURN(r.latest, ReadConfig(q, 1, "latest_config_json", "function " + r.name));
  r.last_version = q.Int(2);
  r.created_ms = q.Int(3);
  r.updated_ms = q.Int(4);
  return r;
}

void BindVersion(Query& q, const FunctionVersionRecord& rec) {
  q.Bind(1, rec.function);
  q.Bind(2, rec.version);
  q.Bind(3, FunctionConfigJson(rec.config));
  q.Bind(4, rec.config_sha256);
  q.Bind(5, rec.description);
  q.Bind(6, rec.created_ms);
}

Result<FunctionVersionRecord> ReadVersion(const Query& q) {
  FunctionVersionRecord r;
  r.function = q.Text(0);
  r.version = q.Int(1);
  SLUICE_ASSIGN_OR_RETURN(
      r.config, ReadConfig(q, 2, "config_json",
                           "version " + std::to_string(r.version) + " of function " + r.function));
  r.config_sha256 = q.Text(3);
  r.description = q.Text(4);
  r.created_ms = q.Int(5);
  return r;
}

void BindAlias(Query& q, const FunctionAliasRecord& rec) {
  q.Bind(1, rec.function);
  q.Bind(2, rec.name);
  q.Bind(3, rec.version);
  if (rec.additional_version.has_value()) {
    q.Bind(4, *rec.additional_version);
  } else {
    q.BindNull(4);
  }
  q.BindDouble(5, rec.additional_weight);
  q.Bind(6, rec.description);
  q.Bind(7, rec.updated_ms);
}

FunctionAliasRecord ReadAlias(const Query& q) {
  FunctionAliasRecord r;
  r.function = q.Text(0);
  r.name = q.Text(1);
  r.version = q.Int(2);
  if (!q.IsNull(3)) r.additional_version = q.Int(3);
  r.additional_weight = q.Double(4);
  r.description = q.Text(5);
  r.updated_ms = q.Int(6);
  return r;
}

void BindInvocation(Query& q, const InvocationRecord& rec) {
  q.Bind(1, rec.function);
  q.Bind(2, rec.qualifier);
  q.Bind(3, rec.version);
  q.Bind(4, rec.started_ms);
  q.Bind(5, rec.latency_us);
  q.Bind(6, int64_t{rec.status});
  q.Bind(7, rec.error_type);
  q.Bind(8, rec.input);
  q.Bind(9, rec.output);
}

InvocationRecord ReadInvocation(const Query& q) {
  InvocationRecord r;
  r.id = q.Int(0);
  r.function = q.Text(1);
  r.qualifier = q.Text(2);
  r.version = q.Text(3);
  r.started_ms = q.Int(4);
  r.latency_us = q.Int(5);
  r.status = static_cast<int>(q.Int(6));
  r.error_type = q.Text(7);
  r.input = q.Text(8);
  r.output = q.Text(9);
  return r;
}

}  // namespace sluice::store::sql
