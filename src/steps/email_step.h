// `Email` (harness-semantics §2.11): sends one message through the
// project's mail settings (notify/mailer.h: `.harness/smtp.yaml`, or the
// local Maildir <state>/mail when the project has none — the log says
// which).
//
// Spec: `to` and `cc` (comma-separated addresses), `toUserGroups` and
// `ccUserGroups` (user groups of .harness/usergroups, as a list or a
// comma-separated string; their members' addresses, sluice user names
// looked up in the store's users), `subject` (required), `body` (plain text
// or HTML), `fireAndForget`, `delegateSelectors` (accepted). Every field's
// expressions are resolved first. `to` or `toUserGroups` is required.
//
// Success once the server accepted the message (or the Maildir holds it);
// a refused or failed delivery fails the step (Connectivity) with the
// server's reply, unless fireAndForget, which logs a warning and succeeds.
// The log names the recipients and where the message went, never the SMTP
// password. No output variables (as in Harness).
#pragma once

#include "engine/step.h"

namespace sluice::steps {

class EmailStep final : public engine::StepType {
 public:
  std::string_view name() const override { return "Email"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;
};

}  // namespace sluice::steps
