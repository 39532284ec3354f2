#include "train_command.h"

#include <ostream>

#include "train.h"

namespace ccapproval {

int RunTrainCommand(const std::filesystem::path& config_path, const sluice::Clock& clock,
                    std::ostream& out, std::ostream& err) {
  auto config = LoadTrainConfig(config_path);
  if (!config.ok()) {
    err << "ccapproval train: error: " << config.status().message() << "\n";
    return 1;
  }
  auto outcome = Train(*config, clock);
  if (!outcome.ok()) {
    err << "ccapproval train: error: " << outcome.status().message() << "\n";
    return 1;
  }
  const ModelEvaluation& selected = outcome->selected;
  const ModelEvaluation& baseline = outcome->baseline;
  out << "trained on " << outcome->train_rows << " rows, tested on " << outcome->test_rows << "\n"
      << "selected (group-unaware): test accuracy " << selected.test.accuracy
      << ", equal-opportunity gap " << selected.equal_opportunity_gap << " points\n"
      << "baseline (with Group):    test accuracy " << baseline.test.accuracy
      << ", equal-opportunity gap " << baseline.equal_opportunity_gap << " points\n"
      << "wrote " << config->model_file.string() << " and " << config->metrics_file.string()
      << "\n";
  return 0;
}

}  // namespace ccapproval
