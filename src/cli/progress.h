// Live progress of a running execution on the terminal: a line when a stage
// starts, a line when a step or stage finishes (status, duration, failure),
// and with -v every log line prefixed by its step. Thread-safe (the engine
// calls it from worker threads).
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>

#include "engine/engine.h"

namespace sluice::cli {

class ProgressPrinter final : public engine::ExecutionObserver {
 public:
  ProgressPrinter(std::ostream& out, bool color, bool verbose)
      : out_(out), color_(color), verbose_(verbose) {}
  void OnNodeChanged(const store::NodeRecord& node) override;
  void OnLogLine(const std::string& node_path, std::string_view line) override;

 private:
  std::mutex mu_;
  std::ostream& out_;  // guarded by mu_
  const bool color_;
  const bool verbose_;
};

}  // namespace sluice::cli
