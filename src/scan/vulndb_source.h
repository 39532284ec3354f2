// Reading OSV entries out of an import source, internal to the scan module
// (vulndb.h is the contract).
//
// A source is a directory, searched recursively in name order for *.json
// entries and *.zip files, or a single zip; a zip's *.json members are
// entries (OSV's all.zip holds <ID>.json at its top level). Other files and
// members are ignored. Each entry reaches the visitor with its origin, for
// warnings: the file's path, or "<zip path> (member <name>)". An entry that
// cannot be read although its container can (a member whose data is
// corrupt, a file over kMaxVulnDbEntryBytes) reaches the visitor as an
// InvalidArgument reason instead of text, so the import can skip it.
//
// Errors: IoError naming the path for a missing or unreadable source, file
// or zip; InvalidArgument for a source, or a *.zip in a directory, that is
// not a zip; whatever the visitor returns stops the walk and is returned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/status.h"

namespace sluice::scan {

// Far above any OSV entry (the largest are a few MB); guards memory against
// a stray file.
inline constexpr uint64_t kMaxVulnDbEntryBytes = uint64_t{64} << 20;

using VulnDbEntryVisitor =
    std::function<Status(const std::string& origin, const Result<std::string>& text)>;

Status ReadVulnDbSource(const std::filesystem::path& source, const VulnDbEntryVisitor& visit);

}  // namespace sluice::scan
