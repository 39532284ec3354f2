// Approvals in the state database: what a HarnessApproval step waits for
// (one ApprovalRecord per execution and step path) and what approvers did
// (ApprovalActivityRecords, in the order they happened). Store::approvals()
// gives the SQLite implementation.
//
// The store keeps records; the rules (who may act, when an approval is
// decided) live in engine/approvals.h and run inside AddActivity's
// transaction, so two approvers acting at once are judged one after the
// other.
//
// Errors: NotFound names the execution and step; IoError for the
// database; AddActivity returns what its check returned. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::store {

struct ApprovalRecord {
  std::string execution_id;
  std::string node_path;  // "Approve.approve_model"
  std::string pipeline_id;
  std::string status = "Waiting";  // Waiting | Approved | Rejected | Expired
  std::string message;             // approvalMessage, resolved and masked
  std::vector<std::string> user_groups;
  int minimum_count = 1;
  bool disallow_executor = false;
  std::string executor;  // who started the execution (pipeline.triggeredBy.name)
  // approverInputs as declared: [{"name", "defaultValue"}].
  nlohmann::json approver_inputs = nlohmann::json::array();
  bool include_history = false;
  int64_t requested_ms = 0;
  int64_t deadline_ms = 0;  // 0: none
  int64_t decided_ms = 0;   // 0 while waiting
};

struct ApprovalActivityRecord {
  int64_t id = 0;  // set by AddActivity; increasing
  std::string execution_id;
  std::string node_path;
  std::string user;    // the approver's user name
  std::string email;   // "" when unknown
  std::string action;  // APPROVE | REJECT
  std::string comments;
  nlohmann::json inputs = nlohmann::json::object();  // approver input name -> value
  int64_t at_ms = 0;
  std::string source;  // "cli:<os user>" or the client's address
};

class ApprovalStore {
 public:
  virtual ~ApprovalStore() = default;

  // Creates or replaces the record of (execution_id, node_path).
  virtual Status PutApproval(const ApprovalRecord& record) = 0;
  virtual Result<ApprovalRecord> GetApproval(const std::string& execution_id,
                                             const std::string& node_path) const = 0;
  // Newest request first; `status` "" for every status.
  virtual Result<std::vector<ApprovalRecord>> ListApprovals(const std::string& status,
                                                            int limit) const = 0;
  virtual Result<std::vector<ApprovalRecord>> ApprovalsOf(
      const std::string& execution_id) const = 0;

  // Oldest first.
  virtual Result<std::vector<ApprovalActivityRecord>> Activities(
      const std::string& execution_id, const std::string& node_path) const = 0;

  // In one write transaction: reads the approval and its activities, asks
  // `judge` (which may refuse with a Status, and returns the approval as it
  // stands once `activity` is added), then stores `activity` (setting its
  // id) and the judged approval. Returns the judged approval.
  using Judge = std::function<Result<ApprovalRecord>(
      const ApprovalRecord& approval, const std::vector<ApprovalActivityRecord>& earlier)>;
  virtual Result<ApprovalRecord> AddActivity(ApprovalActivityRecord* activity,
                                             const Judge& judge) = 0;
};

}  // namespace sluice::store
