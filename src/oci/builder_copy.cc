#include "oci/builder_copy.h"

#include <charconv>
#include <optional>
#include <set>
#include <system_error>
#include <vector>

#include "common/files.h"
#include "oci/builder_run.h"
#include "oci/layer_tar.h"
#include "oci/layer_unpack.h"

namespace sluice::oci {

namespace {

namespace fs = std::filesystem;

bool HasGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// "./a/b/" -> "a/b"; "/" and "." -> "".
std::string CleanSource(const std::string& s) {
  std::string p = fs::path(s).lexically_normal().generic_string();
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (p == ".") p.clear();
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Creates `dir` and its missing parents under `tree` with mode 0755, so the
// layer does not depend on the umask.
Status MakeTreeDirs(const fs::path& tree, const fs::path& dir) {
  fs::path at = tree;
  for (const auto& part : dir.lexically_relative(tree)) {
    if (part == ".") continue;
    at /= part;
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(at, ec))) continue;
    if (!fs::create_directory(at, ec) && ec) {
      return Status::IoError("creating " + at.string() + ": " + ec.message());
    }
    fs::permissions(at, fs::perms(0755), ec);
  }
  return Status::Ok();
}

Status CopyEntry(const fs::path& src, ContextEntry::Type type, const fs::path& tree,
                 const fs::path& dst, const fs::perms* chmod) {
  SLUICE_RETURN_IF_ERROR(MakeTreeDirs(tree, dst.parent_path()));
  std::error_code ec;
  if (type == ContextEntry::Type::kDirectory) {
    SLUICE_RETURN_IF_ERROR(MakeTreeDirs(tree, dst));
    fs::perms mode = chmod ? *chmod : fs::status(src, ec).permissions();
    if (!ec) fs::permissions(dst, mode, ec);
  } else if (type == ContextEntry::Type::kSymlink) {
    fs::remove_all(dst, ec);
    fs::path target = ec ? fs::path() : fs::read_symlink(src, ec);
    if (!ec) fs::create_symlink(target, dst, ec);
  } else {
    fs::remove_all(dst, ec);
    // The tree is only read (into the layer) and then removed, so without
    // --chmod a hard link does instead of a copy; across filesystems, copy.
    if (!ec && chmod == nullptr) {
      fs::create_hard_link(src, dst, ec);
      if (!ec) return Status::Ok();
      ec.clear();
    }
    if (!ec) fs::copy_file(src, dst, ec);
    if (!ec) {
      fs::perms mode = chmod ? *chmod : fs::status(src, ec).permissions();
      if (!ec) fs::permissions(dst, mode, ec);
    }
  }
  if (ec) return Status::IoError("copying " + src.string() + ": " + ec.message());
  return Status::Ok();
}

// The tar stream in `file` when it is a tar archive (plain or gzip), else "".
Result<std::string> ReadTarArchive(const fs::path& file) {
  SLUICE_ASSIGN_OR_RETURN(std::string data, ReadFile(file));
  if (IsGzip(data)) {
    auto plain = Gunzip(data);
    if (!plain.ok()) return std::string();
    data = std::move(*plain);
  }
  if (data.size() < 512 || data.compare(257, 5, "ustar") != 0) return std::string();
  return data;
}

Result<fs::perms> ParseChmod(const std::string& text) {
  unsigned mode = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (ec != std::errc() || end != text.data() + text.size() || mode > 07777) {
    return Status::InvalidArgument("--chmod=" + text + " is not an octal mode; write e.g. 0755");
  }
  return fs::perms(mode);
}

// Each source of `spec`, globs expanded, as context entries ("" is the
// root); `wildcard` tells whether there may be several.
Result<std::vector<ContextEntry>> MatchSources(const CopySpec& spec, bool is_add,
                                               const std::vector<ContextEntry>& entries,
                                               bool& wildcard) {
  std::vector<ContextEntry> matches;
  wildcard = spec.sources.size() > 1;
  for (const std::string& raw : spec.sources) {
    if (is_add &&
        (raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with("git@"))) {
      return Status::InvalidArgument(
          "ADD from a URL is not supported by this sluice; download "
          "the file into the build context and COPY it");
    }
    std::string source = CleanSource(raw);
    if (source.starts_with("..")) {
      return Status::InvalidArgument("source \"" + raw + "\" is outside the build context");
    }
    size_t before = matches.size();
    if (source.empty()) {
      matches.push_back({"", ContextEntry::Type::kDirectory});
    } else if (HasGlob(source)) {
      wildcard = true;
      for (const auto& e : entries) {
        if (MatchIgnorePattern(source, e.path)) matches.push_back(e);
      }
    } else {
      for (const auto& e : entries) {
        if (e.path == source) matches.push_back(e);
      }
    }
    if (matches.size() == before) {
      return Status::InvalidArgument("source \"" + raw +
                                     "\" matches nothing (missing, or excluded by .dockerignore)");
    }
  }
  return matches;
}

bool ParseId(const std::string& s, uint32_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// The ':'-separated fields of the first line of `file` (/etc/passwd or
// /etc/group in the image) whose field number `field` is `value` (0: the
// name, 2: the id); empty when there is none.
Result<std::vector<std::string>> FindDatabaseEntry(const fs::path& image_root,
                                                   const std::string& file, size_t field,
                                                   const std::string& value) {
  std::optional<fs::path> path = ResolveInRoot(image_root, file);
  if (!path) return std::vector<std::string>();
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(*path));
  size_t start = 0;
  while (start < text.size()) {
    size_t eol = text.find('\n', start);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(start, eol - start);
    start = eol + 1;
    std::vector<std::string> fields;
    for (size_t from = 0;;) {
      size_t colon = line.find(':', from);
      fields.push_back(line.substr(from, colon - from));
      if (colon == std::string::npos) break;
      from = colon + 1;
    }
    if (fields.size() > field && fields[field] == value) return fields;
  }
  return std::vector<std::string>();
}

}  // namespace

