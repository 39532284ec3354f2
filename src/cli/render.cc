#include "cli/render.h"

#include <algorithm>

#include "common/clock.h"
#include "common/duration.h"
#include "common/text.h"

namespace sluice::cli {
namespace {

int64_t DurationMs(int64_t start, int64_t end) { return start > 0 && end >= start ? end - start : 0; }

int Depth(const std::string& path) {
  return static_cast<int>(std::count(path.begin(), path.end(), '.'));
}

// At most this much of a policy input is printed in the tree (--json has it all).
constexpr size_t kMaxInputShown = 240;


void PrintPolicyEvaluations(std::ostream& out, const std::string& indent, const std::string& path,
                            const std::vector<store::PolicyEvaluationRecord>& evaluations) {
  for (const store::PolicyEvaluationRecord& e : evaluations) {
    if (e.node_path != path) continue;
    out << indent << "policy evaluation: " << e.status;
    if (e.attempt > 0) out << " (attempt " << e.attempt + 1 << ")";
    out << "\n";
    for (const store::PolicyResultRecord& r : e.results) {
      out << indent << "  " << r.policy_set_name << " / " << r.policy << ": " << r.status << " (severity "
          << r.severity << ", " << r.duration_us << " µs)\n";
      for (const auto& m : r.deny_messages) {
        out << indent << "    deny: " << (m.is_string() ? m.get<std::string>() : m.dump()) << "\n";
      }
      if (!r.error.empty()) out << indent << "    error: " << r.error << "\n";
    }
    std::string input = e.input.is_string() ? e.input.get<std::string>() : e.input.dump();
    out << indent << "  input: " << Abbreviate(input, kMaxInputShown, "; --json shows it all") << "\n";
  }
}

nlohmann::ordered_json PolicyEvaluationsJson(const std::string& path,
                                             const std::vector<store::PolicyEvaluationRecord>& evaluations) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const store::PolicyEvaluationRecord& e : evaluations) {
    if (e.node_path != path) continue;
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const store::PolicyResultRecord& r : e.results) {
      results.push_back(nlohmann::ordered_json{{"policySet", r.policy_set},
                                               {"policySetName", r.policy_set_name},
                                               {"policy", r.policy},
                                               {"severity", r.severity},
                                               {"status", r.status},
                                               {"denyMessages", r.deny_messages},
                                               {"error", r.error},
                                               {"durationUs", r.duration_us}});
    }
    out.push_back(nlohmann::ordered_json{{"attempt", e.attempt},
                                         {"status", e.status},
                                         {"input", e.input},
                                         {"evaluatedAt", FormatTimestamp(e.evaluated_ms)},
                                         {"results", results}});
  }
  return out;
}

}  // namespace

void PrintWarnings(std::ostream& out, const std::string& indent, const store::NodeRecord& node, bool color) {
  if (!node.details.contains("warnings")) return;
  for (const auto& w : node.details["warnings"]) {
    std::string text = "⚠ " + (w.is_string() ? w.get<std::string>() : w.dump());
    out << indent << (color ? "\033[33m" + text + "\033[0m" : text) << "\n";
  }
}

std::string StatusMark(const std::string& status, bool color) {
  struct Mark {
    const char* status;
    const char* mark;
    const char* color;
  };
  static const Mark kMarks[] = {
      {"Success", "✓", "\033[32m"},         {"IgnoreFailed", "✓", "\033[33m"},
      {"Failed", "✗", "\033[31m"},          {"Errored", "✗", "\033[31m"},
      {"Expired", "⏱", "\033[31m"},         {"Aborted", "■", "\033[31m"},
      {"Skipped", "-", "\033[90m"},         {"Running", "▶", "\033[36m"},
      {"WaitStepRunning", "…", "\033[36m"}, {"NotStarted", "·", "\033[90m"},
      {"ApprovalRejected", "✗", "\033[31m"}, {"InterventionWaiting", "?", "\033[35m"},
      {"ApprovalWaiting", "?", "\033[35m"},
  };
  for (const Mark& m : kMarks) {
    if (status == m.status) return color ? std::string(m.color) + m.mark + "\033[0m" : m.mark;
  }
  return "?";
}

