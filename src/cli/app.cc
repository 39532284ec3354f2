#include "cli/app.h"

#include <cstdlib>
#include <iostream>

#include "steps/register.h"

namespace sluice::cli {

namespace fs = std::filesystem;

fs::path App::ProjectDir() const {
  fs::path p = options_.project.empty() ? fs::path(".") : fs::path(options_.project);
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) p = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  fs::path abs = fs::absolute(p, ec).lexically_normal();
  // A pipeline file inside .harness/pipelines belongs to the project two levels up.
  if (abs.filename() == "pipelines" && abs.parent_path().filename() == ".harness") {
    abs = abs.parent_path().parent_path();
  }
  if (abs.has_filename() == false && abs.has_parent_path()) abs = abs.parent_path();
  return abs;
}

fs::path App::StateDir() const {
  if (!options_.state.empty()) return fs::absolute(options_.state).lexically_normal();
  return ProjectDir() / ".sluice";
}

Result<store::Store*> App::Store() {
  if (!store_) {
    auto s = store::Store::Open(StateDir());
    if (!s.ok()) return s.status();
    store_ = std::move(s).value();
  }
  return store_.get();
}

Result<secrets::SecretStore*> App::Secrets() {
  if (!secrets_) {
    const char* key = std::getenv("SLUICE_MASTER_KEY");
    auto s = secrets::OpenFileSecretStore(StateDir(), key != nullptr ? key : "");
    if (!s.ok()) return s.status();
    secrets_ = std::move(s).value();
  }
  return secrets_.get();
}

const engine::StepRegistry& App::Steps() {
  if (!steps_) {
    steps_ = std::make_unique<engine::StepRegistry>();
    steps::RegisterBuiltinSteps(steps_.get());
  }
  return *steps_;
}

int Fail(const Status& status, int code) {
  std::cerr << "sluice: " << status.message() << "\n";
  return code;
}

Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& flag,
                                                           const std::string& addr) {
  const size_t colon = addr.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const std::string digits = addr.substr(colon + 1);
    if (!digits.empty() && digits.size() <= 5 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      port = std::stoi(digits);
    }
  }
  if (colon == std::string::npos || port < 0 || port > 65535) {
    return Status::InvalidArgument(flag + " " + addr + ": give HOST:PORT, e.g. 127.0.0.1:8080");
  }
  return std::make_pair(addr.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace sluice::cli