namespace {

// How a numeric user without a group gets its gid.
enum class BareUid { kIsAlsoGid, kPrimaryGroup };

// "user[:group]" for `what` ("--chown=x", "USER x"), as described at
// ResolveChown and ResolveUser.
Status ResolveIds(const std::string& text, const fs::path& image_root, BareUid bare,
                  const std::string& what, uint32_t& uid, uint32_t& gid) {
  size_t colon = text.find(':');
  std::string user = text.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (user.empty() || (colon != std::string::npos && group.empty())) {
    return Status::InvalidArgument(what + ": write user[:group], names or numbers");
  }
  if (!ParseId(user, uid)) {
    SLUICE_ASSIGN_OR_RETURN(auto entry, FindDatabaseEntry(image_root, "/etc/passwd", 0, user));
    if (entry.size() < 4 || !ParseId(entry[2], uid) || !ParseId(entry[3], gid)) {
      return Status::InvalidArgument(what + ": user \"" + user +
                                     "\" is not in the image's /etc/passwd; add it in an "
                                     "earlier step or give a numeric uid");
    }
  } else if (bare == BareUid::kIsAlsoGid) {
    gid = uid;
  } else {
    SLUICE_ASSIGN_OR_RETURN(auto entry, FindDatabaseEntry(image_root, "/etc/passwd", 2, user));
    if (entry.size() < 4 || !ParseId(entry[3], gid)) gid = 0;
  }
  if (group.empty() || ParseId(group, gid)) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(auto entry, FindDatabaseEntry(image_root, "/etc/group", 0, group));
  if (entry.size() < 3 || !ParseId(entry[2], gid)) {
    return Status::InvalidArgument(what + ": group \"" + group +
                                   "\" is not in the image's /etc/group; add it in an "
                                   "earlier step or give a numeric gid");
  }
  return Status::Ok();
}

}  // namespace

Status ResolveChown(const std::string& text, const fs::path& image_root, uint32_t& uid,
                    uint32_t& gid) {
  return ResolveIds(text, image_root, BareUid::kIsAlsoGid, "--chown=" + text, uid, gid);
}

