// ImportDebianSecurity: the suite's indexes, then one changelog per source
// package (downloaded in parallel, or from the cache), then the entries.
#include "scan/debian_security.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "common/files.h"
#include "common/hash.h"
#include "oci/registry_http.h"
#include "scan/version_order.h"

namespace sluice::scan {
namespace {

constexpr int kMaxRedirects = 5;
constexpr size_t kDebsTried = 8;  // per source, when the first ones lack the changelog
constexpr ptrdiff_t kSmallestFirst = 3;
constexpr size_t kMaxWarnings = 50;

class DirectoryArchive : public DebianArchive {
 public:
  explicit DirectoryArchive(std::filesystem::path root) : root_(std::move(root)) {}
  Result<std::string> Read(const std::string& path) const override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(root_ / path, ec)) {
      return Status::NotFound(Where(path) + ": no such file");
    }
    return ReadFile(root_ / path);
  }
  std::string Where(const std::string& path) const override { return (root_ / path).string(); }

 private:
  std::filesystem::path root_;
};

class HttpArchive : public DebianArchive {
 public:
  explicit HttpArchive(std::string root)
      : root_(std::move(root)), transport_(oci::NewCurlTransport(std::chrono::seconds(300))) {}
  Result<std::string> Read(const std::string& path) const override {
    std::string url = Where(path);
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
      oci::HttpRequest request;
      request.method = "GET";
      request.url = url;
      Result<oci::HttpResponse> sent = transport_->Send(request);
      if (!sent.ok()) {
        return Status::IoError(sent.status().message() +
                               " (offline, import from a local mirror directory instead)");
      }
      oci::HttpResponse& response = *sent;
      if (response.status == 200) return std::move(response.body);
      if (response.status == 404 || response.status == 410) {
        return Status::NotFound(url + ": HTTP " + std::to_string(response.status));
      }
      std::string location = response.header("location");
      if (response.status / 100 != 3 || location.empty()) {
        return Status::IoError("GET " + url + ": HTTP " + std::to_string(response.status));
      }
      SLUICE_ASSIGN_OR_RETURN(url, oci::ResolveUrl(url, location));
    }
    return Status::IoError("GET " + Where(path) + ": more than " + std::to_string(kMaxRedirects) +
                           " redirects");
  }
  std::string Where(const std::string& path) const override { return root_ + "/" + path; }

 private:
  std::string root_;
  std::unique_ptr<oci::HttpTransport> transport_;
};

// The source packages of the suite at their newest versions, each with the
// binary packages built from that version in the order they are tried for
// the changelog.
struct SourceFiles {
  DebianSourceUpdate update;
  std::vector<DebianBinaryPackage> debs;
};

std::vector<SourceFiles> GroupBySource(std::vector<DebianBinaryPackage> packages) {
  std::map<std::string, SourceFiles> sources;
  for (DebianBinaryPackage& p : packages) {
    SourceFiles& s = sources[p.source];
    int order =
        s.update.version.empty() ? 1 : CompareDebianVersions(p.source_version, s.update.version);
    if (order > 0) {
      s.update.source = p.source;
      s.update.version = p.source_version;
      s.debs.clear();
    }
    if (order >= 0) s.debs.push_back(std::move(p));
  }
  std::vector<SourceFiles> out;
  for (auto& [name, s] : sources) {
    // The smallest few first; then the package named after the source, or
    // its -common package, which owns the documentation others often link
    // to (and may be large: a browser); then the rest.
    std::sort(s.debs.begin(), s.debs.end(),
              [](const DebianBinaryPackage& a, const DebianBinaryPackage& b) {
                return std::tie(a.size, a.name) < std::tie(b.size, b.name);
              });
    auto owns_doc = [&name = name](const DebianBinaryPackage& p) {
      return p.name == name || p.name == name + "-common";
    };
    auto rest = s.debs.begin() + std::min<ptrdiff_t>(kSmallestFirst, std::ssize(s.debs));
    std::stable_partition(rest, s.debs.end(), owns_doc);
    out.push_back(std::move(s));
  }
  return out;
}

