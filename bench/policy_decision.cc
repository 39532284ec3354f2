// policy_decision: time per Rego decision with a prepared (parsed and
// compiled once) policy, for the tutorial's model gate and for a role-based
// access control policy of the shape of OPA's documentation example.
//
// Compared in the same run, rounds interleaved so noise hits both alike:
//   prepared   PreparedQuery::Prepare once, then Eval per decision: what a
//              long-running decision service does (and the evaluation time
//              a Policy step records).
//   one-off    Prepare + Eval per decision (parse and compile every time):
//              what a Policy step pays per policy, and any tool that
//              evaluates each request from scratch.
// No OPA binary exists here, so OPA's published figures for the same kind of
// policy (../shared/reference/opa-rego.md §4: trivial policy 2.8 µs, RBAC
// example 27-45 µs per prepared decision) are printed as yardsticks beside
// sluice's measured medians, with the ratio; those were measured on other
// machines, so the ratio is an indication, not a race.
//
//   policy_decision [--rounds 9] [--decisions 20000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/files.h"
#include "median.h"
#include "policy/query.h"
#include "policy/value_json.h"

namespace {

using sluice::bench::Median;
using sluice::policy::PreparedQuery;
using sluice::policy::QueryRequest;
using sluice::policy::Value;

// Users, their roles, what each role may do; allow when one of the user's
// roles grants the requested action on the requested object.
constexpr char kRbac[] = R"(package rbac
import rego.v1

roles_of := {
  "alice": ["engineering", "webdev"],
  "bob": ["hr"],
  "carol": ["sre", "engineering"],
}

grants := {
  "engineering": [{"action": "read", "object": "server123"}],
  "webdev": [{"action": "read", "object": "server123"}, {"action": "write", "object": "server123"}],
  "hr": [{"action": "read", "object": "database456"}],
  "sre": [{"action": "restart", "object": "server123"}],
}

default allow := false

allow if {
  some role in roles_of[input.user]
  some grant in grants[role]
  grant == {"action": input.action, "object": input.object}
}
)";

struct Scenario {
  const char* name;
  QueryRequest request;
  std::vector<Value> inputs;  // cycled through
  double opa_us;              // OPA's published figure for a prepared decision
  const char* opa_what;
};

Value Json(const char* text) { return *sluice::policy::ParseJson(text); }

double PerDecisionUs(std::chrono::nanoseconds total, int decisions) {
  return static_cast<double>(total.count()) / 1000.0 / decisions;
}

template <typename F>
std::chrono::nanoseconds Time(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

// Keeps results observable so the loop cannot be optimised away.
size_t g_rows = 0;

void Run(const Scenario& s, int rounds, int decisions) {
  PreparedQuery prepared = PreparedQuery::Prepare(s.request);
  if (prepared.error()) {
    std::fprintf(stderr, "%s: %s\n", s.name, prepared.error()->message.c_str());
    std::exit(1);
  }
  const Value data = Value::Object({});
  const int one_off_decisions = std::max(1, decisions / 50);
  std::vector<double> fast, slow;
  for (int r = 0; r < rounds; ++r) {
    fast.push_back(PerDecisionUs(Time([&] {
                                   for (int i = 0; i < decisions; ++i) {
                                     g_rows += prepared.Eval(data, s.inputs[i % s.inputs.size()]).rows.size();
                                   }
                                 }),
                                 decisions));
    slow.push_back(PerDecisionUs(Time([&] {
                                   for (int i = 0; i < one_off_decisions; ++i) {
                                     QueryRequest req = s.request;
                                     req.input = s.inputs[i % s.inputs.size()];
                                     g_rows += sluice::policy::RunQuery(req).rows.size();
                                   }
                                 }),
                                 one_off_decisions));
  }
  const double p = Median(fast), o = Median(slow);
  std::printf("%-16s prepared %8.2f µs/decision (%9.0f decisions/s)   one-off %8.1f µs (%.0fx)\n",
              s.name, p, 1e6 / p, o, o / p);
  std::printf("%-16s OPA's published figure %.1f µs (%s); ratio %.1f\n", "", s.opa_us, s.opa_what,
              s.opa_us / p);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 9, decisions = 20000;
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: policy_decision [--rounds N] [--decisions N]\n");
    return 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rounds") {
      rounds = std::atoi(argv[i + 1]);
    } else if (flag == "--decisions") {
      decisions = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: policy_decision [--rounds N] [--decisions N]\n");
      return 2;
    }
  }
  if (rounds < 1 || decisions < 1) {
    std::fprintf(stderr, "policy_decision: --rounds and --decisions must be at least 1\n");
    return 2;
  }
  const std::string gate_file =
      std::string(SLUICE_SOURCE_DIR) + "/examples/credit-card/.harness/policies/check_fairness_and_accuracy.rego";
  auto gate = sluice::ReadFile(gate_file);
  if (!gate.ok()) {
    std::fprintf(stderr, "%s\n", gate.status().ToString().c_str());
    return 1;
  }

  Scenario tutorial{"tutorial gate", {}, {}, 2.8, "trivial policy, BenchmarkTrivialPolicy"};
  tutorial.request.modules.push_back({"check_fairness_and_accuracy.rego", *gate});
  tutorial.request.dialect = sluice::policy::ast::Dialect::kV0;
  tutorial.request.query = "deny = data.main.deny";
  tutorial.inputs = {Json(R"({"accuracy": 0.92669, "fairnessScoreEqualOpportunity": 7.35})"),
                     Json(R"({"accuracy": 0.85, "fairnessScoreEqualOpportunity": 22.5})")};

  Scenario rbac{"rbac", {}, {}, 27.0, "docs RBAC example, 27-45 µs/op: the fast end"};
  rbac.request.modules.push_back({"rbac.rego", kRbac});
  rbac.request.query = "allow = data.rbac.allow";
  rbac.inputs = {Json(R"({"user": "alice", "action": "write", "object": "server123"})"),
                 Json(R"({"user": "bob", "action": "read", "object": "server123"})"),
                 Json(R"({"user": "carol", "action": "restart", "object": "server123"})"),
                 Json(R"({"user": "mallory", "action": "read", "object": "database456"})")};

  std::printf("medians of %d rounds, %d prepared decisions per round\n", rounds, decisions);
  Run(tutorial, rounds, decisions);
  Run(rbac, rounds, decisions);
  return g_rows == 0 ? 1 : 0;
}
