#include "engine/events.h"

namespace sluice::engine {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kPipelineStart:
      return "PipelineStart";
    case EventType::kPipelineEnd:
      return "PipelineEnd";
    case EventType::kStageStart:
      return "StageStart";
    case EventType::kStageEnd:
      return "StageEnd";
    case EventType::kStepFailed:
      return "StepFailed";
    case EventType::kApprovalWaiting:
      return "ApprovalWaiting";
  }
  return "";
}

}  // namespace sluice::engine
