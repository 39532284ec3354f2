// The words of a notification: subject, body and webhook payload of one
// engine event (engine/events.h), for people reading mail or a chat
// channel. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/events.h"
#include "store/approval_store.h"

namespace sluice::notify {

// The rule event names an engine event stands for, most specific first
// ("PipelineFailed", "PipelineEnd"); notifier.h lists them.
std::vector<std::string> RuleEventsOf(const engine::ExecutionEvent& event);

struct EventText {
  std::string subject;  // "[sluice] credit_card #12 failed at Train_Model"
  std::string body;     // plain text, several lines
};

// `url`: the execution's page, or "". `approval`: the waiting request for
// kApprovalWaiting (its message and approvers), or null.
EventText DescribeEvent(const engine::ExecutionEvent& event, int64_t now_ms, const std::string& url,
                        const store::ApprovalRecord* approval);

// The generic webhook document: {event, text, pipeline, execution, stage?,
// step?}; Slack reads its `text`.
nlohmann::json WebhookPayload(const engine::ExecutionEvent& event, const std::string& rule_event,
                              const EventText& text, const std::string& url);

}  // namespace sluice::notify
