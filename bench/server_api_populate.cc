// server_api_populate: fills a state directory with executions that look
// like a busy project's history, for bench/server_api. Goes through the
// store's own API (store.h), one committed transaction per call as the
// engine makes them, so the database, its indexes and the log files are
// what months of `sluice run` leave.
//
//   server_api_populate STATE_DIR PROJECT_DIR COUNT
//
// Each execution: one of six pipelines (weighted), a finished status
// (mostly Success, then Failed, Aborted, Errored, Expired), started over
// the last 90 days in order, its pipeline YAML (~2 KB) and inputs, 2-3
// stages of 2-4 steps (6-11 nodes) with output variables and, for test
// steps, JUnit details, one log file per step (10-30 lines), a policy
// evaluation with three results in about one execution in three, and one
// or two artifacts in about four in ten. Deterministic (seed 7). Prints
// the counts written and the time taken.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using sluice::store::ArtifactRecord;
using sluice::store::ExecutionRecord;
using sluice::store::NodeRecord;
using sluice::store::PolicyEvaluationRecord;
using sluice::store::PolicyResultRecord;

struct PipelineKind {
  const char* id;
  const char* name;
  int weight;
  std::vector<std::vector<const char*>> stages;  // stage, then its steps
};

const std::vector<PipelineKind>& Pipelines() {
  static const std::vector<PipelineKind> kinds = {
      {"credit_card_approval",
       "Credit Card Approval",
       30,
       {{"Train_Model", "Generate_Data", "Train", "pytest", "Publish_Report"},
        {"Build_Image", "Build_And_Push", "Wait_for_ECR_Image_Scan", "Check_Policy"},
        {"Deploy", "Deploy_Lambda", "Shift_Traffic"}}},
      {"nightly_retrain",
       "Nightly Retrain",
       25,
       {{"Prepare", "Fetch_Data", "Validate_Schema"}, {"Train", "Fit", "Evaluate", "Fairness"}}},
      {"build_and_push",
       "Build and Push",
       20,
       {{"Build", "Lint", "Unit_Tests", "Build_And_Push"}, {"Scan", "AquaTrivy", "Check_Policy"}}},
      {"data_validation",
       "Data Validation",
       10,
       {{"Validate", "Fetch", "Great_Expectations", "Upload_Report"}, {"Notify", "Send_Mail"}}},
      {"deploy_lambda",
       "Deploy Lambda",
       10,
       {{"Approve", "Ask_Approval", "Check_Policy"},
        {"Deploy", "Deploy_Lambda", "Smoke_Test"},
        {"Shift", "Shift_Traffic", "Verify"}}},
      {"security_scan", "Security Scan", 5, {{"Scan", "Pull_Image", "AquaTrivy", "Report"}}},
  };
  return kinds;
}

// A pipeline's YAML as an execution records it (after inputs were applied).
std::string PipelineYaml(const PipelineKind& p) {
  std::string y = "pipeline:\n  name: " + std::string(p.name) + "\n  identifier: " + p.id +
                  "\n  projectIdentifier: default_project\n  orgIdentifier: default\n"
                  "  tags: {}\n  properties:\n    ci:\n      codebase:\n        connectorRef: "
                  "github\n        build: <+input>\n  stages:\n";
  for (const auto& stage : p.stages) {
    y += "    - stage:\n        name: " + std::string(stage[0]) +
         "\n        identifier: " + stage[0] +
         "\n        type: CI\n        spec:\n          cloneCodebase: true\n          platform:\n"
         "            os: Linux\n            arch: Amd64\n          runtime:\n            type: "
         "Cloud\n            spec: {}\n          execution:\n            steps:\n";
    for (size_t i = 1; i < stage.size(); ++i) {
      y += "              - step:\n                  type: Run\n                  name: " +
           std::string(stage[i]) + "\n                  identifier: " + stage[i] +
           "\n                  spec:\n                    shell: Sh\n                    command: "
           "|-\n                      python3 -m pip install -r requirements.txt\n"
           "                      python3 src/" +
           stage[i] +
           ".py --config config.yml\n                    envVariables:\n"
           "                      STAGE: " +
           stage[0] + "\n";
    }
  }
  return y;
}

struct Counts {
  int64_t executions = 0, nodes = 0, logs = 0, log_lines = 0, evaluations = 0, artifacts = 0;
};

