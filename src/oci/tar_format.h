// The tar format itself (internal to src/oci): encoding one entry as ustar
// with a PAX header when a name does not fit, and decoding a whole stream.
// The layer writer and the unpacker are built on these; nothing here touches
// the filesystem. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::oci {

enum class TarType : char {
  kFile = '0',
  kHardLink = '1',
  kSymlink = '2',
  kCharDevice = '3',
  kBlockDevice = '4',
  kDirectory = '5',
  kFifo = '6',
};

struct TarEntry {
  std::string name;  // as stored: relative, directories end in '/'
  TarType type = TarType::kFile;
  uint32_t mode = 0644;  // permission bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime = 0;
  std::string linkname;  // symlink target or hard-link source
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  std::string_view data;  // file contents (kFile only); points into caller's buffer
};

// Appends `entry` (header, PAX header when needed, data padded to 512).
void AppendTarEntry(std::string& out, const TarEntry& entry);
// The same in parts, for a caller that writes a file's contents straight
// into `out`: the headers for `size` bytes of data (a kFile's; `entry.data`
// is ignored), then, after exactly `size` bytes, the padding.
void AppendTarHeader(std::string& out, const TarEntry& entry, uint64_t size);
void AppendTarPadding(std::string& out, uint64_t size);
// Appends the two zero blocks that end an archive.
void AppendTarEnd(std::string& out);

// Decodes every entry of `tar` (PAX 'x' and GNU 'L'/'K' long names applied,
// global headers skipped). `data` views point into `tar`. InvalidArgument
// naming the byte offset on a bad checksum, a bad number or a truncated
// entry; an unsupported type names the entry.
Result<std::vector<TarEntry>> ParseTar(std::string_view tar);

}  // namespace sluice::oci
