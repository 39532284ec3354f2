#include "notify/event_text.h"

#include "common/clock.h"
#include "common/duration.h"

namespace sluice::notify {

namespace {

using engine::EventType;
using engine::NodeStatus;

std::string Outcome(NodeStatus s) {
  switch (s) {
    case NodeStatus::kSuccess:
      return "succeeded";
    case NodeStatus::kIgnoreFailed:
      return "succeeded (a failure was ignored)";
    case NodeStatus::kAborted:
      return "was aborted";
    case NodeStatus::kExpired:
      return "expired";
    case NodeStatus::kApprovalRejected:
      return "was rejected";
    case NodeStatus::kSkipped:
      return "was skipped";
    default:
      return engine::IsNegative(s) ? "failed" : std::string(engine::StatusName(s));
  }
}

// "Train_Model" from "Train_Model.train: exit code 1".
std::string FailedStage(const std::string& failure_message) {
  size_t colon = failure_message.find(": ");
  if (colon == std::string::npos) return "";
  std::string path = failure_message.substr(0, colon);
  if (path.find(' ') != std::string::npos) return "";
  return path.substr(0, path.find('.'));
}

std::string Elapsed(int64_t from_ms, int64_t to_ms) {
  if (from_ms <= 0 || to_ms < from_ms) return "";
  return FormatDuration(Millis((to_ms - from_ms) / 1000 * 1000));
}

std::string Title(const engine::ExecutionEvent& e) {
  return "[sluice] " + e.pipeline.identifier + " #" + std::to_string(e.execution.sequence_id);
}

}  // namespace

std::vector<std::string> RuleEventsOf(const engine::ExecutionEvent& e) {
  bool bad = engine::IsNegative(e.status);
  switch (e.type) {
    case EventType::kPipelineStart:
      return {"PipelineStart"};
    case EventType::kPipelineEnd:
      return {bad ? "PipelineFailed" : "PipelineSuccess", "PipelineEnd"};
    case EventType::kStageStart:
      return {"StageStart"};
    case EventType::kStageEnd:
      return {bad ? "StageFailed" : "StageSuccess"};
    case EventType::kStepFailed:
      return {"StepFailed"};
    case EventType::kApprovalWaiting:
      return {"PipelinePaused"};
  }
  return {};
}

EventText DescribeEvent(const engine::ExecutionEvent& e, int64_t now_ms, const std::string& url,
                        const store::ApprovalRecord* approval) {
  EventText t;
  const store::ExecutionRecord& x = e.execution;
  const std::string node_path = e.node ? e.node->path : "";
  const std::string node_name = e.node && !e.node->name.empty() ? e.node->name : node_path;
  switch (e.type) {
    case EventType::kPipelineStart:
      t.subject = Title(e) + " started";
      break;
    case EventType::kPipelineEnd: {
      t.subject = Title(e) + " " + Outcome(e.status);
      std::string stage = FailedStage(x.failure_message);
      if (engine::IsNegative(e.status) && !stage.empty()) t.subject += " at " + stage;
      break;
    }
    case EventType::kStageStart:
      t.subject = Title(e) + ": stage " + node_path + " started";
      break;
    case EventType::kStageEnd:
      t.subject = Title(e) + ": stage " + node_path + " " + Outcome(e.status);
      break;
    case EventType::kStepFailed:
      t.subject = Title(e) + ": step " + node_path + " " + Outcome(e.status);
      break;
    case EventType::kApprovalWaiting:
      t.subject = Title(e) + " waits for approval at " + node_path;
      break;
  }

  std::string b;
  b += "Pipeline:  " + e.pipeline.name + " (" + e.pipeline.identifier + ")\n";
  b += "Execution: #" + std::to_string(x.sequence_id) + " (" + x.id + ")\n";
  const bool ended = e.type == EventType::kPipelineEnd;
  b += "Status:    " +
       std::string(
           engine::StatusName(ended || e.type == EventType::kPipelineStart
                                  ? e.status
                                  : engine::ParseStatus(x.status).value_or(NodeStatus::kRunning))) +
       "\n";
  if (x.started_ms > 0) b += "Started:   " + FormatTimestamp(x.started_ms) + "\n";
  const std::string took = Elapsed(x.started_ms, ended && x.ended_ms > 0 ? x.ended_ms : now_ms);
  if (!took.empty() && e.type != EventType::kPipelineStart) {
    b += (ended ? "Duration:  " : "Running:   ") + took + "\n";
  }
  if (e.node && e.type != EventType::kApprovalWaiting) {
    b += "\n" + std::string(e.node->kind == "stage" ? "Stage:     " : "Step:      ") + node_name +
         (node_name != node_path ? " (" + node_path + ")" : "") + "\n";
    b += "Result:    " + std::string(engine::StatusName(e.status)) + "\n";
    if (e.type != EventType::kStageStart) {
      const std::string node_took =
          Elapsed(e.node->started_ms, e.node->ended_ms > 0 ? e.node->ended_ms : now_ms);
      if (!node_took.empty()) b += "Took:      " + node_took + "\n";
    }
    if (!e.node->failure_message.empty() && engine::IsNegative(e.status)) {
      b += "Failure:   " + e.node->failure_message + "\n";
    }
  }
  if (ended && !x.failure_message.empty()) b += "\nFailure:   " + x.failure_message + "\n";
  if (e.type == EventType::kApprovalWaiting) {
    b += "\nStep:      " + node_name + " (" + node_path + ")\n";
    if (approval != nullptr) {
      b += "Message:   " + approval->message + "\n";
      std::string groups;
      for (const auto& g : approval->user_groups) groups += (groups.empty() ? "" : ", ") + g;
      b += "Approvers: " + std::to_string(approval->minimum_count) + " of " + groups + "\n";
      if (approval->deadline_ms > 0)
        b += "Until:     " + FormatTimestamp(approval->deadline_ms) + "\n";
    }
    b += "Decide:    sluice approve " + x.id + " " + node_path + " [--reject] [--comment TEXT]\n";
  }
  if (!url.empty()) b += "\n" + url + "\n";
  t.body = b;
  return t;
}

nlohmann::json WebhookPayload(const engine::ExecutionEvent& e, const std::string& rule_event,
                              const EventText& text, const std::string& url) {
  const store::ExecutionRecord& x = e.execution;
  nlohmann::json j = {
      {"event", rule_event},
      {"text", text.subject + "\n" + text.body},
      {"pipeline", {{"identifier", e.pipeline.identifier}, {"name", e.pipeline.name}}},
      {"execution",
       {{"id", x.id},
        {"sequenceId", x.sequence_id},
        {"status", e.type == EventType::kPipelineEnd || e.type == EventType::kPipelineStart
                       ? std::string(engine::StatusName(e.status))
                       : x.status},
        {"startedAt", x.started_ms},
        {"url", url}}}};
  if (e.type == EventType::kPipelineEnd) {
    j["execution"]["endedAt"] = x.ended_ms;
    j["execution"]["durationMs"] = x.ended_ms > x.started_ms ? x.ended_ms - x.started_ms : 0;
    j["execution"]["failureMessage"] = x.failure_message;
  }
  if (e.node) {
    nlohmann::json node = {{"path", e.node->path},
                           {"identifier", e.node->identifier},
                           {"name", e.node->name},
                           {"type", e.node->type},
                           {"status", std::string(engine::StatusName(e.status))},
                           {"startedAt", e.node->started_ms}};
    if (e.node->ended_ms > 0) node["endedAt"] = e.node->ended_ms;
    if (!e.node->failure_message.empty()) node["failureMessage"] = e.node->failure_message;
    j[e.node->kind == "stage" ? "stage" : "step"] = node;
  }
  return j;
}

}  // namespace sluice::notify