// The suite's file `name` as its Release file lists it, hash checked.
Result<std::string> ReadListed(const DebianArchive& archive, const std::string& suite_dir,
                               const DebianRelease& release, const std::string& name) {
  const DebianRelease::IndexFile& listed = release.files.at(name);
  std::string path = suite_dir + "/" + name;
  SLUICE_ASSIGN_OR_RETURN(std::string bytes, archive.Read(path));
  if (Sha256Hex(bytes) != listed.sha256) {
    return Status::InvalidArgument(archive.Where(path) +
                                   ": its SHA256 is not the one the Release file lists (a mirror "
                                   "being updated? import again in a few minutes)");
  }
  return bytes;
}

// The binary packages of one component: the first of Packages.xz,
// Packages.gz, Packages the Release file lists and the archive has.
Result<std::vector<DebianBinaryPackage>> ReadPackages(const DebianArchive& archive,
                                                      const std::string& suite_dir,
                                                      const DebianRelease& release,
                                                      const std::string& component,
                                                      const std::string& architecture) {
  std::string index = component + "/binary-" + architecture + "/Packages";
  for (const char* ext : {".xz", ".gz", ""}) {
    std::string name = index + ext;
    if (release.files.count(name) == 0) continue;
    Result<std::string> bytes = ReadListed(archive, suite_dir, release, name);
    if (bytes.status().code() == StatusCode::kNotFound) continue;
    if (!bytes.ok()) return bytes.status();
    SLUICE_ASSIGN_OR_RETURN(std::string text,
                            DecompressIndex(*bytes, archive.Where(suite_dir + "/" + name)));
    auto packages = ParseDebianPackages(text);
    if (!packages.ok()) return packages.status().Annotate(archive.Where(suite_dir + "/" + name));
    return packages;
  }
  return Status::NotFound(archive.Where(suite_dir) + " has no " + index +
                          " index (check --component and --arch against its Release file)");
}

std::string CacheName(const DebianSourceUpdate& update) {
  std::string version = update.version;
  std::replace(version.begin(), version.end(), ':', '%');
  return update.source + "_" + version + ".changelog";
}

// The changelog text of `source` at its newest version, from its .debs.
Result<std::string> FetchChangelog(const DebianArchive& archive, const SourceFiles& source) {
  Status last = Status::NotFound("no binary package of " + source.update.source + " " +
                                 source.update.version + " in the index");
  for (size_t i = 0; i < source.debs.size() && i < kDebsTried; ++i) {
    const DebianBinaryPackage& deb = source.debs[i];
    std::string where = archive.Where(deb.filename);
    SLUICE_ASSIGN_OR_RETURN(std::string bytes, archive.Read(deb.filename));
    if (!deb.sha256.empty() && Sha256Hex(bytes) != deb.sha256) {
      return Status::InvalidArgument(where + ": its SHA256 is not the one the index lists");
    }
    Result<std::string> changelog = DebChangelog(bytes, where);
    if (changelog.ok() || changelog.status().code() != StatusCode::kNotFound) return changelog;
    last = changelog.status();
  }
  return last;
}

}  // namespace

Result<std::unique_ptr<DebianArchive>> OpenDebianArchive(std::string_view location) {
  std::string root(location);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.rfind("http://", 0) == 0 || root.rfind("https://", 0) == 0) {
    return std::unique_ptr<DebianArchive>(std::make_unique<HttpArchive>(root));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return Status::InvalidArgument(
        std::string(location) +
        " is neither a directory (a mirror with dists/ and pool/) nor an http(s):// URL");
  }
  return std::unique_ptr<DebianArchive>(std::make_unique<DirectoryArchive>(root));
}

