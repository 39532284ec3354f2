// How the function records (function_records.h) map onto the columns of
// migration 6, internal to the store module: the SQL of every cached
// statement of SqliteFunctionStore, and the functions that bind a record to
// it and read one back, side by side as in records.h.
#pragma once

#include <string_view>

#include "common/status.h"
#include "store/function_records.h"
#include "store/statement.h"

namespace sluice::store::sql {

// Functions. Rows are (name, latest_config_json, last_version, created_ms,
// updated_ms).
extern const std::string_view kPutFunction;     // ?1 name, ?2 config, ?3 now; RETURNING the row
extern const std::string_view kSelectFunction;  // ?1 name
extern const std::string_view kListFunctions;
extern const std::string_view kDeleteFunction;  // ?1 name
extern const std::string_view kSetLastVersion;  // ?1 name, ?2 version

// Versions. Rows are (function, version, config_json, config_sha256,
// description, created_ms).
extern const std::string_view kInsertVersion;
extern const std::string_view kSelectVersion;      // ?1 function, ?2 version
extern const std::string_view kSelectLastVersion;  // ?1 function: the highest existing
extern const std::string_view kListVersions;       // ?1 function
extern const std::string_view kDeleteVersion;      // ?1 function, ?2 version

// Aliases. Rows are (function, name, version, additional_version,
// additional_weight, description, updated_ms).
extern const std::string_view kPutAlias;
extern const std::string_view kSelectAlias;       // ?1 function, ?2 name
extern const std::string_view kListAliases;       // ?1 function
extern const std::string_view kAliasesOfVersion;  // ?1 function, ?2 version; names
extern const std::string_view kDeleteAlias;       // ?1 function, ?2 name

// Invocations. Rows are (id, function, qualifier, version, started_ms,
// latency_us, status, error_type, input, output).
extern const std::string_view kInsertInvocation;  // RETURNING id
extern const std::string_view kPruneInvocations;  // ?1 function, ?2 how many to keep
extern const std::string_view kListInvocations;   // ?1 function, ?2 before id, ?3 limit

Result<FunctionRecord> ReadFunction(const Query& q);

void BindVersion(Query& q, const FunctionVersionRecord& rec);
Result<FunctionVersionRecord> ReadVersion(const Query& q);

void BindAlias(Query& q, const FunctionAliasRecord& rec);
FunctionAliasRecord ReadAlias(const Query& q);

void BindInvocation(Query& q, const InvocationRecord& rec);
InvocationRecord ReadInvocation(const Query& q);

}  // namespace sluice::store::sql
