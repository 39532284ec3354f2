// For the runtime's tests: instances that run src/serve/testdata/
// test_runtime.py (a Runtime API client written with Python's standard
// library) instead of an image, with the configuration's environment and
// AWS_LAMBDA_FUNCTION_VERSION.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "runner/process.h"
#include "store/function_records.h"

namespace sluice::serve::testing {

inline bool HavePython() { return std::filesystem::exists("/usr/bin/python3"); }

inline runner::ProcessSpec TestRuntimeProcess() {
  runner::ProcessSpec spec;
  spec.argv = {"/usr/bin/python3",
               std::string(SLUICE_SOURCE_DIR) + "/src/serve/testdata/test_runtime.py"};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.kill_grace = std::chrono::milliseconds(100);
  return spec;
}

// A RuntimeOptions::instance_spec.
inline Result<runner::ProcessSpec> TestInstanceSpec(const std::string& /*function*/,
                                                    const std::string& version,
                                                    const store::FunctionConfig& config) {
  runner::ProcessSpec spec = TestRuntimeProcess();
  for (const auto& [k, v] : config.env) spec.env[k] = v;
  spec.env["AWS_LAMBDA_FUNCTION_VERSION"] = version;
  return spec;
}

}  // namespace sluice::serve::testing