Status ResolveUser(const std::string& text, const fs::path& image_root, uint32_t& uid,
                   uint32_t& gid) {
  return ResolveIds(text, image_root, BareUid::kPrimaryGroup, "USER " + text, uid, gid);
}

Result<std::vector<std::string>> CopyInputs(const CopySpec& spec, bool is_add,
                                            const fs::path& from_root, const Dockerignore& ignore) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<ContextEntry> entries, ListContextFiles(from_root, ignore));
  bool wildcard = false;
  SLUICE_ASSIGN_OR_RETURN(std::vector<ContextEntry> matches,
                          MatchSources(spec, is_add, entries, wildcard));
  std::set<std::string> paths;
  for (const ContextEntry& m : matches) {
    if (m.type != ContextEntry::Type::kDirectory) {
      paths.insert(m.path);
      continue;
    }
    std::string prefix = m.path.empty() ? "" : m.path + "/";
    if (!m.path.empty()) paths.insert(m.path);
    for (const auto& e : entries) {
      if (e.path.starts_with(prefix)) paths.insert(e.path);
    }
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

Status CopyIntoTree(const CopySpec& spec, bool is_add, const fs::path& from_root,
                    const Dockerignore& ignore, const std::string& workdir,
                    const ImageDirectoryCheck& is_image_directory, const fs::path& tree) {
  fs::perms mode{};
  const fs::perms* chmod = nullptr;
  if (!spec.chmod.empty()) {
    SLUICE_ASSIGN_OR_RETURN(mode, ParseChmod(spec.chmod));
    chmod = &mode;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<ContextEntry> entries, ListContextFiles(from_root, ignore));
  bool wildcard = false;
  SLUICE_ASSIGN_OR_RETURN(std::vector<ContextEntry> matches,
                          MatchSources(spec, is_add, entries, wildcard));

  std::string dest = spec.destination;
  bool dest_is_dir = dest.ends_with('/') || dest == "." || dest.ends_with("/.");
  if (!dest.starts_with('/')) dest = (workdir.ends_with('/') ? workdir : workdir + "/") + dest;
  if (wildcard && !dest_is_dir) {
    return Status::InvalidArgument("with several sources the destination \"" + spec.destination +
                                   "\" must end with '/'");
  }
  fs::path dest_path = tree / CleanSource(dest);
  SLUICE_ASSIGN_OR_RETURN(bool image_directory, is_image_directory(CleanSource(dest)));
  if (image_directory) dest_is_dir = true;

  for (const ContextEntry& m : matches) {
    fs::path src = from_root / m.path;
    if (m.type == ContextEntry::Type::kDirectory) {
      // A directory source copies its contents, not itself.
      SLUICE_RETURN_IF_ERROR(CopyEntry(src, m.type, tree, dest_path, chmod));
      std::string prefix = m.path.empty() ? "" : m.path + "/";
      for (const auto& e : entries) {
        if (!e.path.starts_with(prefix) || e.path == m.path) continue;
        SLUICE_RETURN_IF_ERROR(CopyEntry(from_root / e.path, e.type, tree,
                                         dest_path / e.path.substr(prefix.size()), chmod));
      }
      continue;
    }
    if (is_add && m.type == ContextEntry::Type::kFile) {
      SLUICE_ASSIGN_OR_RETURN(std::string tar, ReadTarArchive(src));
      if (!tar.empty()) {
        SLUICE_RETURN_IF_ERROR(MakeTreeDirs(tree, dest_path));
        SLUICE_RETURN_IF_ERROR(UnpackLayer(tar, dest_path).Annotate("extracting " + m.path));
        continue;
      }
    }
    fs::path target = dest_is_dir ? dest_path / BaseName(m.path) : dest_path;
    SLUICE_RETURN_IF_ERROR(CopyEntry(src, m.type, tree, target, chmod));
  }
  return Status::Ok();
}

}  // namespace sluice::oci
