#include "generator.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "common/files.h"

namespace ccapproval {
namespace {

// Thresholds on the top 32 bits of a draw: floor(2^32 * p).
constexpr uint64_t kCarG0 = 2576980377u;      // 0.6
constexpr uint64_t kCarG1 = 3435973836u;      // 0.8
constexpr uint64_t kHousingG0 = 1288490188u;  // 0.3
constexpr uint64_t kHousingG1 = 2147483648u;  // 0.5

constexpr size_t kChunkBytes = size_t{1} << 20;
// Longest row: "13,1,119999,1,1,1\n" is 18 bytes; keep a generous margin so
// a row never needs a bounds check of its own.
constexpr size_t kMaxRowBytes = 64;

int NumChildren(uint64_t z) {
  const uint64_t u = z >> 32;
  int k = 0;
  while (k < static_cast<int>(kPoisson2Cdf.size()) && kPoisson2Cdf[static_cast<size_t>(k)] <= u)
    ++k;
  return k;
}

// Appends `value` and `sep` at `p`; the caller guarantees room.
char* Put(char* p, int value, char sep) {
  auto [end, ec] = std::to_chars(p, p + 16, value);
  (void)ec;  // cannot fail: 16 chars hold any int
  *end = sep;
  return end + 1;
}

}  // namespace

CreditRow DrawRow(SplitMix64& rng) {
  const uint64_t z0 = rng.Next();
  const uint64_t z1 = rng.Next();
  const uint64_t z2 = rng.Next();
  const uint64_t z3 = rng.Next();
  const uint64_t z4 = rng.Next();
  const uint64_t z5 = rng.Next();

  CreditRow row;
  row.group = static_cast<int>(z0 >> 63);
  const bool g1 = row.group == 1;
  row.num_children = NumChildren(z1);
  row.income = g1 ? 40000 + static_cast<int>(z2 % 80000) : 30000 + static_cast<int>(z2 % 70000);
  row.own_car = (z3 >> 32) < (g1 ? kCarG1 : kCarG0) ? 1 : 0;
  row.own_housing = (z4 >> 32) < (g1 ? kHousingG1 : kHousingG0) ? 1 : 0;
  const int eps = static_cast<int>(z5 % 8001) - 4000;
  const int score =
      row.income + 7000 * row.own_housing + 3000 * row.own_car + 10000 * row.group + eps;
  row.target = score > 90000 ? 1 : 0;
  return row;
}

sluice::Status GenerateCsv(uint64_t seed, uint64_t rows, const CsvSink& sink) {
  std::vector<char> buf(kChunkBytes);
  char* const begin = buf.data();
  char* const limit = begin + buf.size() - kMaxRowBytes;
  char* p = begin;
  std::memcpy(p, kCsvHeader.data(), kCsvHeader.size());
  p += kCsvHeader.size();

  SplitMix64 rng(seed);
  for (uint64_t r = 0; r < rows; ++r) {
    const CreditRow row = DrawRow(rng);
    p = Put(p, row.num_children, ',');
    p = Put(p, row.group, ',');
    p = Put(p, row.income, ',');
    p = Put(p, row.own_car, ',');
    p = Put(p, row.own_housing, ',');
    p = Put(p, row.target, '\n');
    if (p >= limit) {
      SLUICE_RETURN_IF_ERROR(sink(std::string_view(begin, static_cast<size_t>(p - begin))));
      p = begin;
    }
  }
  if (p != begin)
    SLUICE_RETURN_IF_ERROR(sink(std::string_view(begin, static_cast<size_t>(p - begin))));
  return sluice::Status::Ok();
}

std::string GenerateCsvString(uint64_t seed, uint64_t rows) {
  std::string out;
  out.reserve(kCsvHeader.size() + rows * 17);
  sluice::Status s = GenerateCsv(seed, rows, [&out](std::string_view chunk) {
    out.append(chunk);
    return sluice::Status::Ok();
  });
  (void)s;  // the sink above never fails
  return out;
}

sluice::Status GenerateCsvFile(uint64_t seed, uint64_t rows, const std::filesystem::path& out,
                               uint64_t* bytes_written) {
  // The temporary name carries the pid so two concurrent generators writing
  // the same target do not interleave. No fsync: the dataset is a pure
  // function of (seed, rows) and can always be regenerated.
  const std::filesystem::path tmp = out.string() + ".tmp-" + std::to_string(::getpid());
  if (out.has_parent_path()) SLUICE_RETURN_IF_ERROR(sluice::MakeDirs(out.parent_path()));
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(tmp.c_str(), "wb"));
  if (!file) {
    return sluice::Status::IoError("cannot create " + tmp.string() + ": " + std::strerror(errno));
  }
  uint64_t total = 0;
  sluice::Status s = GenerateCsv(seed, rows, [&](std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), file.get()) != chunk.size()) {
      return sluice::Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    total += chunk.size();
    return sluice::Status::Ok();
  });
  if (s.ok() && std::fclose(file.release()) != 0) {
    s = sluice::Status::IoError("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  if (s.ok()) {
    std::filesystem::rename(tmp, out, ec);
    if (ec)
      s = sluice::Status::IoError("cannot rename " + tmp.string() + " to " + out.string() + ": " +
                                  ec.message());
  }
  if (!s.ok()) {
    file.reset();
    std::filesystem::remove(tmp, ec);
    return s;
  }
  if (bytes_written != nullptr) *bytes_written = total;
  return s;
}

}  // namespace ccapproval
