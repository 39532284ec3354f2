// Functions, versions, aliases and invocation samples in the state database
// (function_records.h says what each record means). Store::functions()
// gives the SQLite implementation; in-memory fakes may implement it for
// unit tests.
//
// Errors: NotFound names the function, version or alias that is missing
// (every call about one function answers NotFound when it does not exist);
// InvalidArgument names the field and the rule broken (bad name, weight out
// of range, an alias on $LATEST); IoError for the database. Nothing is
// half-written: each call is one transaction.
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/function_records.h"

namespace sluice::store {

// The canonical JSON of a configuration (keys sorted, every field present);
// FunctionVersionRecord::config_sha256 is the SHA-256 of this text.
std::string FunctionConfigJson(const FunctionConfig& config);
Result<FunctionConfig> ParseFunctionConfigJson(const std::string& text);

// A function name is 1-64 of [A-Za-z0-9_-]; an alias name is 1-128 of
// [A-Za-z0-9_-], not all digits (it would read as a version) and not
// "$LATEST". InvalidArgument says which rule, quoting the name.
Status CheckFunctionName(const std::string& name);
Status CheckAliasName(const std::string& name);

class FunctionStore {
 public:
  virtual ~FunctionStore() = default;

  // Creates the function or replaces its $LATEST configuration (versions,
  // aliases and last_version are kept). Sets created_ms on creation and
  // updated_ms = `now_ms`. Returns the stored record.
  virtual Result<FunctionRecord> PutFunction(const std::string& name, const FunctionConfig& latest,
                                             int64_t now_ms) = 0;
  virtual Result<FunctionRecord> GetFunction(const std::string& name) const = 0;
  // By name.
  virtual Result<std::vector<FunctionRecord>> ListFunctions() const = 0;
  // The function with its versions, aliases and invocations.
  virtual Status DeleteFunction(const std::string& name) = 0;

  // Snapshots $LATEST as version last_version + 1, unless $LATEST equals the
  // configuration of the highest-numbered version that still exists: then
  // that version is returned and nothing is written. Concurrent publishes,
  // from threads or processes, get distinct numbers.
  virtual Result<FunctionVersionRecord> PublishVersion(const std::string& function,
                                                       const std::string& description,
                                                       int64_t now_ms) = 0;
  virtual Result<FunctionVersionRecord> GetVersion(const std::string& function,
                                                   int64_t version) const = 0;
  // Ascending by number.
  virtual Result<std::vector<FunctionVersionRecord>> ListVersions(
      const std::string& function) const = 0;
  // FailedPrecondition when an alias points at it (name the alias).
  virtual Status DeleteVersion(const std::string& function, int64_t version) = 0;

  // Creates or replaces the alias. Both versions must exist and differ;
  // additional_weight must be in [0, 1] (a weight with no additional
  // version is InvalidArgument). updated_ms is set to `now_ms`.
  virtual Status PutAlias(const FunctionAliasRecord& alias, int64_t now_ms) = 0;
  virtual Result<FunctionAliasRecord> GetAlias(const std::string& function,
                                               const std::string& name) const = 0;
  // By name.
  virtual Result<std::vector<FunctionAliasRecord>> ListAliases(
      const std::string& function) const = 0;
  virtual Status DeleteAlias(const std::string& function, const std::string& name) = 0;

  // Appends the records (ids assigned once committed, increasing, never
  // reused) and keeps at most `keep_per_function` newest records of each
  // function touched, deleting older ones (<= 0: keeps all). NotFound, and
  // nothing written, when a record names a function that does not exist.
  virtual Status AddInvocations(std::vector<InvocationRecord>* records, int keep_per_function) = 0;
  // Newest (most recently added) first; at most `limit` (<= 0: all); only
  // ids below `before_id` when it is > 0 (paging: pass the last id seen).
  virtual Result<std::vector<InvocationRecord>> ListInvocations(const std::string& function,
                                                                int limit,
                                                                int64_t before_id) const = 0;
};

}  // namespace sluice::store
