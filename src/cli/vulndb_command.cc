// sluice vulndb import PATH: fills the local vulnerability database from
// OSV advisories (a directory of entries, OSV's all.zip, or a directory of
// such zips). sluice vulndb import-debian [ARCHIVE]: from the changelogs of
// Debian's security archive (scan/debian_security.h). `sluice image scan`
// reads the database.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/app.h"
#include "scan/debian_security.h"
#include "scan/vulndb.h"

namespace sluice::cli {
namespace {

// Warnings printed before the rest are only counted.
constexpr size_t kWarningsShown = 20;

std::filesystem::path DbFile(const App& app, const std::string& db_flag) {
  return db_flag.empty() ? app.StateDir() / "vulndb.sqlite" : std::filesystem::path(db_flag);
}

Result<scan::VulnDb> OpenDb(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return scan::VulnDb::Open(file);
}

void PrintWarnings(const std::vector<std::string>& warnings) {
  for (size_t i = 0; i < warnings.size() && i < kWarningsShown; ++i) {
    std::cerr << "warning: " << warnings[i] << "\n";
  }
  if (warnings.size() > kWarningsShown) {
    std::cerr << "warning: and " << warnings.size() - kWarningsShown << " more\n";
  }
}

void PrintStored(const scan::VulnDbImport& imported, const std::filesystem::path& file,
                 const scan::VulnDb& db) {
  auto count = db.Count();
  std::cout << "imported " << imported.imported << " advisories (" << imported.unchanged
            << " unchanged, " << imported.skipped << " skipped) into " << file.string();
  if (count.ok()) std::cout << "; " << *count << " in all";
  std::cout << "\n";
}

int Import(const GlobalOptions& options, const std::string& source, const std::string& db_flag) {
  App app(options);
  std::filesystem::path file = DbFile(app, db_flag);
  auto db = OpenDb(file);
  if (!db.ok()) return Fail(db.status());
  auto imported = db->Import(source);
  if (!imported.ok()) return Fail(imported.status());
  PrintWarnings(imported->warnings);
  PrintStored(*imported, file, *db);
  return kExitOk;
}

struct DebianFlags {
  std::string archive{scan::kDebianSecurityArchive};
  std::string db;
  scan::DebianSecurityOptions options;
  bool no_changelogs = false;
};

int ImportDebian(const GlobalOptions& options, DebianFlags flags) {
  App app(options);
  std::filesystem::path file = DbFile(app, flags.db);
  auto archive = scan::OpenDebianArchive(flags.archive);
  if (!archive.ok()) return Fail(archive.status());
  auto db = OpenDb(file);
  if (!db.ok()) return Fail(db.status());
  flags.options.changelogs = !flags.no_changelogs;
  flags.options.changelog_cache = app.StateDir() / "debian-changelogs";
  auto imported = scan::ImportDebianSecurity(*db, **archive, flags.options);
  if (!imported.ok()) return Fail(imported.status());
  for (const std::string& w : imported->stored.warnings) imported->warnings.push_back(w);
  PrintWarnings(imported->warnings);
  std::cout << flags.options.suite << " (" << imported->ecosystem << "): " << imported->sources
            << " source packages";
  if (flags.options.changelogs) {
    std::cout << ", changelogs " << imported->changelogs_read << " read and "
              << imported->changelogs_cached << " cached";
  }
  std::cout << "\n";
  PrintStored(imported->stored, file, *db);
  return kExitOk;
}

}  // namespace

void AddVulnDbCommand(CLI::App& cli, GlobalOptions& options) {
  auto* vulndb = cli.add_subcommand("vulndb", "The local vulnerability database");
  vulndb->require_subcommand(1);
  auto source = std::make_shared<std::string>();
  auto db = std::make_shared<std::string>();
  auto* import = vulndb->add_subcommand(
      "import", "Import OSV advisories: a directory of entries, OSV's all.zip, or zips");
  import->add_option("path", *source, "The directory or zip")->required();
  import->add_option("--db", *db, "The database file (default: <state>/vulndb.sqlite)");
  import->callback([&options, source, db] { std::exit(Import(options, *source, *db));
});

auto debian = std::make_shared<DebianFlags>();
auto* import_debian = vulndb->add_subcommand(
    "import-debian",
    "Import the fixes Debian's security archive holds: each CVE its uploads' changelogs cite, "
    "fixed at that upload's version (changelogs kept in <state>/debian-changelogs)");
import_debian
    ->add_option("archive", debian->archive,
                 "The archive: an http(s) URL or a local mirror with dists/ and pool/")
    ->capture_default_str();
import_debian->add_option("--suite", debian->options.suite, "The suite")->capture_default_str();
import_debian->add_option("--component", debian->options.components, "Components (repeatable)")
    ->capture_default_str();
import_debian->add_option("--arch", debian->options.architecture, "The architecture's index")
    ->capture_default_str();
import_debian->add_flag("--no-changelogs", debian->no_changelogs,
                        "Only the package index: one advisory per source package, no CVE ids");
import_debian->add_option("--jobs", debian->options.jobs, ".deb downloads at once")
    ->capture_default_str();
import_debian->add_option("--db", debian->db, "The database file (default: <state>/vulndb.sqlite)");
import_debian->callback([&options, debian] { std::exit(ImportDebian(options, *debian)); });
}  // namespace sluice::cli

}  // namespace sluice::cli
