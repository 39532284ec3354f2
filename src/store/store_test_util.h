// Helpers shared by the store tests: a store in a fresh temporary state
// directory and sample records with every field set.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/files.h"
#include "store/store.h"

namespace sluice::store::testing {

inline TempDir MakeStateDir() {
  auto dir = TempDir::Create("sluice-store-test-");
  EXPECT_TRUE(dir.ok()) << dir.status().ToString();
  return std::move(dir).value();
}

inline std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& state_dir) {
  auto store = Store::Open(state_dir);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

inline ExecutionRecord SampleExecution(std::string pipeline_id = "train_model", int64_t started_ms = 1'700'000'000'000) {
  ExecutionRecord r;
  r.pipeline_id = std::move(pipeline_id);
  r.pipeline_name = "Train Model";
  r.status = "Running";
  r.started_ms = started_ms;
  r.ended_ms = 0;
  r.project_dir = "/home/u/proj";
  r.pipeline_file = ".harness/pipelines/train.yaml";
  r.pipeline_yaml = "pipeline:\n  identifier: train_model\n";
  r.inputs = {{"epochs", 3}, {"tag", "v1"}};
  r.trigger_type = "MANUAL";
  r.runner_pid = 4242;
  return r;
}

inline NodeRecord SampleNode(const std::string& execution_id, const std::string& path, int sort_order = 0) {
  NodeRecord n;
  n.execution_id = execution_id;
  n.path = path;
  n.kind = "step";
  n.identifier = path.substr(path.rfind('.') + 1);
  n.name = "Step " + n.identifier;
  n.type = "Run";
  n.status = "Running";
  n.started_ms = 1'700'000'000'100;
  n.sort_order = sort_order;
  return n;
}

// A function configuration with every field set; `image` tells samples apart.
inline FunctionConfig SampleFunctionConfig(std::string image = "ccapproval-deploy:7f3c") {
  FunctionConfig c;
  c.image = std::move(image);
  c.image_digest = "sha256:" + std::string(64, 'a');
  c.command = {"/var/task/ccapproval", "handler"};
  c.env = {{"MODEL_PATH", "/var/task/model.json"}, {"LOG_LEVEL", "info"}};
  c.memory_mb = 256;
  c.timeout_s = 10;
  c.reserved_concurrency = 4;
  c.handler = "predict";
  c.description = "credit-card approval";
  return c;
}

}  // namespace sluice::store::testing
