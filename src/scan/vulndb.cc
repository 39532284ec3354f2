#include "scan/vulndb.h"

#include "scan/vulndb_entry.h"
#include "scan/vulndb_impl.h"
#include "scan/vulndb_schema.h"

namespace sluice::scan {

Result<VulnDb> VulnDb::Open(const std::filesystem::path& file) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  SLUICE_ASSIGN_OR_RETURN(impl->db, SqliteDb::Open(file));
  SLUICE_RETURN_IF_ERROR(PrepareVulnDbSchema(impl->db, file));
  sqlite3* db = impl->db.get();
  SLUICE_ASSIGN_OR_RETURN(
      impl->select_entry,
      SqlStatement::Prepare(db, "SELECT modified, json FROM entries WHERE id = ?1"));
  SLUICE_ASSIGN_OR_RETURN(
      impl->upsert_entry,
      SqlStatement::Prepare(db,
                            "INSERT INTO entries (id, modified, json) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, "
                            "json = excluded.json"));
  SLUICE_ASSIGN_OR_RETURN(impl->delete_affected,
                          SqlStatement::Prepare(db, "DELETE FROM affected WHERE id = ?1"));
  SLUICE_ASSIGN_OR_RETURN(
      impl->insert_affected,
      SqlStatement::Prepare(db,
                            "INSERT OR IGNORE INTO affected (ecosystem, name, id) "
                            "VALUES (?1, ?2, ?3)"));
  SLUICE_ASSIGN_OR_RETURN(
      impl->entries_for,
      SqlStatement::Prepare(db,
                            "SELECT e.json FROM affected a JOIN entries e ON e.id = a.id "
                            "WHERE a.ecosystem = ?1 AND a.name = ?2 ORDER BY a.id"));
  SLUICE_ASSIGN_OR_RETURN(impl->count, SqlStatement::Prepare(db, "SELECT count(*) FROM entries"));
  return VulnDb(std::move(impl));
}

VulnDb::VulnDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VulnDb::VulnDb(VulnDb&&) noexcept = default;
VulnDb& VulnDb::operator=(VulnDb&&) noexcept = default;
VulnDb::~VulnDb() = default;

Result<std::vector<std::string>> VulnDb::EntriesFor(std::string_view ecosystem,
                                                    std::string_view name) const {
  // Tolerates a ':' suffix although the contract asks for none.
  std::string_view ecosystem_key = VulnDbEcosystem(ecosystem);
  std::string name_key = VulnDbPackageName(ecosystem_key, name);
  SqlCursor cursor(impl_->entries_for, "reading vulnerabilities");
  cursor.Bind(1, ecosystem_key);
  cursor.Bind(2, name_key);
  std::vector<std::string> entries;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool row, cursor.Step());
    if (!row) return entries;
    entries.emplace_back(cursor.Text(0));
  }
}

Result<int64_t> VulnDb::Count() const {
  SqlCursor cursor(impl_->count, "counting vulnerabilities");
  SLUICE_ASSIGN_OR_RETURN(bool row, cursor.Step());
  return row ? cursor.Int(0) : 0;
}

}  // namespace sluice::scan
