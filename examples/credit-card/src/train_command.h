// `ccapproval train`: runs the training step of train.h for the config file
// at `config_path` and summarises it on `out`:
//   trained on 400000 rows, tested on 100000
//   selected (group-unaware): test accuracy 0.92669, equal-opportunity gap 7.35 points
//   baseline (with Group):    test accuracy 0.94847, equal-opportunity gap 20.78 points
//   wrote <model file> and <metrics file>
// Errors go to `err` as "ccapproval train: error: <message>". Returns the exit
// code: 0 on success, 1 on an error. The clock (the model's creation time) is
// handed in. Thread-compatible.
#pragma once

#include <filesystem>
#include <iosfwd>

#include "common/clock.h"

namespace ccapproval {

int RunTrainCommand(const std::filesystem::path& config_path, const sluice::Clock& clock,
                    std::ostream& out, std::ostream& err);

}  // namespace ccapproval
