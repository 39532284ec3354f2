// Live progress of a running execution on the terminal. Two modes:
//  - live: on a terminal (without -v) the tree of stages and steps is redrawn
//    in place as statuses change, with running times ticking;
//  - lines: otherwise (pipes, CI logs, -v) a line when a stage starts and when
//    a step or stage finishes, and with -v every log line prefixed by its step.
// Thread-safe: the engine calls it from worker threads.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>

#include "engine/engine.h"

namespace sluice::cli {

class ProgressPrinter final : public engine::ExecutionObserver {
 public:
  ProgressPrinter(std::ostream& out, bool live, bool color, bool verbose);
  ~ProgressPrinter() override;
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  void OnNodeChanged(const store::NodeRecord& node) override;
  void OnLogLine(const std::string& node_path, std::string_view line) override;
  // Draws the final state and stops the ticker. Idempotent.
  void Finish();
  bool live() const { return live_; }

 private:
  void PrintLine(const store::NodeRecord& node);  // lines mode; mu_ held
  void Redraw();                                  // live mode; mu_ held

  const bool live_;
  const bool color_;
  const bool verbose_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::ostream& out_;                               // guarded by mu_
  std::map<std::string, store::NodeRecord> nodes_;  // guarded by mu_
  int drawn_lines_ = 0;                             // guarded by mu_
  bool finished_ = false;                           // guarded by mu_
  std::thread ticker_;                              // live mode only
};

}  // namespace sluice::cli
