// Test helpers of the runner module: a LineSink that records every line, and
// a /proc scan that finds processes a test left behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "runner/process.h"

namespace sluice::runner {

class RecordingSink final : public LineSink {
 public:
  void OnLine(StreamKind stream, std::string_view line) override {
    lines.emplace_back(stream, std::string(line));
  }
  std::vector<std::string> Of(StreamKind stream) const {
    std::vector<std::string> out;
    for (const auto& [s, l] : lines) {
      if (s == stream) out.push_back(l);
    }
    return out;
  }
  std::vector<std::string> Stdout() const { return Of(StreamKind::kStdout); }
  std::vector<std::string> Stderr() const { return Of(StreamKind::kStderr); }
  std::string All() const {
    std::string out;
    for (const auto& [s, l] : lines) out += l + "\n";
    return out;
  }

  std::vector<std::pair<StreamKind, std::string>> lines;
};

// A "sleep" argument nobody else uses: sleep 1000.<random digits>.
inline std::string UniqueSleepArg() {
  std::random_device rd;
  return "1000." + std::to_string(100000 + rd() % 900000);
}

// Pids of live processes whose command line contains `marker` (zombies
// have an empty command line and do not count).
inline std::vector<int> ProcessesWithMarker(const std::string& marker) {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

// Waits up to `limit` for processes with `marker` to go away (a SIGKILLed
// process needs a moment to disappear); returns the survivors.
inline std::vector<int> SurvivorsAfter(
    const std::string& marker, std::chrono::milliseconds limit = std::chrono::milliseconds(1000)) {
  auto until = std::chrono::steady_clock::now() + limit;
  std::vector<int> pids = ProcessesWithMarker(marker);
  while (!pids.empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pids = ProcessesWithMarker(marker);
  }
  return pids;
}

}  // namespace sluice::runner
