// Fixtures for the vulnerability database tests: OSV entry texts, files and
// zips written from test code (zips with libarchive's writer, so the tests
// need no zip tool).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sluice::scan::vulndb_test {

// A minimal OSV entry affecting one package.
inline std::string OsvEntryText(const std::string& id, const std::string& modified,
                                const std::string& ecosystem, const std::string& name,
                                const std::string& summary = "") {
  nlohmann::json entry = {
      {"schema_version", "1.6.0"},
      {"id", id},
      {"modified", modified},
      {"summary", summary},
      {"affected",
       {{{"package", {{"ecosystem", ecosystem}, {"name", name}}},
         {"ranges", {{{"type", "ECOSYSTEM"}, {"events", {{{"introduced", "0"}}}}}}}}}},
  };
  return entry.dump();
}

inline void WriteTextFile(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << file;
}

// Writes a zip holding `members` (name, content), deflated as OSV's are,
// or stored uncompressed (so that a test can find and damage a member).
inline void WriteZip(const std::filesystem::path& file,
                     const std::vector<std::pair<std::string, std::string>>& members,
                     bool stored = false) {
  std::filesystem::create_directories(file.parent_path());
  struct Free {
    void operator()(archive* a) const { archive_write_free(a); }
  };
  std::unique_ptr<archive, Free> a(archive_write_new());
  ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
  if (stored) {
    ASSERT_EQ(archive_write_set_format_option(a.get(), "zip", "compression", "store"), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_open_filename(a.get(), file.c_str()), ARCHIVE_OK)
      << archive_error_string(a.get());
  for (const auto& [name, content] : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        &archive_entry_free);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
    ASSERT_EQ(archive_write_header(a.get(), entry.get()), ARCHIVE_OK)
        << archive_error_string(a.get());
    ASSERT_EQ(archive_write_data(a.get(), content.data(), content.size()),
              static_cast<la_ssize_t>(content.size()));
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK) << archive_error_string(a.get());
}

}  // namespace sluice::scan::vulndb_test
