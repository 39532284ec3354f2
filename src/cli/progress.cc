#include "cli/progress.h"

#include <algorithm>

#include "cli/render.h"
#include "common/duration.h"

namespace sluice::cli {

void ProgressPrinter::OnNodeChanged(const store::NodeRecord& node) {
  int depth = static_cast<int>(std::count(node.path.begin(), node.path.end(), '.'));
  std::string indent(2 * depth, ' ');
  std::lock_guard<std::mutex> lock(mu_);
  if (node.status == "NotStarted") return;
  if (node.status == "Running" || node.status == "WaitStepRunning") {
    if (node.kind == "stage") {
      out_ << StatusMark("Running", color_) << " " << node.identifier << " (" << node.name << ")" << std::endl;
    } else if (verbose_) {
      out_ << indent << StatusMark("Running", color_) << " " << node.path << std::endl;
    }
    return;
  }
  if (node.status == "Skipped" && node.started_ms == 0 && node.kind != "stage") {
    // A skipped subtree of a skipped stage: the stage line says it.
    if (node.failure_message.empty()) return;
  }
  out_ << indent << StatusMark(node.status, color_) << " " << node.path << "  " << node.status;
  if (node.ended_ms > 0 && node.started_ms > 0 && node.status != "Skipped") {
    out_ << "  " << FormatDuration(Millis(node.ended_ms - node.started_ms));
  }
  if (!node.failure_message.empty() && node.status != "Skipped") out_ << "  " << node.failure_message;
  out_ << std::endl;
}

void ProgressPrinter::OnLogLine(const std::string& node_path, std::string_view line) {
  if (!verbose_) return;
  std::lock_guard<std::mutex> lock(mu_);
  out_ << (color_ ? "\033[90m" : "") << node_path << " |" << (color_ ? "\033[0m " : " ") << line << '\n';
}

}  // namespace sluice::cli
