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

// Stores `text` under `keys` unless the stored entry has the same text and
// `modified` (so a re-import writes nothing), or, with kWhenNewer, a newer
// `modified`, or, with kWhenDifferent, the same text.
Result<Stored> StoreEntry(VulnDbConnection& impl, const VulnDbKeys& keys, const std::string& text,
                          VulnDb::Replace replace) {
  bool exists = false;
  {
    SqlCursor select(impl.select_entry, "reading a stored vulnerability");
    select.Bind(1, keys.id);
    SLUICE_ASSIGN_OR_RETURN(exists, select.Step());
    if (exists) {
      std::string_view stored_modified = select.Text(0);
      bool same = stored_modified == keys.modified && select.Text(1) == text;
      if (same) return Stored::kUnchanged;
      if (replace == VulnDb::Replace::kWhenNewer && stored_modified > keys.modified) {
        return Stored::kUnchanged;
      }
      if (replace == VulnDb::Replace::kWhenDifferent && select.Text(1) == text) {
        return Stored::kUnchanged;
      }
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

// One import's bookkeeping: counts, and warnings for skipped entries.
class ImportRun {
 public:
  ImportRun(VulnDbConnection& impl, VulnDb::Replace replace) : impl_(impl), replace_(replace) {}

  Status Visit(const std::string& origin, const Result<std::string>& text) {
    if (!text.ok()) {
      Skip(origin, text.status());
      return Status::Ok();
    }
    Result<VulnDbKeys> keys = ParseVulnDbKeys(*text);
    if (!keys.ok()) {
      Skip(origin, keys.status());
      return Status::Ok();
    }
    SLUICE_ASSIGN_OR_RETURN(Stored stored, StoreEntry(impl_, *keys, *text, replace_));
    if (stored == Stored::kUnchanged) {
      ++result_.unchanged;
    } else {
      ++result_.imported;
    }
    return Status::Ok();
  }

  VulnDbImport Finish() {
    if (result_.skipped > static_cast<int64_t>(kMaxWarnings)) {
      result_.warnings.push_back(
          "... and " + std::to_string(result_.skipped - static_cast<int64_t>(kMaxWarnings)) +
          " more entries skipped");
    }
    return std::move(result_);
  }

 private:
  void Skip(const std::string& origin, const Status& why) {
    ++result_.skipped;
    if (result_.warnings.size() < kMaxWarnings) {
      result_.warnings.push_back(origin + ": skipped: " + why.message());
    }
  }

  VulnDbConnection& impl_;
  VulnDb::Replace replace_;
  VulnDbImport result_;
};

}  // namespace

Result<VulnDbImport> VulnDb::Import(const std::filesystem::path& source) {
  ImportRun run(*impl_, Replace::kWhenNewer);
  SLUICE_ASSIGN_OR_RETURN(SqlTransaction transaction, SqlTransaction::Begin(impl_->db));
  SLUICE_RETURN_IF_ERROR(
      ReadVulnDbSource(source, [&run](const std::string& origin, const Result<std::string>& text) {
        return run.Visit(origin, text);
      }));
  SLUICE_RETURN_IF_ERROR(transaction.Commit().Annotate("importing " + source.string()));
  return run.Finish();
}

Result<VulnDbImport> VulnDb::ImportEntries(const std::vector<EntryText>& entries, Replace replace) {
  ImportRun run(*impl_, replace);
  SLUICE_ASSIGN_OR_RETURN(SqlTransaction transaction, SqlTransaction::Begin(impl_->db));
  for (const EntryText& entry : entries) {
    SLUICE_RETURN_IF_ERROR(run.Visit(entry.origin, entry.json));
  }
  SLUICE_RETURN_IF_ERROR(transaction.Commit().Annotate("storing advisories"));
  return run.Finish();
}

}  // namespace sluice::scan
