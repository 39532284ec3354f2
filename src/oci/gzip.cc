#include "oci/gzip.h"

#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::oci {
namespace {

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// The members of one Gzip call and who has been handed which.
struct Members {
  std::vector<std::string> bytes;
  std::vector<char> done;
  size_t emitted = 0;  // members [0, emitted) went to on_member
  std::mutex mutex;
  const std::function<void(std::string_view)>* on_member = nullptr;

  // Marks member `i` compressed and hands on every member now ready in order.
  void Finished(size_t i) {
    if (*on_member == nullptr) return;
    std::lock_guard<std::mutex> lock(mutex);
    done[i] = 1;
    for (; emitted < bytes.size() && done[emitted]; ++emitted) (*on_member)(bytes[emitted]);
  }
};

// Compresses the chunks of `data` whose index `next` hands out, each into
// its member; threads share `next`. libdeflate writes the fixed header
// the format needs (mtime 0, no name).
bool CompressChunks(std::string_view data, std::atomic<size_t>& next, Members& members) {
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> c(
      libdeflate_alloc_compressor(kGzipLevel));
  if (!c) return false;
  for (size_t i = next++; i < members.bytes.size(); i = next++) {
    std::string_view chunk = data.substr(i * kGzipChunkSize, kGzipChunkSize);
    std::string& out = members.bytes[i];
    out.resize(libdeflate_gzip_compress_bound(c.get(), chunk.size()));
    size_t n = libdeflate_gzip_compress(c.get(), chunk.data(), chunk.size(), out.data(), out.size());
    if (n == 0) return false;  // cannot happen with a buffer of the bound's size
    out.resize(n);
    members.Finished(i);
  }
  return true;
}

// The size of the last member's uncompressed data (its ISIZE trailer,
// modulo 2^32): exact for a small single-member stream, a hint otherwise.
size_t LastMemberSize(std::string_view data) {
  if (data.size() < 18) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data() + data.size() - 4);
  return static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8 |
         static_cast<size_t>(p[2]) << 16 | static_cast<size_t>(p[3]) << 24;
}

}  // namespace

Result<std::string> Gzip(std::string_view data,
                         const std::function<void(std::string_view member)>& on_member) {
  size_t chunks = std::max<size_t>(1, (data.size() + kGzipChunkSize - 1) / kGzipChunkSize);
  Members members;
  members.bytes.resize(chunks);
  members.done.resize(chunks, 0);
  members.on_member = &on_member;
  size_t workers = std::min<size_t>(chunks, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<char> ok(workers, 0);
  std::atomic<size_t> next{0};
  {
    std::vector<std::jthread> threads;
    for (size_t w = 1; w < workers; ++w) {
      threads.emplace_back([&, w] { ok[w] = CompressChunks(data, next, members); });
    }
    ok[0] = CompressChunks(data, next, members);
  }
  if (std::find(ok.begin(), ok.end(), 0) != ok.end()) {
    return Status::Internal("libdeflate could not allocate a compressor");
  }
  size_t total = 0;
  for (const std::string& m : members.bytes) total += m.size();
  std::string out;
  out.reserve(total);
  for (const std::string& m : members.bytes) out += m;
  return out;
}

Result<std::string> Gunzip(std::string_view data) {
  if (!IsGzip(data)) return Status::InvalidArgument("layer is not valid gzip (no gzip header)");
  std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  if (!d) return Status::Internal("libdeflate could not allocate a decompressor");
  std::string out(std::max(LastMemberSize(data), data.size() * 3), '\0');
  size_t in_pos = 0, out_len = 0;
  while (in_pos < data.size()) {
    if (!IsGzip(data.substr(in_pos))) {
      return Status::InvalidArgument("layer is not valid gzip (" +
                                     std::to_string(data.size() - in_pos) +
                                     " bytes of garbage after the last member)");
    }
    size_t used_in = 0, used_out = 0;
    libdeflate_result r = libdeflate_gzip_decompress_ex(
        d.get(), data.data() + in_pos, data.size() - in_pos, out.data() + out_len,
        out.size() - out_len, &used_in, &used_out);
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
      out.resize(out.size() * 2);
      continue;
    }
    if (r != LIBDEFLATE_SUCCESS) {
      return Status::InvalidArgument("layer is not valid gzip (corrupt or truncated data at byte " +
                                     std::to_string(in_pos) + ")");
    }
    in_pos += used_in;
    out_len += used_out;
  }
  out.resize(out_len);
  return out;
}

bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

}  // namespace sluice::oci
