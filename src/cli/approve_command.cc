// sluice approve ID [STEP] [--reject] [--comment TEXT] [--input NAME=VALUE]
// [--as USER] [--no-resume]: decide a HarnessApproval an execution waits
// for, as a sluice user (the OS login name unless --as), by the rules of
// engine/approvals.h: the user needs the approver role (or admin) and a
// place in one of the approval's user groups (.harness/usergroups). Every
// attempt is audited, refused ones too.
//
// Locally, whoever can write the state directory can act as any user: the
// check keeps honest people from deciding what is not theirs to decide;
// `sluice server` authenticates its users.
//
// Once the approval is decided, the execution goes on: in the server that
// owns the state directory when one runs (<state>/server.json), else here,
// in the foreground, as `sluice resume` would (--no-resume leaves it).
#include <iostream>

#include "cli/app.h"
#include "cli/execute.h"
#include "cli/load.h"
#include "common/clock.h"
#include "engine/approvals.h"
#include "server/audit.h"
#include "server/launch.h"
#include "server/roles.h"

namespace sluice::cli {
namespace {

struct ApproveFlags {
  std::string id;
  std::string step;
  bool reject = false;
  std::string comment;
  std::vector<std::string> inputs;
  std::string as;
  bool no_resume = false;
  bool no_sandbox = false;
};

Result<std::map<std::string, std::string>> ParseInputs(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> inputs;
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--input " + pair + ": give NAME=VALUE");
    }
    inputs[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return inputs;
}

int Approve(const GlobalOptions& global, const ApproveFlags& flags) {
  App app(global);
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto rec = (*store)->FindExecution(flags.id);
  if (!rec.ok()) return Fail(rec.status(), kExitUsage);
  auto approval = engine::ChooseApproval((*store)->approvals(), rec->id, flags.step);
  if (!approval.ok()) return Fail(approval.status(), kExitUsage);
  auto inputs = ParseInputs(flags.inputs);
  if (!inputs.ok()) return Fail(inputs.status(), kExitUsage);

  const server::Actor local = server::LocalActor();
  const std::string name =
      flags.as.empty() ? local.name.substr(local.name.find(':') + 1) : flags.as;
  const engine::ApprovalAction action =
      flags.reject ? engine::ApprovalAction::kReject : engine::ApprovalAction::kApprove;
  const std::string target = rec->id + "/" + approval->node_path;
  const std::string audit_action = flags.reject ? "approval.reject" : "approval.approve";
  auto audit = [&](std::string_view outcome, const std::string& why) {
    nlohmann::json detail = {{"as", name}};
    if (!flags.comment.empty()) detail["comments"] = flags.comment;
    if (!why.empty()) detail["reason"] = why;
    (void)server::WriteAudit((*store)->audit(), DefaultClock(), local, audit_action, target,
                             outcome, detail);
  };
  auto refuse = [&](const Status& s) {
    audit(server::kOutcomeDenied, s.message());
    return Fail(s, kExitUsage);
  };

  auto user = (*store)->auth().GetUser(name);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kNotFound) return Fail(user.status());
    return refuse(
        Status::PermissionDenied("no sluice user \"" + name +
                                 "\" (approvals are decided by sluice users: `sluice user add " +
                                 name + " --role approver`, or --as USER)"));
  }
  if (user->disabled) return refuse(Status::PermissionDenied("user " + name + " is disabled"));
  auto role = server::ParseRole(user->role);
  if (!role.ok() ||
      !server::Allows(*role, flags.reject ? server::Action::kReject : server::Action::kApprove)) {
    return refuse(Status::PermissionDenied(name + " has the role " + user->role +
                                           "; deciding approvals needs approver or admin"));
  }
  auto recorded = LoadRecorded(*rec);
  if (!recorded.ok()) return Fail(recorded.status());
  engine::Approver who{name, user->email, {}, local.name};
  for (const pipeline::UserGroup& g : recorded->project.user_groups) {
    if (g.HasMember(user->name, user->email)) who.groups.insert(g.identifier);
  }
  auto decided = engine::Act((*store)->approvals(), rec->id, approval->node_path, who, action,
                             flags.comment, *inputs, DefaultClock().NowMillis());
  if (!decided.ok()) {
    if (decided.status().code() == StatusCode::kIoError) return Fail(decided.status());
    return refuse(decided.status());
  }
  audit(server::kOutcomeSuccess, "");
  std::cout << name << (flags.reject ? " rejected " : " approved ") << approval->node_path
            << " of execution " << rec->id << ": the approval is " << decided->status << "\n";
  if (decided->status == "Waiting") {
    std::cout << "it waits for more approvals (" << decided->minimum_count << " needed)\n";
    return kExitOk;
  }
  if (int64_t server = server::OwningServer(app.StateDir()); server != 0) {
    std::cout << "sluice server (pid " << server << ") continues the execution\n";
    return kExitOk;
  }
  if (flags.no_resume) {
    std::cout << "continue it with: sluice resume " << rec->id << "\n";
    return kExitOk;
  }
  return ResumeExecution(global, rec->id, /*json=*/false, flags.no_sandbox);
}

}  // namespace

void AddApproveCommand(CLI::App& cli, GlobalOptions& options) {
  auto flags = std::make_shared<ApproveFlags>();
  auto* cmd = cli.add_subcommand("approve", "Approve (or reject) what an execution waits for");
  cmd->add_option("id", flags->id, "Execution id (or a unique prefix)")->required();
  cmd->add_option("step", flags->step,
                  "The HarnessApproval step's path (Stage.step); needed when several wait");
  cmd->add_flag("--reject", flags->reject, "Reject instead of approving");
  cmd->add_option("--comment", flags->comment, "A comment kept with the decision");
  cmd->add_option("--input", flags->inputs, "An approver input, NAME=VALUE (repeatable)");
  cmd->add_option("--as", flags->as, "The sluice user deciding (default: your login name)");
  cmd->add_flag("--no-resume", flags->no_resume,
                "Do not continue the execution here once the approval is decided");
  cmd->add_flag("--no-sandbox", flags->no_sandbox,
                "When continuing here, run CI steps in the host workspace folder");
  cmd->callback([&options, flags] { std::exit(Approve(options, *flags)); });
}

}  // namespace sluice::cli