int Fail(const sluice::Status& s, const char* what) {
  std::fprintf(stderr, "server_api_populate: %s: %s\n", what, s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: server_api_populate STATE_DIR PROJECT_DIR COUNT\n");
    return 2;
  }
  const std::string state_dir = argv[1];
  const std::string project_dir = argv[2];
  const int count = std::atoi(argv[3]);
  auto opened = sluice::store::Store::Open(state_dir);
  if (!opened.ok()) return Fail(opened.status(), "opening the store");
  sluice::store::Store& store = **opened;

  std::mt19937_64 rng(7);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto& kinds = Pipelines();
  std::vector<int> weights;
  for (const auto& k : kinds) weights.push_back(k.weight);
  std::discrete_distribution<int> pick_pipeline(weights.begin(), weights.end());
  std::vector<std::string> yaml;
  for (const auto& k : kinds) yaml.push_back(PipelineYaml(k));

  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t span_ms = int64_t{90} * 24 * 3600 * 1000;
  Counts counts;
  const auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < count; ++n) {
    const int which = pick_pipeline(rng);
    const PipelineKind& kind = kinds[static_cast<size_t>(which)];
    const double r = std::uniform_real_distribution<double>(0, 1)(rng);
    const std::string status = r < 0.72   ? "Success"
                               : r < 0.88 ? "Failed"
                               : r < 0.94 ? "Aborted"
                               : r < 0.98 ? "Errored"
                                          : "Expired";
    ExecutionRecord rec;
    rec.pipeline_id = kind.id;
    rec.pipeline_name = kind.name;
    rec.status = "Running";
    rec.started_ms = now_ms - span_ms + span_ms * n / count + between(0, 60'000);
    rec.project_dir = project_dir;
    rec.pipeline_file = ".harness/pipelines/" + std::string(kind.id) + ".yaml";
    rec.pipeline_yaml = yaml[static_cast<size_t>(which)];
    rec.inputs = {{"build", "main"}, {"tag", "v1." + std::to_string(n % 97)}};
    rec.runner_pid = 0;
    if (auto s = store.CreateExecution(&rec); !s.ok()) return Fail(s, "CreateExecution");
    ++counts.executions;

    // Nodes in order; the failing step (if any) is the last one run.
    const size_t stages = std::min(kind.stages.size(), static_cast<size_t>(between(2, 3)));
    int64_t t = rec.started_ms;
    int order = 0;
    bool failed = false;
    for (size_t si = 0; si < stages; ++si) {
      const auto& stage = kind.stages[si];
      NodeRecord sn;
      sn.execution_id = rec.id;
      sn.path = stage[0];
      sn.kind = "stage";
      sn.identifier = stage[0];
      sn.name = stage[0];
      sn.type = "CI";
      sn.started_ms = t;
      sn.sort_order = order++;
      std::vector<NodeRecord> steps;
      for (size_t i = 1; i < stage.size(); ++i) {
        NodeRecord st;
        st.execution_id = rec.id;
        st.path = std::string(stage[0]) + "." + stage[i];
        st.kind = "step";
        st.identifier = stage[i];
        st.name = stage[i];
        st.type = std::string(stage[i]).find("Policy") != std::string::npos ? "Policy" : "Run";
        st.started_ms = t;
        t += between(800, 90'000);
        st.ended_ms = failed ? 0 : t;
        st.sort_order = order++;
        if (failed) {
          st.status = "Skipped";
          st.started_ms = 0;
        } else if (status != "Success" && si + 1 == stages && i + 1 == stage.size()) {
          st.status = status == "Errored" ? "Errored" : status == "Expired" ? "Expired" : status;
          st.failure_type = status == "Failed"    ? "Unknown"
                            : status == "Aborted" ? "UserAborted"
                                                  : "Timeout";
          st.failure_message = "command exited with status 1: python3 src/" +
                               std::string(stage[i]) + ".py --config config.yml";
          failed = true;
        } else {
          st.status = "Success";
          st.outputs = {{"MODEL_VERSION", "v1." + std::to_string(n % 97)},
                        {"ACCURACY", "0." + std::to_string(800 + n % 150)},
                        {"IMAGE_DIGEST", "sha256:4f2a9c0d7e3b1a6f8d2c5e9b0a7f3d1c6e8b2a4f"}};
          if (std::string(stage[i]) == "pytest" || std::string(stage[i]) == "Unit_Tests") {
            st.details = {{"tests",
                           {{"total", 42},
                            {"failed", 0},
                            {"skipped", 1},
                            {"cases",
                             {{{"name", "test_accuracy"}, {"status", "passed"}},
                              {{"name", "test_equal_opportunity"}, {"status", "passed"}}}}}}};
          }
        }
        steps.push_back(std::move(st));
      }
      sn.ended_ms = t;
      sn.status = steps.back().status == "Skipped" && steps.front().status == "Skipped"
                      ? "Skipped"
                      : (failed ? status : "Success");
      if (auto s = store.PutNode(sn); !s.ok()) return Fail(s, "PutNode");
      ++counts.nodes;
      for (const NodeRecord& st : steps) {
        if (auto s = store.PutNode(st); !s.ok()) return Fail(s, "PutNode");
        ++counts.nodes;
        if (st.status == "Skipped") continue;
        std::string lines;
        const int line_count = between(10, 30);
        for (int l = 0; l < line_count; ++l) {
          lines += "[" + std::to_string(l) + "] " + st.identifier +
                   ": processed batch of 512 rows, loss=0." + std::to_string(between(100, 999)) +
                   "\n";
        }
        if (auto s = store.AppendLog(rec.id, st.path, lines); !s.ok()) return Fail(s, "AppendLog");
        ++counts.logs;
        counts.log_lines += line_count;
        if (st.type == "Policy" && chance(0.9)) {
          PolicyEvaluationRecord ev;
          ev.execution_id = rec.id;
          ev.node_path = st.path;
          ev.status = "pass";
          ev.input = {{"pipeline", {{"identifier", kind.id}, {"stages", stages}}},
                      {"image", {{"tag", "v1." + std::to_string(n % 97)}, {"critical", 0}}}};
          ev.evaluated_ms = st.ended_ms;
          for (const char* policy : {"no_critical_cves", "approved_registries", "model_card"}) {
            PolicyResultRecord pr;
            pr.policy_set = "release_gates";
            pr.policy_set_name = "Release gates";
            pr.policy = policy;
            pr.severity = "error";
            pr.status = "pass";
            pr.duration_us = between(40, 900);
            ev.results.push_back(std::move(pr));
          }
          if (auto s = store.AddPolicyEvaluation(&ev); !s.ok())
            return Fail(s, "AddPolicyEvaluation");
          ++counts.evaluations;
        }
      }
      if (failed && si + 1 < stages) break;
    }
    if (chance(0.4)) {
      std::vector<ArtifactRecord> artifacts;
      const int k = between(1, 2);
      for (int a = 0; a < k; ++a) {
        ArtifactRecord ar;
        ar.execution_id = rec.id;
        ar.node_path = std::string(kind.stages[0][0]) + "." + kind.stages[0][1];
        ar.name = a == 0 ? "model_metrics.html" : "model.json";
        ar.bucket = "reports";
        ar.key = rec.id + "/" + ar.name;
        ar.url = "file:///var/lib/sluice/artifacts/reports/" + ar.key;
        ar.size = between(2'000, 400'000);
        ar.sha256 = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7";
        ar.content_type = a == 0 ? "text/html" : "application/json";
        ar.created_ms = t;
        artifacts.push_back(std::move(ar));
      }
      if (auto s = store.AddArtifacts(&artifacts); !s.ok()) return Fail(s, "AddArtifacts");
      counts.artifacts += k;
    }
    rec.status = status;
    rec.ended_ms = t;
    if (status != "Success") rec.failure_message = "a step failed: see the failing node";
    if (auto s = store.UpdateExecution(rec); !s.ok()) return Fail(s, "UpdateExecution");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "populated %lld executions, %lld nodes, %lld log files (%lld lines), %lld policy "
      "evaluations, %lld artifacts in %.1f s\n",
      static_cast<long long>(counts.executions), static_cast<long long>(counts.nodes),
      static_cast<long long>(counts.logs), static_cast<long long>(counts.log_lines),
      static_cast<long long>(counts.evaluations), static_cast<long long>(counts.artifacts),
      seconds);
  return 0;
}
