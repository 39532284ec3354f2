#include "scan/vulndb_source.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <system_error>
#include <vector>

#include "common/files.h"

namespace sluice::scan {

namespace fs = std::filesystem;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Local file header, or end of central directory (an empty zip), or the
// spanning marker that may precede the first header.
Result<bool> LooksLikeZip(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + file.string());
  char magic[4] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != 4 || magic[0] != 'P' || magic[1] != 'K') return false;
  return (magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6) ||
         (magic[2] == 7 && magic[3] == 8);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ArchiveMessage(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown libarchive error";
}

// One member's data; InvalidArgument when only this member is unreadable,
// IoError when the archive itself broke and reading cannot go on.
Result<std::string> ReadMember(archive* a, archive_entry* entry) {
  if (archive_entry_size_is_set(entry) &&
      static_cast<uint64_t>(archive_entry_size(entry)) > kMaxVulnDbEntryBytes) {
    return Status::InvalidArgument("larger than " + std::to_string(kMaxVulnDbEntryBytes >> 20) +
                                   " MiB");
  }
  std::string text;
  char buffer[1 << 16];
  while (true) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n == ARCHIVE_FATAL) return Status::IoError(ArchiveMessage(a));
    if (n < 0) return Status::InvalidArgument("unreadable zip member: " + ArchiveMessage(a));
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxVulnDbEntryBytes) {
      return Status::InvalidArgument("larger than " + std::to_string(kMaxVulnDbEntryBytes >> 20) +
                                     " MiB");
    }
  }
}

Status ReadZip(const fs::path& zip, const VulnDbEntryVisitor& visit) {
  SLUICE_ASSIGN_OR_RETURN(bool is_zip, LooksLikeZip(zip));
  if (!is_zip) {
    return Status::InvalidArgument(zip.string() +
                                   " is neither a directory nor a zip of OSV entries");
  }
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status::IoError("cannot read zip " + zip.string() + ": " + ArchiveMessage(a.get()));
  }
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) return Status::Ok();
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return Status::IoError("cannot read zip " + zip.string() + ": " + ArchiveMessage(a.get()) +
                             " (is it complete? download it again)");
    }
    const char* raw_name = archive_entry_pathname(entry);
    std::string name = raw_name != nullptr ? raw_name : "";
    if (archive_entry_filetype(entry) != AE_IFREG || !EndsWith(name, ".json")) continue;
    std::string origin = zip.string() + " (member " + name + ")";
    Result<std::string> text = ReadMember(a.get(), entry);
    if (text.status().code() == StatusCode::kIoError) {
      return Status::IoError("cannot read zip " + origin + ": " + text.status().message() +
                             " (is it complete? download it again)");
    }
    SLUICE_RETURN_IF_ERROR(visit(origin, text));
  }
}

Status ReadJsonFile(const fs::path& file, const VulnDbEntryVisitor& visit) {
  std::error_code ec;
  uintmax_t size = fs::file_size(file, ec);
  if (ec) return Status::IoError("cannot read " + file.string() + ": " + ec.message());
  if (size > kMaxVulnDbEntryBytes) {
    return visit(file.string(),
                 Status::InvalidArgument("larger than " +
                                         std::to_string(kMaxVulnDbEntryBytes >> 20) + " MiB"));
  }
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  return visit(file.string(), text);
}

Status ReadDirectory(const fs::path& dir, const VulnDbEntryVisitor& visit) {
  // Collected then sorted: directory order is the filesystem's whim, and
  // the order decides which of two entries with one id and one `modified`
  // is kept.
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if ((EndsWith(name, ".json") || EndsWith(name, ".zip")) && it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) return Status::IoError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    if (file.extension() == ".zip") {
      SLUICE_RETURN_IF_ERROR(ReadZip(file, visit));
    } else {
      SLUICE_RETURN_IF_ERROR(ReadJsonFile(file, visit));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ReadVulnDbSource(const fs::path& source, const VulnDbEntryVisitor& visit) {
  std::error_code ec;
  fs::file_status status = fs::status(source, ec);
  if (ec || !fs::exists(status)) {
    return Status::IoError("cannot read vulnerability source " + source.string() + ": " +
                           (ec ? ec.message() : "no such file or directory"));
  }
  if (fs::is_directory(status)) return ReadDirectory(source, visit);
  if (!fs::is_regular_file(status)) {
    return Status::InvalidArgument(source.string() +
                                   " is neither a directory nor a zip of OSV entries");
  }
  return ReadZip(source, visit);
}

}  // namespace sluice::scan
