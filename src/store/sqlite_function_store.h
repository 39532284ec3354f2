// SqliteFunctionStore: the FunctionStore of function_store.h on SqliteStore's
// connection, internal to the store module (others reach it through
// Store::functions()).
//
// It owns its prepared statements but neither the connection nor the mutex:
// both belong to the SqliteStore, which must outlive it and destroys it
// before closing the connection. Every call holds that mutex for its whole
// transaction, as the SqliteStore's own calls do, so calls from any thread
// never interleave on the connection. Across processes, writes that read
// before they write (PublishVersion, PutAlias, DeleteVersion,
// AddInvocations) run under BEGIN IMMEDIATE, which takes SQLite's write lock
// first.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/function_store.h"
#include "store/statement.h"

namespace sluice::store {

class SqliteFunctionStore final : public FunctionStore {
 public:
  // Prepares the statements on `db`, whose schema must include migration 6.
  static Result<std::unique_ptr<SqliteFunctionStore>> Open(sqlite3* db, std::mutex& mu);
  SqliteFunctionStore(const SqliteFunctionStore&) = delete;
  SqliteFunctionStore& operator=(const SqliteFunctionStore&) = delete;

  Result<FunctionRecord> PutFunction(const std::string& name, const FunctionConfig& latest,
                                     int64_t now_ms) override;
  Result<FunctionRecord> GetFunction(const std::string& name) const override;
  Result<std::vector<FunctionRecord>> ListFunctions() const override;
  Status DeleteFunction(const std::string& name) override;

  Result<FunctionVersionRecord> PublishVersion(const std::string& function,
                                               const std::string& description,
                                               int64_t now_ms) override;
  Result<FunctionVersionRecord> GetVersion(const std::string& function,
                                           int64_t version) const override;
  Result<std::vector<FunctionVersionRecord>> ListVersions(
      const std::string& function) const override;
  Status DeleteVersion(const std::string& function, int64_t version) override;

  Status PutAlias(const FunctionAliasRecord& alias, int64_t now_ms) override;
  Result<FunctionAliasRecord> GetAlias(const std::string& function,
                                       const std::string& name) const override;
  Result<std::vector<FunctionAliasRecord>> ListAliases(const std::string& function) const override;
  Status DeleteAlias(const std::string& function, const std::string& name) override;

  Status AddInvocations(std::vector<InvocationRecord>* records, int keep_per_function) override;
  Result<std::vector<InvocationRecord>> ListInvocations(const std::string& function, int limit,
                                                        int64_t before_id) const override;

 private:
  // Cached prepared statements, one per operation (SQL in function_sql.cc).
  struct Statements {
    Statement put_function, select_function, list_functions, delete_function, set_last_version,
        insert_version, select_version, select_last_version, list_versions, delete_version,
        put_alias, select_alias, list_aliases, aliases_of_version, delete_alias, insert_invocation,
        prune_invocations, list_invocations;
  };

  SqliteFunctionStore(sqlite3* db, std::mutex& mu, Statements statements);

  // The helpers below expect mu_ to be held.
  // NotFound naming the function when it does not exist.
  Result<FunctionRecord> FunctionLocked(const std::string& name) const;
  Status CheckFunctionExistsLocked(const std::string& name) const;
  // NotFound naming the version (or the function) when it does not exist.
  Result<FunctionVersionRecord> VersionLocked(const std::string& function, int64_t version) const;

  // Constant after construction.
  sqlite3* const db_;
  std::mutex& mu_;

  // Protected by mu_ (running a statement changes its state).
  mutable Statements statements_;
};

}  // namespace sluice::store
