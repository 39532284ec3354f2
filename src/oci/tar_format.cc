#include "oci/tar_format.h"

#include <cstring>

namespace sluice::oci {
namespace {

constexpr size_t kBlock = 512;

// Field offsets and widths of a ustar header (POSIX.1-1988).
constexpr size_t kName = 0, kNameLen = 100;
constexpr size_t kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136;
constexpr size_t kChksum = 148, kType = 156, kLink = 157, kMagic = 257, kVersion = 263;
constexpr size_t kDevMajor = 329, kDevMinor = 337;

void PutOctal(char* block, size_t offset, size_t width, uint64_t value) {
  // width-1 zero-padded octal digits and a NUL, as GNU tar writes them.
  std::string digits(width - 1, '0');
  for (size_t i = width - 1; i-- > 0 && value > 0; value >>= 3) digits[i] = char('0' + (value & 7));
  std::memcpy(block + offset, digits.data(), width - 1);
}

void PutString(char* block, size_t offset, size_t width, std::string_view s) {
  std::memcpy(block + offset, s.data(), std::min(width, s.size()));
}

std::string PaxRecord(std::string_view key, std::string_view value) {
  // "<len> key=value\n", where <len> counts its own digits.
  size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t len = body + 1;
  while (std::to_string(len).size() + body != len) ++len;
  return std::to_string(len) + " " + std::string(key) + "=" + std::string(value) + "\n";
}

void AppendHeader(std::string& out, std::string_view name, char type, uint32_t mode, uint32_t uid,
                  uint32_t gid, uint64_t size, int64_t mtime, std::string_view linkname,
                  uint32_t devmajor, uint32_t devminor) {
  char block[kBlock] = {};
  PutString(block, kName, kNameLen, name);
  PutOctal(block, kMode, 8, mode);
  PutOctal(block, kUid, 8, uid);
  PutOctal(block, kGid, 8, gid);
  PutOctal(block, kSize, 12, size);
  PutOctal(block, kMtime, 12, static_cast<uint64_t>(mtime < 0 ? 0 : mtime));
  block[kType] = type;
  PutString(block, kLink, 100, linkname);
  std::memcpy(block + kMagic, "ustar", 6);
  // The version is two characters with no NUL after them.
  block[kVersion] = '0';
  block[kVersion + 1] = '0';
  PutOctal(block, kDevMajor, 8, devmajor);
  PutOctal(block, kDevMinor, 8, devminor);
  std::memset(block + kChksum, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  PutOctal(block, kChksum, 7, sum);  // six digits, NUL, and the space left in place
  out.append(block, kBlock);
}

void AppendPadded(std::string& out, std::string_view data) {
  out.append(data);
  out.append((kBlock - data.size() % kBlock) % kBlock, '\0');
}

Result<uint64_t> ParseOctal(std::string_view field, size_t at) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  for (; i < field.size() && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') {
      return Status::InvalidArgument("tar header at byte " + std::to_string(at) +
                                     ": bad octal number (base-256 numbers are not supported)");
    }
    v = v * 8 + uint64_t(field[i] - '0');
  }
  return v;
}

std::string CString(std::string_view field) {
  return std::string(field.substr(0, field.find('\0')));
}

// Applies the "path" and "linkpath" records of a PAX header body.
Status ApplyPax(std::string_view body, size_t at, std::string& path, std::string& linkpath) {
  while (!body.empty()) {
    size_t space = body.find(' ');
    size_t len = 0;
    bool digits = space != std::string_view::npos && space > 0 && space < 20;
    for (size_t i = 0; digits && i < space; ++i) {
      digits = body[i] >= '0' && body[i] <= '9';
      len = len * 10 + size_t(body[i] - '0');
    }
    if (!digits || len <= space + 1 || len > body.size() || body[len - 1] != '\n') {
      return Status::InvalidArgument("tar PAX header at byte " + std::to_string(at) +
                                     " is malformed");
    }
    std::string_view rec = body.substr(space + 1, len - space - 2);
    size_t eq = rec.find('=');
    if (eq != std::string_view::npos) {
      if (rec.substr(0, eq) == "path") path = std::string(rec.substr(eq + 1));
      if (rec.substr(0, eq) == "linkpath") linkpath = std::string(rec.substr(eq + 1));
    }
    body.remove_prefix(len);
  }
  return Status::Ok();
}

}  // namespace

