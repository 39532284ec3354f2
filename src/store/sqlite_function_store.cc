#include "store/sqlite_function_store.h"

#include <cstdint>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "common/hash.h"
#include "common/text.h"
#include "store/function_sql.h"

namespace sluice::store {

namespace {

using Lock = std::lock_guard<std::mutex>;

Status NoSuchFunction(const std::string& name) {
  return Status::NotFound("no function \"" + name + "\"; `sluice functions list` shows them");
}

Status NoSuchVersion(const std::string& function, int64_t version) {
  return Status::NotFound("function \"" + function + "\" has no version " +
                          std::to_string(version) + "; `sluice functions versions " + function +
                          "` lists them");
}

Status NoSuchAlias(const std::string& function, const std::string& name) {
  return Status::NotFound("function \"" + function + "\" has no alias \"" + name + "\"");
}

// JSON, and so the stored configuration, must be UTF-8; a field that is not
// would come back changed. Names the field, never its text (env values may
// be sensitive).
Status CheckConfigText(const std::string& function, const FunctionConfig& config) {
  auto bad = [&](const std::string& field) {
    return Status::InvalidArgument("function \"" + function + "\": configuration field " + field +
                                   " is not valid UTF-8 text");
  };
  auto valid = [](const std::string& text) { return ToValidUtf8(text) == text; };
  if (!valid(config.image)) return bad("image");
  if (!valid(config.image_digest)) return bad("image_digest");
  if (!valid(config.handler)) return bad("handler");
  if (!valid(config.description)) return bad("description");
  for (size_t i = 0; i < config.command.size(); ++i) {
    if (!valid(config.command[i])) return bad("command[" + std::to_string(i) + "]");
  }
  for (const auto& [key, value] : config.env) {
    if (!valid(key)) return bad("env (a variable's name)");
    if (!valid(value)) return bad("env[" + key + "]");
  }
  return Status::Ok();
}

std::string FormatWeight(double weight) {
  std::ostringstream out;
  out << weight;
  return out.str();
}

// The rules of an alias that need no database: name, versions, weight.
Status CheckAliasShape(const FunctionAliasRecord& alias) {
  SLUICE_RETURN_IF_ERROR(CheckAliasName(alias.name));
  const std::string where = "alias \"" + alias.name + "\" of function \"" + alias.function + "\": ";
  if (alias.version < 1) {
    return Status::InvalidArgument(where + "version " + std::to_string(alias.version) +
                                   " is not a published version number (1, 2, ...); an alias "
                                   "cannot point at $LATEST, publish a version first");
  }
  if (alias.additional_version.has_value()) {
    if (*alias.additional_version < 1) {
      return Status::InvalidArgument(where + "additional version " +
                                     std::to_string(*alias.additional_version) +
                                     " is not a published version number (1, 2, ...); routing "
                                     "cannot send traffic to $LATEST");
    }
    if (*alias.additional_version == alias.version) {
      return Status::InvalidArgument(where + "additional version " + std::to_string(alias.version) +
                                     " is the alias's own version; route to a different version or "
                                     "drop the additional version");
    }
  }
  // Written so that NaN fails too.
  if (!(alias.additional_weight >= 0 && alias.additional_weight <= 1)) {
    return Status::InvalidArgument(where + "additional weight " +
                                   FormatWeight(alias.additional_weight) +
                                   " is out of range; give a share between 0 and 1");
  }
  if (!alias.additional_version.has_value() && alias.additional_weight != 0) {
    return Status::InvalidArgument(where + "additional weight " +
                                   FormatWeight(alias.additional_weight) +
                                   " is set without an additional version; name the version that "
                                   "takes that share");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteFunctionStore>> SqliteFunctionStore::Open(sqlite3* db,
                                                                       std::mutex& mu) {
  Statements s;
  std::pair<Statement*, std::string_view> all[] = {
      {&s.put_function, sql::kPutFunction},
      {&s.select_function, sql::kSelectFunction},
      {&s.list_functions, sql::kListFunctions},
      {&s.delete_function, sql::kDeleteFunction},
      {&s.set_last_version, sql::kSetLastVersion},
      {&s.insert_version, sql::kInsertVersion},
      {&s.select_version, sql::kSelectVersion},
      {&s.select_last_version, sql::kSelectLastVersion},
      {&s.list_versions, sql::kListVersions},
      {&s.delete_version, sql::kDeleteVersion},
      {&s.put_alias, sql::kPutAlias},
      {&s.select_alias, sql::kSelectAlias},
      {&s.list_aliases, sql::kListAliases},
      {&s.aliases_of_version, sql::kAliasesOfVersion},
      {&s.delete_alias, sql::kDeleteAlias},
      {&s.insert_invocation, sql::kInsertInvocation},
      {&s.prune_invocations, sql::kPruneInvocations},
      {&s.list_invocations, sql::kListInvocations},
  };
  for (auto& [stmt, text] : all) {
    SLUICE_ASSIGN_OR_RETURN(*stmt, Statement::Prepare(db, text));
  }
  return std::unique_ptr<SqliteFunctionStore>(new SqliteFunctionStore(db, mu, std::move(s)));
}

SqliteFunctionStore::SqliteFunctionStore(sqlite3* db, std::mutex& mu, Statements statements)
    : db_(db), mu_(mu), statements_(std::move(statements)) {}

Result<FunctionRecord> SqliteFunctionStore::FunctionLocked(const std::string& name) const {
  const std::string what = "reading function " + name;
  Query q(statements_.select_function, what);
  q.Bind(1, name);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NoSuchFunction(name);
  return sql::ReadFunction(q);
}

Status SqliteFunctionStore::CheckFunctionExistsLocked(const std::string& name) const {
  return FunctionLocked(name).status();
}

Result<FunctionVersionRecord> SqliteFunctionStore::VersionLocked(const std::string& function,
                                                                 int64_t version) const {
  {
    const std::string what =
        "reading version " + std::to_string(version) + " of function " + function;
    Query q(statements_.select_version, what);
    q.Bind(1, function);
    q.Bind(2, version);
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) return sql::ReadVersion(q);
  }
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  return NoSuchVersion(function, version);
}

Result<FunctionRecord> SqliteFunctionStore::PutFunction(const std::string& name,
                                                        const FunctionConfig& latest,
                                                        int64_t now_ms) {
  SLUICE_RETURN_IF_ERROR(CheckFunctionName(name));
  SLUICE_RETURN_IF_ERROR(CheckConfigText(name, latest));
  Lock lock(mu_);
  const std::string what = "storing function " + name;
  Query q(statements_.put_function, what);
  q.Bind(1, name);
  q.Bind(2, FunctionConfigJson(latest));
  q.Bind(3, now_ms);
  SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Internal(what + ": the INSERT returned no row");
  SLUICE_ASSIGN_OR_RETURN(FunctionRecord stored, sql::ReadFunction(q));
  // The statement commits when it runs to its end.
  SLUICE_RETURN_IF_ERROR(q.Run());
  return stored;
}

Result<FunctionRecord> SqliteFunctionStore::GetFunction(const std::string& name) const {
  Lock lock(mu_);
  return FunctionLocked(name);
}

Result<std::vector<FunctionRecord>> SqliteFunctionStore::ListFunctions() const {
  Lock lock(mu_);
  Query q(statements_.list_functions, "listing functions");
  std::vector<FunctionRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(FunctionRecord rec, sql::ReadFunction(q));
    out.push_back(std::move(rec));
  }
  return out;
}

Status SqliteFunctionStore::DeleteFunction(const std::string& name) {
  Lock lock(mu_);
  const std::string what = "deleting function " + name;
  Query q(statements_.delete_function, what);
  q.Bind(1, name);
  // Versions, aliases and invocations go with it (ON DELETE CASCADE).
  SLUICE_RETURN_IF_ERROR(q.Run());
  if (q.changes() == 0) return NoSuchFunction(name);
  return Status::Ok();
}

Result<FunctionVersionRecord> SqliteFunctionStore::PublishVersion(const std::string& function,
                                                                  const std::string& description,
                                                                  int64_t now_ms) {
  Lock lock(mu_);
  const std::string what = "publishing a version of function " + function;
  FunctionVersionRecord published;
  Status done = InTransaction(db_, what, [&]() -> Status {
    SLUICE_ASSIGN_OR_RETURN(FunctionRecord fn, FunctionLocked(function));
    const std::string sha = Sha256Hex(FunctionConfigJson(fn.latest));
    {
      // The last version that still exists: when $LATEST is what it holds,
      // publishing again would only make a copy.
      Query q(statements_.select_last_version, what);
      q.Bind(1, function);
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) {
        SLUICE_ASSIGN_OR_RETURN(FunctionVersionRecord last, sql::ReadVersion(q));
        if (last.config_sha256 == sha) {
          published = std::move(last);
          return Status::Ok();
        }
      }
    }
    // last_version counts deleted versions too, so a number is never reused.
    FunctionVersionRecord rec;
    rec.function = function;
    rec.version = fn.last_version + 1;
    rec.config = fn.latest;
    rec.config_sha256 = sha;
    rec.description = description;
    rec.created_ms = now_ms;
    {
      Query q(statements_.insert_version, what);
      sql::BindVersion(q, rec);
      SLUICE_RETURN_IF_ERROR(q.Run());
    }
    Query q(statements_.set_last_version, what);
    q.Bind(1, function);
    q.Bind(2, rec.version);
    SLUICE_RETURN_IF_ERROR(q.Run());
    published = std::move(rec);
    return Status::Ok();
  });
  if (!done.ok()) return done;
  return published;
}

Result<FunctionVersionRecord> SqliteFunctionStore::GetVersion(const std::string& function,
                                                              int64_t version) const {
  Lock lock(mu_);
  return VersionLocked(function, version);
}

Result<std::vector<FunctionVersionRecord>> SqliteFunctionStore::ListVersions(
    const std::string& function) const {
  Lock lock(mu_);
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  const std::string what = "listing the versions of function " + function;
  Query q(statements_.list_versions, what);
  q.Bind(1, function);
  std::vector<FunctionVersionRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    SLUICE_ASSIGN_OR_RETURN(FunctionVersionRecord rec, sql::ReadVersion(q));
    out.push_back(std::move(rec));
  }
  return out;
}

