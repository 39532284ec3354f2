#include "cli/progress.h"

#include <algorithm>
#include <vector>

#include "cli/render.h"
#include "common/clock.h"
#include "common/duration.h"

namespace sluice::cli {
namespace {

int Depth(const std::string& path) { return static_cast<int>(std::count(path.begin(), path.end(), '.')); }

bool Active(const std::string& status) {
  return status == "Running" || status == "WaitStepRunning" || status == "InterventionWaiting";
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::ostream& out, bool live, bool color, bool verbose)
    : live_(live && !verbose), color_(color), verbose_(verbose), out_(out) {
  if (!live_) return;
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!finished_) {
      wake_.wait_for(lock, std::chrono::milliseconds(250));
      if (!finished_) Redraw();
    }
  });
}

ProgressPrinter::~ProgressPrinter() { Finish(); }

void ProgressPrinter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    if (live_) Redraw();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ProgressPrinter::OnNodeChanged(const store::NodeRecord& node) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  if (live_) {
    nodes_[node.path] = node;
    Redraw();
    return;
  }
  PrintLine(node);
}

void ProgressPrinter::PrintLine(const store::NodeRecord& node) {
  std::string indent(2 * Depth(node.path), ' ');
  if (node.status == "NotStarted") return;
  if (Active(node.status)) {
    if (node.kind == "stage") {
      out_ << StatusMark("Running", color_) << " " << node.identifier << " (" << node.name << ")" << std::endl;
    } else if (verbose_) {
      out_ << indent << StatusMark("Running", color_) << " " << node.path << std::endl;
    }
    return;
  }
  out_ << indent << StatusMark(node.status, color_) << " " << node.path << "  " << node.status;
  if (node.ended_ms > 0 && node.started_ms > 0 && node.status != "Skipped") {
    out_ << "  " << FormatDuration(Millis(node.ended_ms - node.started_ms));
  }
  if (!node.failure_message.empty() && node.status != "Skipped") out_ << "  " << node.failure_message;
  out_ << std::endl;
  PrintWarnings(out_, indent + "    ", node, color_);
}

void ProgressPrinter::Redraw() {
  std::vector<const store::NodeRecord*> order;
  for (const auto& [path, n] : nodes_) order.push_back(&n);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->sort_order < b->sort_order; });
  std::string frame;
  if (drawn_lines_ > 0) frame += "\033[" + std::to_string(drawn_lines_) + "F";
  int64_t now = DefaultClock().NowMillis();
  size_t width = 0;
  for (const auto* n : order) width = std::max(width, n->identifier.size() + 2 * Depth(n->path));
  int lines = 0;
  for (const auto* n : order) {
    std::string line(2 + 2 * Depth(n->path), ' ');
    line += StatusMark(n->status, color_) + " " + n->identifier;
    line += std::string(width + 2 - n->identifier.size() - 2 * Depth(n->path), ' ');
    line += n->status;
    if (Active(n->status) && n->started_ms > 0) {
      line += "  " + FormatDuration(Millis(now - n->started_ms));
    } else if (n->ended_ms > 0 && n->status != "Skipped" && n->status != "NotStarted") {
      line += "  " + FormatDuration(Millis(n->ended_ms - n->started_ms));
    }
    frame += "\033[2K" + line + "\n";
    ++lines;
  }
  out_ << frame << std::flush;
  drawn_lines_ = lines;
}

void ProgressPrinter::OnLogLine(const std::string& node_path, std::string_view line) {
  if (!verbose_) return;
  std::lock_guard<std::mutex> lock(mu_);
  out_ << (color_ ? "\033[90m" : "") << node_path << " |" << (color_ ? "\033[0m " : " ") << line << '\n';
}

}  // namespace sluice::cli