void PrintExecutionTree(std::ostream& out, const store::ExecutionRecord& rec,
                        const std::vector<store::NodeRecord>& nodes, bool color,
                        const std::vector<store::PolicyEvaluationRecord>& evaluations) {
  std::vector<store::NodeRecord> sorted = nodes;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.sort_order < b.sort_order; });
  size_t width = 0;
  for (const auto& n : sorted) width = std::max(width, n.identifier.size() + 2 * Depth(n.path));
  for (const auto& n : sorted) {
    std::string indent(2 + 2 * Depth(n.path), ' ');
    std::string label = n.identifier;
    out << indent << StatusMark(n.status, color) << " " << label
        << std::string(width + 2 - label.size() - 2 * Depth(n.path), ' ') << n.status;
    if (n.ended_ms > 0 && n.status != "Skipped") {
      out << "  " << FormatDuration(Millis(DurationMs(n.started_ms, n.ended_ms)));
    }
    if (n.attempt > 0) out << "  (" << n.attempt + 1 << " attempts)";
    if (n.details.contains("reusedFrom")) out << "  (reused)";
    out << "\n";
    std::string detail_indent = indent + "    ";
    // A skip is explained where it starts (the stage, or a step's own condition).
    bool explain = n.status != "Skipped" || n.kind == "stage" ||
                   n.failure_message.find("condition") != std::string::npos;
    if (!n.failure_message.empty() && explain) out << detail_indent << n.failure_message << "\n";
    if (n.kind == "step" && n.outputs.is_object() && !n.outputs.empty()) {
      for (auto it = n.outputs.begin(); it != n.outputs.end(); ++it) {
        std::string v = it->is_string() ? it->get<std::string>() : it->dump();
        out << detail_indent << it.key() << " = " << v << "\n";
      }
    }
    if (n.details.contains("tests")) {
      const auto& t = n.details["tests"];
      out << detail_indent << "tests: " << t.value("total", 0) << " total, " << t.value("failed", 0)
          << " failed, " << t.value("skipped", 0) << " skipped\n";
    }
    if (n.details.contains("artifacts") && n.details["artifacts"].is_array()) {
      for (const auto& a : n.details["artifacts"]) {
        out << detail_indent << a.value("type", "artifact") << " " << a.value("name", "");
        if (a.contains("digest")) out << " @ " << a.value("digest", "");
        out << "\n";
      }
    }
    PrintWarnings(out, detail_indent, n, color);
    PrintPolicyEvaluations(out, detail_indent, n.path, evaluations);
  }
  int64_t duration = DurationMs(rec.started_ms, rec.ended_ms);
  out << "\nExecution " << rec.id << " (#" << rec.sequence_id << " of " << rec.pipeline_id << "): "
      << StatusMark(rec.status, color) << " " << rec.status;
  if (rec.ended_ms > 0) out << " in " << FormatDuration(Millis(duration));
  out << "\n";
  if (!rec.failure_message.empty() && rec.status != "Success") out << "  " << rec.failure_message << "\n";
}

nlohmann::ordered_json ExecutionJson(const store::ExecutionRecord& rec,
                                     const std::vector<store::NodeRecord>& nodes,
                                     const std::vector<store::PolicyEvaluationRecord>& evaluations) {
  std::vector<store::NodeRecord> sorted = nodes;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.sort_order < b.sort_order; });
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (const auto& n : sorted) {
    if (n.kind != "stage") continue;
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (const auto& s : sorted) {
      if (s.kind == "stage" || s.path.rfind(n.path + ".", 0) != 0) continue;
      nlohmann::ordered_json step{{"path", s.path},
                       {"identifier", s.identifier},
                       {"name", s.name},
                       {"kind", s.kind},
                       {"type", s.type},
                       {"status", s.status},
                       {"durationMs", DurationMs(s.started_ms, s.ended_ms)},
                       {"attempt", s.attempt},
                       {"outputs", s.outputs},
                       {"failureMessage", s.failure_message},
                       {"failureType", s.failure_type},
                       {"details", s.details}};
      nlohmann::ordered_json policy = PolicyEvaluationsJson(s.path, evaluations);
      if (!policy.empty()) step["policyEvaluations"] = std::move(policy);
      steps.push_back(std::move(step));
    }
    stages.push_back(nlohmann::ordered_json{{"identifier", n.identifier},
                      {"name", n.name},
                      {"type", n.type},
                      {"status", n.status},
                      {"durationMs", DurationMs(n.started_ms, n.ended_ms)},
                      {"failureMessage", n.failure_message},
                      {"steps", steps}});
  }
  return nlohmann::ordered_json{{"id", rec.id},
          {"pipeline", rec.pipeline_id},
          {"pipelineName", rec.pipeline_name},
          {"sequenceId", rec.sequence_id},
          {"status", rec.status},
          {"startedAt", rec.started_ms > 0 ? FormatTimestamp(rec.started_ms) : ""},
          {"endedAt", rec.ended_ms > 0 ? FormatTimestamp(rec.ended_ms) : ""},
          {"durationMs", DurationMs(rec.started_ms, rec.ended_ms)},
          {"failureMessage", rec.failure_message},
          {"retriedFrom", rec.retried_from},
          {"inputs", rec.inputs},
          {"stages", stages}};
}

}  // namespace sluice::cli