Status SqliteFunctionStore::DeleteVersion(const std::string& function, int64_t version) {
  Lock lock(mu_);
  const std::string what =
      "deleting version " + std::to_string(version) + " of function " + function;
  return InTransaction(db_, what, [&]() -> Status {
    SLUICE_RETURN_IF_ERROR(VersionLocked(function, version).status());
    std::vector<std::string> aliases;
    {
      Query q(statements_.aliases_of_version, what);
      q.Bind(1, function);
      q.Bind(2, version);
      while (true) {
        SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        aliases.push_back(q.Text(0));
      }
    }
    if (!aliases.empty()) {
      std::string names;
      for (const std::string& a : aliases) names += (names.empty() ? "\"" : ", \"") + a + "\"";
      return Status::FailedPrecondition(
          "version " + std::to_string(version) + " of function \"" + function +
          "\" cannot be deleted: alias" + (aliases.size() > 1 ? "es " : " ") + names + " point" +
          (aliases.size() > 1 ? "" : "s") + " at it; move or delete the alias first");
    }
    Query q(statements_.delete_version, what);
    q.Bind(1, function);
    q.Bind(2, version);
    return q.Run();
  });
}

Status SqliteFunctionStore::PutAlias(const FunctionAliasRecord& alias, int64_t now_ms) {
  SLUICE_RETURN_IF_ERROR(CheckAliasShape(alias));
  Lock lock(mu_);
  const std::string what = "storing alias " + alias.name + " of function " + alias.function;
  return InTransaction(db_, what, [&]() -> Status {
    SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(alias.function));
    SLUICE_RETURN_IF_ERROR(VersionLocked(alias.function, alias.version).status());
    if (alias.additional_version.has_value()) {
      SLUICE_RETURN_IF_ERROR(VersionLocked(alias.function, *alias.additional_version).status());
    }
    FunctionAliasRecord stored = alias;
    stored.updated_ms = now_ms;
    Query q(statements_.put_alias, what);
    sql::BindAlias(q, stored);
    return q.Run();
  });
}