Result<DebianSecurityImport> ImportDebianSecurity(VulnDb& db, const DebianArchive& archive,
                                                  const DebianSecurityOptions& options) {
  DebianSecurityImport result;
  const std::string suite_dir = "dists/" + options.suite;
  Result<std::string> release_text = archive.Read(suite_dir + "/Release");
  if (release_text.status().code() == StatusCode::kNotFound) {
    release_text = archive.Read(suite_dir + "/InRelease");
  }
  if (release_text.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(archive.Where(suite_dir) + " has no Release file: is " + options.suite +
                            " a suite of this archive?");
  }
  if (!release_text.ok()) return release_text.status();
  Result<DebianRelease> parsed_release = ParseDebianRelease(*release_text);
  if (!parsed_release.ok()) return parsed_release.status().Annotate(archive.Where(suite_dir));
  DebianRelease& release = *parsed_release;
  if (release.version.empty()) {
    return Status::InvalidArgument(archive.Where(suite_dir) +
                                   ": the Release file has no Version, so the Debian release "
                                   "its packages belong to is unknown");
  }
  result.ecosystem = "Debian:" + release.version;

  std::vector<DebianBinaryPackage> packages;
  for (const std::string& component : options.components) {
    SLUICE_ASSIGN_OR_RETURN(
        std::vector<DebianBinaryPackage> some,
        ReadPackages(archive, suite_dir, release, component, options.architecture));
    std::move(some.begin(), some.end(), std::back_inserter(packages));
  }
  std::vector<SourceFiles> sources = GroupBySource(std::move(packages));
  result.sources = static_cast<int64_t>(sources.size());

  std::mutex mutex;  // guards result's counters and warnings
  auto warn = [&](std::string warning) {
    std::lock_guard lock(mutex);
    if (result.warnings.size() < kMaxWarnings) result.warnings.push_back(std::move(warning));
  };
  auto read_one = [&](SourceFiles& source) {
    DebianSourceUpdate& update = source.update;
    std::filesystem::path cached = options.changelog_cache.empty()
                                       ? std::filesystem::path()
                                       : options.changelog_cache / CacheName(update);
    if (!cached.empty()) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(cached, ec)) {
        Result<std::string> text = ReadFile(cached);
        Result<std::vector<DebianChangelogEntry>> parsed =
            text.ok() ? ParseDebianChangelog(*text) : text.status();
        if (parsed.ok()) {
          update.changelog = std::move(*parsed);
          std::lock_guard lock(mutex);
          ++result.changelogs_cached;
          return;
        }
      }
    }
    Result<std::string> text = FetchChangelog(archive, source);
    if (!text.ok()) {
      warn(update.source + " " + update.version + ": " + text.status().message());
      return;
    }
    Result<std::vector<DebianChangelogEntry>> parsed = ParseDebianChangelog(*text);
    if (!parsed.ok()) {
      warn(update.source + " " + update.version + ": " + parsed.status().message());
      return;
    }
    update.changelog = std::move(*parsed);
    if (!cached.empty()) {
      Status written = MakeDirs(options.changelog_cache);
      if (written.ok()) written = WriteFileAtomic(cached, *text);
      if (!written.ok()) warn("keeping the changelog: " + written.message());
    }
    std::lock_guard lock(mutex);
    ++result.changelogs_read;
  };
  if (options.changelogs) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < sources.size(); i = next++) read_one(sources[i]);
    };
    int jobs = std::clamp(options.jobs, 1, 32);
    std::vector<std::thread> threads;
    for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    std::sort(result.warnings.begin(), result.warnings.end());  // in source order
  }

  std::vector<DebianSourceUpdate> updates;
  updates.reserve(sources.size());
  for (SourceFiles& s : sources) updates.push_back(std::move(s.update));
  std::vector<VulnDb::EntryText> entries;
  for (std::string& json : DebianSecurityAdvisories(release, updates)) {
    entries.push_back({archive.Where(suite_dir), std::move(json)});
  }
  SLUICE_ASSIGN_OR_RETURN(result.stored,
                          db.ImportEntries(entries, VulnDb::Replace::kWhenDifferent));
  return result;
}

}  // namespace sluice::scan