void AppendTarHeader(std::string& out, const TarEntry& e, uint64_t size) {
  if (e.name.size() > kNameLen || e.linkname.size() > 100) {
    std::string pax;
    if (e.name.size() > kNameLen) pax += PaxRecord("path", e.name);
    if (e.linkname.size() > 100) pax += PaxRecord("linkpath", e.linkname);
    AppendHeader(out, "././@PaxHeader", 'x', 0644, 0, 0, pax.size(), e.mtime, "", 0, 0);
    AppendPadded(out, pax);
  }
  if (e.type != TarType::kFile) size = 0;
  AppendHeader(out, e.name, static_cast<char>(e.type), e.mode, e.uid, e.gid, size, e.mtime,
               e.linkname, e.devmajor, e.devminor);
}

void AppendTarPadding(std::string& out, uint64_t size) {
  out.append((kBlock - size % kBlock) % kBlock, '\0');
}

void AppendTarEntry(std::string& out, const TarEntry& e) {
  uint64_t size = e.type == TarType::kFile ? e.data.size() : 0;
  AppendTarHeader(out, e, size);
  if (size > 0) AppendPadded(out, e.data);
}

void AppendTarEnd(std::string& out) { out.append(2 * kBlock, '\0'); }

Result<std::vector<TarEntry>> ParseTar(std::string_view tar) {
  std::vector<TarEntry> entries;
  std::string long_name, long_link;
  for (size_t at = 0; at + kBlock <= tar.size();) {
    size_t header_at = at;  // for messages about this header
    std::string_view h = tar.substr(at, kBlock);
    if (h.find_first_not_of('\0') == std::string_view::npos) break;  // end of archive
    SLUICE_ASSIGN_OR_RETURN(uint64_t want, ParseOctal(h.substr(kChksum, 8), at));
    unsigned sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      sum += (i >= kChksum && i < kChksum + 8) ? ' ' : static_cast<unsigned char>(h[i]);
    }
    if (sum != want) {
      return Status::InvalidArgument("tar header at byte " + std::to_string(at) +
                                     " has a bad checksum (not a tar, or corrupted)");
    }
    SLUICE_ASSIGN_OR_RETURN(uint64_t size, ParseOctal(h.substr(kSize, 12), at));
    size_t data_at = at + kBlock;
    if (size > tar.size() - data_at) {
      return Status::InvalidArgument("tar entry at byte " + std::to_string(at) + " is truncated");
    }
    std::string_view data = tar.substr(data_at, size);
    size_t next = data_at + (size + kBlock - 1) / kBlock * kBlock;
    char type = h[kType] == '\0' ? '0' : h[kType];
    at = next;
    if (type == 'x') {
      SLUICE_RETURN_IF_ERROR(ApplyPax(data, data_at - kBlock, long_name, long_link));
      continue;
    }
    if (type == 'g') continue;
    if (type == 'L' || type == 'K') {
      (type == 'L' ? long_name : long_link) = CString(data);
      continue;
    }
    TarEntry e;
    std::string prefix = h.substr(kMagic, 5) == "ustar" ? CString(h.substr(345, 155)) : "";
    e.name = !long_name.empty() ? long_name
             : prefix.empty()   ? CString(h.substr(kName, kNameLen))
                                : prefix + "/" + CString(h.substr(kName, kNameLen));
    e.linkname = !long_link.empty() ? long_link : CString(h.substr(kLink, 100));
    long_name.clear();
    long_link.clear();
    if (type == '7') type = '0';  // contiguous file: a regular file
    if (std::string_view("0123456").find(type) == std::string_view::npos) {
      return Status::InvalidArgument("tar entry \"" + e.name + "\" has unsupported type '" +
                                     std::string(1, type) + "'");
    }
    e.type = static_cast<TarType>(type);
    SLUICE_ASSIGN_OR_RETURN(uint64_t mode, ParseOctal(h.substr(kMode, 8), header_at));
    SLUICE_ASSIGN_OR_RETURN(uint64_t uid, ParseOctal(h.substr(kUid, 8), header_at));
    SLUICE_ASSIGN_OR_RETURN(uint64_t gid, ParseOctal(h.substr(kGid, 8), header_at));
    SLUICE_ASSIGN_OR_RETURN(uint64_t mtime, ParseOctal(h.substr(kMtime, 12), header_at));
    SLUICE_ASSIGN_OR_RETURN(uint64_t major, ParseOctal(h.substr(kDevMajor, 8), header_at));
    SLUICE_ASSIGN_OR_RETURN(uint64_t minor, ParseOctal(h.substr(kDevMinor, 8), header_at));
    e.mode = uint32_t(mode & 07777);
    e.uid = uint32_t(uid);
    e.gid = uint32_t(gid);
    e.mtime = int64_t(mtime);
    e.devmajor = uint32_t(major);
    e.devminor = uint32_t(minor);
    if (e.type == TarType::kFile) e.data = data;
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace sluice::oci
