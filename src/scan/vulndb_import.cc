// VulnDb::Import: one transaction over the whole source, so an import is
// all or nothing (a failure rolls back) and fast (one fsync, not one per
// entry).
#include <string>

#include "scan/vulndb.h"
#include "scan/vulndb_entry.h"
#include "scan/vulndb_impl.h"
#include "scan/vulndb_source.h"

namespace sluice::scan {

namespace {

constexpr size_t kMaxWarnings = 100;

enum class Stored { kNew, kReplaced, kUnchanged };

// Stores `text` under `keys` unless the stored entry is newer, or has the
// same `modified` and the same text (so a re-import writes nothing).
Result<Stored> StoreEntry(VulnDbConnection& impl, const VulnDbKeys& keys, const std::string& text) {
  bool exists = false;
  {
    SqlCursor select(impl.select_entry, "reading a stored vulnerability");
    select.Bind(1, keys.id);
    SLUICE_ASSIGN_OR_RETURN(exists, select.Step());
    if (exists) {
      std::string_view stored_modified = select.Text(0);
      if (stored_modified > keys.modified) return Stored::kUnchanged;
      if (stored_modified == keys.modified && select.Text(1) == text) return Stored::kUnchanged;
    }
  }
  {
    SqlCursor upsert(impl.upsert_entry, "storing a vulnerability");
    upsert.Bind(1, keys.id);
    upsert.Bind(2, keys.modified);
    upsert.Bind(3, text);
    SLUICE_RETURN_IF_ERROR(upsert.Run());
  }
  if (exists) {
    SqlCursor remove(impl.delete_affected, "replacing a vulnerability's packages");
    remove.Bind(1, keys.id);
    SLUICE_RETURN_IF_ERROR(remove.Run());
  }
  for (const auto& [ecosystem, name] : keys.packages) {
    SqlCursor insert(impl.insert_affected, "indexing a vulnerability");
    insert.Bind(1, ecosystem);
    insert.Bind(2, name);
    insert.Bind(3, keys.id);
    SLUICE_RETURN_IF_ERROR(insert.Run());
  }
  return exists ? Stored::kReplaced : Stored::kNew;
}

}  // namespace

Result<VulnDbImport> VulnDb::Import(const std::filesystem::path& source) {
  VulnDbImport result;
  auto skip = [&result](const std::string& origin, const Status& why) {
    ++result.skipped;
    if (result.warnings.size() < kMaxWarnings) {
      result.warnings.push_back(origin + ": skipped: " + why.message());
    }
  };
  auto visit = [&](const std::string& origin, const Result<std::string>& text) -> Status {
    if (!text.ok()) {
      skip(origin, text.status());
      return Status::Ok();
    }
    Result<VulnDbKeys> keys = ParseVulnDbKeys(*text);
    if (!keys.ok()) {
      skip(origin, keys.status());
      return Status::Ok();
    }
    SLUICE_ASSIGN_OR_RETURN(Stored stored, StoreEntry(*impl_, *keys, *text));
    if (stored == Stored::kUnchanged) {
      ++result.unchanged;
    } else {
      ++result.imported;
    }
    return Status::Ok();
  };

  SLUICE_ASSIGN_OR_RETURN(SqlTransaction transaction, SqlTransaction::Begin(impl_->db));
  SLUICE_RETURN_IF_ERROR(ReadVulnDbSource(source, visit));
  SLUICE_RETURN_IF_ERROR(transaction.Commit().Annotate("importing " + source.string()));
  if (result.skipped > static_cast<int64_t>(kMaxWarnings)) {
    result.warnings.push_back("... and " +
                              std::to_string(result.skipped - static_cast<int64_t>(kMaxWarnings)) +
                              " more entries skipped");
  }
  return result;
}

}  // namespace sluice::scan
