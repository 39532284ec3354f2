// The record format (persisted; kLayerRecordFormat versions it). Integers
// are LEB128 varints (signed ones zigzag-encoded), strings a varint length
// and the bytes, lists a varint count and the items:
//   "SLUICELR"  format  key  layer-digest
//   entries:   type(1 byte) path mode uid gid size link-target truncated(1)
//   files-scanned
//   secrets:   every field of a Finding, in the struct's order
//   inventory: path, then 0 and the contents, or 1 and an executable's
//              ExecutableInfo: Go version, main package, main module (path,
//              version), deps (path, version each), error
//   the SHA-256 (64 hex digits) of all the bytes before it
// About 50 bytes per entry: the Debian minbase layer of bench/image_scan
// (6,800 entries, 206 MB) makes a 400 KB record, and a rescan of that image
// from it takes about 20 ms in all.
#include "scan/layer_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/files.h"
#include "common/hash.h"

namespace sluice::scan {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "SLUICELR";
constexpr size_t kChecksumSize = 64;

class Writer {
 public:
  void Raw(std::string_view bytes) { out_ += bytes; }
  void Byte(uint8_t b) { out_ += static_cast<char>(b); }
  void Unsigned(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void Signed(int64_t v) {
    Unsigned((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void String(std::string_view s) {
    Unsigned(s.size());
    out_ += s;
  }
  void Strings(const std::vector<std::string>& list) {
    Unsigned(list.size());
    for (const std::string& s : list) String(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads what Writer wrote; every read past the end (or of a value out of
// range) sets failed() and gives zeros, so callers check once at the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool at_end() const { return at_ == in_.size(); }
  // For a value read whole but out of range.
  void Invalid() { Fail<int>(); }

  std::string_view Raw(size_t n) {
    if (n > in_.size() - at_) return Fail<std::string_view>();
    std::string_view out = in_.substr(at_, n);
    at_ += n;
    return out;
  }
  uint8_t Byte() { return at_ < in_.size() ? static_cast<uint8_t>(in_[at_++]) : Fail<uint8_t>(); }
  uint64_t Unsigned() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= in_.size()) return Fail<uint64_t>();
      auto b = static_cast<uint8_t>(in_[at_++]);
      v |= uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return v;
    }
    return Fail<uint64_t>();
  }
  int64_t Signed() {
    uint64_t z = Unsigned();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  uint32_t Uint32() {
    uint64_t v = Unsigned();
    return v <= UINT32_MAX ? static_cast<uint32_t>(v) : Fail<uint32_t>();
  }
  std::string String() { return std::string(Raw(Unsigned())); }
  // A count of items at least `min_size` bytes each: no more than the bytes
  // left allow, so a corrupt count cannot make us allocate wildly.
  size_t Count(size_t min_size = 1) {
    uint64_t n = Unsigned();
    return n <= (in_.size() - at_) / min_size ? static_cast<size_t>(n) : Fail<size_t>();
  }
  std::vector<std::string> Strings() {
    std::vector<std::string> list(Count());
    for (std::string& s : list) s = String();
    return list;
  }

 private:
  template <typename T>
  T Fail() {
    failed_ = true;
    at_ = in_.size();
    return T{};
  }
  std::string_view in_;
  size_t at_ = 0;
  bool failed_ = false;
};

void PutEntry(Writer& w, const LayerEntry& e) {
  w.Byte(static_cast<uint8_t>(e.type));
  w.String(e.path);
  w.Unsigned(e.mode);
  w.Unsigned(e.uid);
  w.Unsigned(e.gid);
  w.Signed(e.size);
  w.String(e.link_target);
  w.Byte(e.truncated ? 1 : 0);
}

LayerEntry GetEntry(Reader& r, const std::string& layer_digest) {
  LayerEntry e;
  uint8_t type = r.Byte();
  if (type > static_cast<uint8_t>(LayerEntry::Type::kOpaque)) r.Invalid();
  e.type = static_cast<LayerEntry::Type>(type);
  e.layer_digest = layer_digest;
  e.path = r.String();
  e.mode = r.Uint32();
  e.uid = r.Uint32();
  e.gid = r.Uint32();
  e.size = r.Signed();
  e.link_target = r.String();
  e.truncated = r.Byte() != 0;
  return e;
}

void PutFinding(Writer& w, const Finding& f) {
  w.Byte(static_cast<uint8_t>(f.kind));
  w.String(f.id);
  w.Strings(f.aliases);
  w.String(f.title);
  w.String(f.description);
  w.Byte(static_cast<uint8_t>(f.severity));
  w.Byte(f.cvss_score ? 1 : 0);
  if (f.cvss_score) {
    uint64_t bits = 0;
    std::memcpy(&bits, &*f.cvss_score, sizeof bits);
    w.Unsigned(bits);
  }
  for (const std::string* s : {&f.cvss_vector, &f.package_name, &f.installed_version,
                               &f.fixed_version, &f.ecosystem, &f.path, &f.layer_digest}) {
    w.String(*s);
  }
  w.Signed(f.line);
  w.String(f.match);
  w.Strings(f.references);
}

Finding GetFinding(Reader& r) {
  Finding f;
  uint8_t kind = r.Byte();
  if (kind > static_cast<uint8_t>(FindingKind::kMisconfiguration)) r.Invalid();
  f.kind = static_cast<FindingKind>(kind);
  f.id = r.String();
  f.aliases = r.Strings();
  f.title = r.String();
  f.description = r.String();
  uint8_t severity = r.Byte();
  if (severity > static_cast<uint8_t>(Severity::kCritical)) r.Invalid();
  f.severity = static_cast<Severity>(severity);
  if (r.Byte() != 0) {
    uint64_t bits = r.Unsigned();
    double score = 0;
    std::memcpy(&score, &bits, sizeof score);
    f.cvss_score = score;
  }
  for (std::string* s : {&f.cvss_vector, &f.package_name, &f.installed_version, &f.fixed_version,
                         &f.ecosystem, &f.path, &f.layer_digest}) {
    *s = r.String();
  }
  f.line = static_cast<int>(r.Signed());
  f.match = r.String();
  f.references = r.Strings();
  return f;
}

void PutInventoryFile(Writer& w, const InventoryFile& f) {
  w.String(f.path);
  if (!f.executable) {
    w.Byte(0);
    w.String(f.contents);
    return;
  }
  const ExecutableInfo& info = *f.executable;
  w.Byte(1);
  for (const std::string* s :
       {&info.go_version, &info.package_path, &info.main.path, &info.main.version}) {
    w.String(*s);
  }
  w.Unsigned(info.deps.size());
  for (const auto& m : info.deps) {
    w.String(m.path);
    w.String(m.version);
  }
  w.String(info.error);
}

InventoryFile GetInventoryFile(Reader& r, const std::string& layer_digest) {
  InventoryFile f;
  f.path = r.String();
  f.layer_digest = layer_digest;
  if (r.Byte() == 0) {
    f.contents = r.String();
    return f;
  }
  ExecutableInfo& info = f.executable.emplace();
  for (std::string* s :
       {&info.go_version, &info.package_path, &info.main.path, &info.main.version}) {
    *s = r.String();
  }
  info.deps.resize(r.Count(2));
  for (auto& m : info.deps) {
    m.path = r.String();
    m.version = r.String();
  }
  info.error = r.String();
  return f;
}

}  // namespace

std::string LayerRecordKey(std::string_view secret_fingerprint, int64_t max_secret_file_size,
                           int64_t max_inventory_file) {
  return Sha256Hex("sluice layer record " + std::to_string(kLayerRecordFormat) + "\nsecrets " +
                   std::string(secret_fingerprint) + "\nmax secret file size " +
                   std::to_string(max_secret_file_size) + "\nmax inventory file " +
                   std::to_string(max_inventory_file) + "\n");
}

std::string EncodeLayerRecord(const LayerRecord& record, std::string_view key) {
  Writer w;
  w.Raw(kMagic);
  w.Unsigned(kLayerRecordFormat);
  w.String(key);
  w.String(record.layer_digest);
  w.Unsigned(record.entries.size());
  for (const LayerEntry& e : record.entries) PutEntry(w, e);
  w.Signed(record.files_scanned);
  w.Unsigned(record.secrets.size());
  for (const Finding& f : record.secrets) PutFinding(w, f);
  w.Unsigned(record.inventory_files.size());
  for (const InventoryFile& f : record.inventory_files) PutInventoryFile(w, f);
  std::string checksum = Sha256Hex(w.bytes());
  w.Raw(checksum);
  return std::move(w.bytes());
}

std::optional<LayerRecord> DecodeLayerRecord(std::string_view bytes, std::string_view layer_digest,
                                             std::string_view key) {
  if (bytes.size() < kMagic.size() + kChecksumSize) return std::nullopt;
  std::string_view body = bytes.substr(0, bytes.size() - kChecksumSize);
  if (!bytes.starts_with(kMagic) || Sha256Hex(body) != bytes.substr(body.size())) {
    return std::nullopt;
  }
  Reader r(body);
  r.Raw(kMagic.size());
  if (r.Unsigned() != kLayerRecordFormat || r.String() != key || r.String() != layer_digest) {
    return std::nullopt;
  }
  LayerRecord record;
  record.layer_digest = std::string(layer_digest);
  // Every entry takes at least 8 bytes, every finding and file 3.
  size_t entries = r.Count(8);
  record.entries.reserve(entries);
  for (size_t n = entries; n > 0 && !r.failed(); --n) {
    record.entries.push_back(GetEntry(r, record.layer_digest));
  }
  record.files_scanned = r.Signed();
  for (size_t n = r.Count(3); n > 0 && !r.failed(); --n) record.secrets.push_back(GetFinding(r));
  for (size_t n = r.Count(3); n > 0 && !r.failed(); --n) {
    record.inventory_files.push_back(GetInventoryFile(r, record.layer_digest));
  }
  if (r.failed() || !r.at_end()) return std::nullopt;
  return record;
}

LayerCache::LayerCache(fs::path dir, std::string key)
    : dir_(std::move(dir)), key_(std::move(key)) {}

fs::path LayerCache::RecordPath(const oci::Digest& layer) const {
  return dir_ / (layer.hex + "-" + key_.substr(0, 16) + ".rec");
}

std::optional<LayerRecord> LayerCache::Load(const oci::Digest& layer) const {
  auto bytes = ReadFile(RecordPath(layer));
  if (!bytes.ok()) return std::nullopt;
  return DecodeLayerRecord(*bytes, layer.str(), key_);
}

Status LayerCache::Store(const LayerRecord& record) const {
  SLUICE_ASSIGN_OR_RETURN(oci::Digest digest, oci::ParseDigest(record.layer_digest));
  std::error_code ec;
  if (fs::create_directories(dir_, ec)) fs::permissions(dir_, fs::perms::owner_all, ec);
  if (ec) return Status::IoError("cannot create " + dir_.string() + ": " + ec.message());
  const std::string bytes = EncodeLayerRecord(record, key_);
  const fs::path path = RecordPath(digest);
  // A name of its own (mkstemp: mode 0600), so that concurrent writers of
  // one record never share a temporary file. No fsync: a record a crash
  // cut short fails its checksum and is written again.
  std::string tmp = path.string() + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return Status::IoError("cannot write in " + dir_.string() + ": " + std::strerror(errno));
  }
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Status::IoError("cannot write " + tmp + ": " + std::strerror(errno));
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::IoError("cannot rename " + tmp + " to " + path.string() + ": " +
                               std::strerror(errno));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

}  // namespace sluice::scan
