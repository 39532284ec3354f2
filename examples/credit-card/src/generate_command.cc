#include "generate_command.h"

#include <ostream>

#include "generator.h"

namespace ccapproval {

int RunGenerateCommand(const GenerateOptions& o, std::ostream& out, std::ostream& err) {
  uint64_t bytes = 0;
  sluice::Status s = GenerateCsvFile(o.seed, o.rows, o.out, &bytes);
  if (!s.ok()) {
    err << "ccapproval generate: error: " << s.message() << "\n";
    return 1;
  }
  out << "wrote " << o.rows << " rows (" << bytes << " bytes, seed " << o.seed << ") to "
      << o.out.string() << "\n";
  return 0;
}

}  // namespace ccapproval
