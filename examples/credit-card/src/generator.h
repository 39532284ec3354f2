// The credit-card demo's synthetic data: a deterministic, integer-only
// generator whose output has the shape and statistics of the tutorial's
// `synthetic_credit_card_approval.csv` (which is not available offline).
//
// The algorithm is section 4 of ../shared/reference/credit-card-data-and-tree.md
// and its output is a persisted format: for a given seed and row count the CSV
// is byte-for-byte fixed (seed 54, 500,000 rows has a golden sha256 checked in
// generator_test.cc). Any change to a draw, a constant or the text layout
// changes every dataset, model and metric downstream, so treat it as a
// versioned format, not an implementation detail.
//
//   PRNG   SplitMix64: output j (j = 1, 2, ...) = Mix64(seed + j * 0x9E3779B97F4A7C15),
//          all uint64 arithmetic with wrap-around, no floating point anywhere.
//   Row r  uses the six outputs 6r+1 .. 6r+6 (z0..z5), one per column rule:
//          Group = z0 >> 63; Num_Children by table lookup of z1 >> 32 in a
//          Poisson(2) CDF; Income from z2; Own_Car from z3 >> 32;
//          Own_Housing from z4 >> 32; label noise from z5.
//
// Everything here is pure computation except GenerateCsvFile, which writes
// one file. Errors come back as sluice::Status; nothing throws.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ccapproval {

// SplitMix64 in counter form. Not thread-safe; cheap to copy.
class SplitMix64 {
 public:
  static constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;

  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  // The next output (the first call returns output 1).
  uint64_t Next() {
    state_ += kGamma;
    return Mix64(state_);
  }

  static constexpr uint64_t Mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
  }

 private:
  uint64_t state_;
};

// floor(2^32 * PoissonCDF(k; lambda = 2)) for k = 0..12. Num_Children is the
// number of entries <= (z1 >> 32), so it lies in 0..13.
inline constexpr std::array<uint32_t, 13> kPoisson2Cdf = {
    581260615u,  1743781846u, 2906303077u, 3681317231u, 4068824308u, 4223827139u, 4275494749u,
    4290256923u, 4293947467u, 4294767588u, 4294931612u, 4294961435u, 4294966405u,
};

// One applicant. Field order is the CSV column order.
struct CreditRow {
  int num_children = 0;  // 0..13
  int group = 0;         // 0/1, the sensitive attribute
  int income = 0;        // G0: 30000..99999, G1: 40000..119999
  int own_car = 0;       // 0/1
  int own_housing = 0;   // 0/1
  int target = 0;        // 0 deny / 1 approve
};

// Draws the next row: consumes exactly six outputs of `rng`.
CreditRow DrawRow(SplitMix64& rng);

// The CSV's first line (LF line endings throughout).
inline constexpr std::string_view kCsvHeader =
    "Num_Children,Group,Income,Own_Car,Own_Housing,Target\n";

// Receives the CSV text in order, in chunks of up to about 1 MiB. A non-OK
// Status stops generation and is returned from GenerateCsv.
using CsvSink = std::function<sluice::Status(std::string_view chunk)>;

// Streams the header and `rows` rows for `seed` to `sink`. Memory use is
// constant (one chunk buffer), whatever `rows` is.
sluice::Status GenerateCsv(uint64_t seed, uint64_t rows, const CsvSink& sink);

// The whole CSV in memory (tests and small datasets).
std::string GenerateCsvString(uint64_t seed, uint64_t rows);

// Writes the CSV to `out` (creating its folder) via a temporary file in the
// same directory that is renamed into place, so a reader never sees a partial
// dataset. On success
// `*bytes_written` (when given) holds the file size.
sluice::Status GenerateCsvFile(uint64_t seed, uint64_t rows, const std::filesystem::path& out,
                               uint64_t* bytes_written = nullptr);

}  // namespace ccapproval