Result<FunctionAliasRecord> SqliteFunctionStore::GetAlias(const std::string& function,
                                                          const std::string& name) const {
  Lock lock(mu_);
  {
    const std::string what = "reading alias " + name + " of function " + function;
    Query q(statements_.select_alias, what);
    q.Bind(1, function);
    q.Bind(2, name);
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) return sql::ReadAlias(q);
  }
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  return NoSuchAlias(function, name);
}

Result<std::vector<FunctionAliasRecord>> SqliteFunctionStore::ListAliases(
    const std::string& function) const {
  Lock lock(mu_);
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  const std::string what = "listing the aliases of function " + function;
  Query q(statements_.list_aliases, what);
  q.Bind(1, function);
  std::vector<FunctionAliasRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(sql::ReadAlias(q));
  }
  return out;
}

Status SqliteFunctionStore::DeleteAlias(const std::string& function, const std::string& name) {
  Lock lock(mu_);
  {
    const std::string what = "deleting alias " + name + " of function " + function;
    Query q(statements_.delete_alias, what);
    q.Bind(1, function);
    q.Bind(2, name);
    SLUICE_RETURN_IF_ERROR(q.Run());
    if (q.changes() > 0) return Status::Ok();
  }
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  return NoSuchAlias(function, name);
}

Status SqliteFunctionStore::AddInvocations(std::vector<InvocationRecord>* records,
                                           int keep_per_function) {
  if (records->empty()) return Status::Ok();
  std::set<std::string> functions;
  for (const InvocationRecord& r : *records) functions.insert(r.function);
  Lock lock(mu_);
  const std::string what = "recording invocations of function " + *functions.begin() +
                           (functions.size() > 1 ? " and others" : "");
  std::vector<int64_t> ids;
  Status done = InTransaction(db_, what, [&]() -> Status {
    for (const std::string& f : functions) SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(f));
    for (const InvocationRecord& r : *records) {
      Query q(statements_.insert_invocation, what);
      sql::BindInvocation(q, r);
      SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Internal(what + ": the INSERT returned no id");
      ids.push_back(q.Int(0));
      SLUICE_RETURN_IF_ERROR(q.Run());
    }
    if (keep_per_function <= 0) return Status::Ok();
    for (const std::string& f : functions) {
      Query q(statements_.prune_invocations, what);
      q.Bind(1, f);
      q.Bind(2, int64_t{keep_per_function});
      SLUICE_RETURN_IF_ERROR(q.Run());
    }
    return Status::Ok();
  });
  if (!done.ok()) return done;
  // Ids are handed out only once they are committed.
  for (size_t i = 0; i < ids.size(); ++i) (*records)[i].id = ids[i];
  return Status::Ok();
}

Result<std::vector<InvocationRecord>> SqliteFunctionStore::ListInvocations(
    const std::string& function, int limit, int64_t before_id) const {
  Lock lock(mu_);
  SLUICE_RETURN_IF_ERROR(CheckFunctionExistsLocked(function));
  const std::string what = "listing the invocations of function " + function;
  Query q(statements_.list_invocations, what);
  q.Bind(1, function);
  q.Bind(2, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
  q.Bind(3, int64_t{limit > 0 ? limit : -1});
  std::vector<InvocationRecord> out;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(sql::ReadInvocation(q));
  }
  return out;
}

}  // namespace sluice::store
