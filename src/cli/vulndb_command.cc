// sluice vulndb import PATH: fills the local vulnerability database from
// OSV advisories (a directory of entries, OSV's all.zip, or a directory of
// such zips). `sluice image scan` reads it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/app.h"
#include "scan/vulndb.h"

namespace sluice::cli {
namespace {

// Warnings printed before the rest are only counted.
constexpr size_t kWarningsShown = 20;

int Import(const GlobalOptions& options, const std::string& source, const std::string& db_flag) {
  App app(options);
  std::filesystem::path file =
      db_flag.empty() ? app.StateDir() / "vulndb.sqlite" : std::filesystem::path(db_flag);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto db = scan::VulnDb::Open(file);
  if (!db.ok()) return Fail(db.status());
  auto imported = db->Import(source);
  if (!imported.ok()) return Fail(imported.status());
  for (size_t i = 0; i < imported->warnings.size() && i < kWarningsShown; ++i) {
    std::cerr << "warning: " << imported->warnings[i] << "\n";
  }
  if (imported->warnings.size() > kWarningsShown) {
    std::cerr << "warning: and " << imported->warnings.size() - kWarningsShown << " more\n";
  }
  auto count = db->Count();
  std::cout << "imported " << imported->imported << " advisories (" << imported->unchanged
            << " unchanged, " << imported->skipped << " skipped) into " << file.string();
  if (count.ok()) std::cout << "; " << *count << " in all";
  std::cout << "\n";
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
}  // namespace sluice::cli

}  // namespace sluice::cli
