// What the engine tells the world about an execution as it goes: the
// pipeline starting and ending, each stage starting and ending, a step
// failing, a HarnessApproval starting to wait. Notifications (the notify
// module) listen; the engine knows nothing of mail or webhooks.
//
// Contract:
// - OnEvent is called synchronously from engine worker threads (parallel
//   stages call it at once), so a listener is thread-safe and keeps its
//   own time limits: the engine waits for it.
// - A listener never fails the execution. What it has to say (a message
//   sent, a notification that could not be) it writes with `log`, which
//   appends a masked line to the log of the node the event belongs to: the
//   stage or step; for pipeline events the first stage (start) or the last
//   stage that ran (end).
// - PipelineStart is not repeated when an execution resumes (after a crash
//   or an approval); ApprovalWaiting fires once per request, not again when
//   a resume finds it still waiting. PipelineEnd fires once the execution's
//   final record (status, end time, failure message) is stored; an
//   execution that stops to wait for an approval has not ended.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "engine/status.h"
#include "pipeline/ir.h"
#include "store/store.h"

namespace sluice::engine {

enum class EventType {
  kPipelineStart,
  kPipelineEnd,
  kStageStart,
  kStageEnd,
  kStepFailed,
  kApprovalWaiting
};

std::string_view EventTypeName(EventType type);

struct ExecutionEvent {
  EventType type;
  const store::ExecutionRecord& execution;  // for kPipelineEnd, as finally stored
  const pipeline::Pipeline& pipeline;
  // The stage or step the event is about (kStage*, kStepFailed,
  // kApprovalWaiting), as stored at that moment; nullopt for pipeline events.
  std::optional<store::NodeRecord> node;
  // The pipeline's, stage's or step's status (Running for start events).
  NodeStatus status = NodeStatus::kRunning;
};

class ExecutionEventListener {
 public:
  virtual ~ExecutionEventListener() = default;
  virtual void OnEvent(const ExecutionEvent& event,
                       const std::function<void(std::string_view line)>& log) = 0;
};

}  // namespace sluice::engine
