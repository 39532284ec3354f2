// `ccapproval generate`: writes the synthetic credit-card dataset (see
// generator.h for the data and its reproducibility) and says what it wrote:
//   wrote 500000 rows (8062686 bytes, seed 54) to output/data.csv
// Errors go to `err` as "ccapproval generate: error: <message>". Returns the
// exit code: 0 on success, 1 on an error. Thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>

namespace ccapproval {

struct GenerateOptions {
  uint64_t seed = 54;
  uint64_t rows = 500000;  // data rows, header excluded
  std::filesystem::path out;
};

int RunGenerateCommand(const GenerateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ccapproval
