#include "steps/policy_evaluation.h"

#include <chrono>
#include <map>
#include <utility>

#include "common/text.h"
#include "policy/parser.h"
#include "policy/query.h"
#include "policy/value_json.h"

namespace sluice::steps {
namespace {

using pipeline::PolicySeverity;

PolicyStatus Worst(PolicyStatus a, PolicyStatus b) { return a > b ? a : b; }

policy::ast::Dialect DialectOf(const std::string& rego_version) {
  if (rego_version == "v0") return policy::ast::Dialect::kV0;
  if (rego_version == "v1") return policy::ast::Dialect::kV1;
  return policy::ast::Dialect::kAuto;
}

std::string UnknownSet(const pipeline::Project& project, const std::string& id) {
  std::string known;
  for (const pipeline::PolicySet& set : project.policy_sets) known += (known.empty() ? "" : ", ") + set.identifier;
  return "no policy set \"" + id + "\" in .harness/policysets (the project has: " +
         (known.empty() ? "none" : known) + ")";
}

// The deny messages of one evaluation, or an error for a `deny` that is not
// a collection of messages.
Status CollectMessages(const policy::Value& deny, std::vector<std::string>* out) {
  if (!deny.IsSet() && !deny.IsArray()) {
    return Status::InvalidArgument("deny must be a set of messages (deny[msg] { ... } or "
                                   "deny contains msg if { ... }), but it is " +
                                   std::string(policy::KindName(deny.kind())));
  }
  policy::JsonOptions plain;
  plain.escape_html = false;  // messages are text for people, and masks match them as written
  for (const policy::Value& message : deny.IsSet() ? deny.SetElems() : deny.ArrayElems()) {
    out->push_back(message.IsString() ? std::string(message.AsString()) : policy::ToJson(message, plain));
  }
  return Status::Ok();
}

PolicyOutcome EvaluatePolicy(const pipeline::PolicySource& source, const pipeline::PolicyEntry& entry,
                             policy::ast::Dialect dialect, const policy::Value& input,
                             const policy::EvalLimits& limits) {
  PolicyOutcome out;
  out.identifier = source.identifier;
  out.file = source.file;
  out.severity = entry.severity;
  auto fail = [&](std::string error) {
    out.status = PolicyStatus::kError;
    out.error = std::move(error);
    return out;
  };
  policy::ParseOptions parse_options;
  parse_options.dialect = dialect;
  Result<policy::ast::Module> module = policy::ParseModule(source.file, source.text, parse_options);
  if (!module.ok()) return fail(module.status().message());

  policy::QueryRequest request;
  request.modules.push_back({source.file, source.text});
  request.dialect = module->dialect;
  request.query = "deny = " + policy::ast::ToString(module->package.path) + ".deny";
  policy::PreparedQuery prepared = policy::PreparedQuery::Prepare(request);
  if (prepared.error()) return fail(prepared.error()->message);

  auto start = std::chrono::steady_clock::now();
  policy::QueryResult result = prepared.Eval(policy::Value::Object({}), input, limits);
  out.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (result.error) return fail(result.error->message);
  for (const policy::Bindings& row : result.rows) {
    for (const auto& [name, value] : row) {
      if (name != "deny") continue;
      Status collected = CollectMessages(value, &out.deny_messages);
      if (!collected.ok()) return fail(source.file + ": " + collected.message());
    }
  }
  if (!out.deny_messages.empty()) {
    out.status = entry.severity == PolicySeverity::kWarning ? PolicyStatus::kWarning : PolicyStatus::kError;
  }
  return out;
}

// A compiler error "<file>:<row>: <code>: <message>" as a diagnostic at that row.
Diagnostic CompileDiagnostic(const std::string& file, const std::string& message) {
  Diagnostic d{Severity::kError, {file, 0, 0}, message};
  const std::string prefix = file + ":";
  if (message.rfind(prefix, 0) != 0) return d;
  size_t end = message.find(": ", prefix.size());
  if (end == std::string::npos) return d;
  const std::string row = message.substr(prefix.size(), end - prefix.size());
  if (row.empty() || row.find_first_not_of("0123456789") != std::string::npos) return d;
  d.location.line = std::stoi(row);
  d.message = message.substr(end + 2);
  return d;
}

}  // namespace

std::string_view PolicyStatusName(PolicyStatus status) {
  switch (status) {
    case PolicyStatus::kPass: return "pass";
    case PolicyStatus::kWarning: return "warning";
    case PolicyStatus::kError: return "error";
  }
  return "error";
}

Result<PolicySetsOutcome> EvaluatePolicySets(const pipeline::Project& project,
                                             const std::vector<std::string>& set_ids,
                                             const policy::Value& input,
                                             const policy::EvalLimits& limits) {
  PolicySetsOutcome out;
  bool stopped = false;  // by `limits`
  for (const std::string& id : set_ids) {
    const pipeline::PolicySet* set = project.FindPolicySet(WithoutScope(id));
    if (set == nullptr) {
      return Status::NotFound(UnknownSet(project, id));
    }
    PolicySetOutcome set_out;
    set_out.identifier = set->identifier;
    set_out.name = set->name;
    set_out.enabled = set->enabled;
    if (set->enabled) {
      for (const pipeline::PolicyEntry& entry : set->policies) {
        const pipeline::PolicySource* source = project.FindPolicy(entry.identifier);
        if (source == nullptr) {
          return Status::NotFound("policy \"" + entry.identifier + "\" of policy set \"" + id +
                                  "\" has no file .harness/policies/" + entry.identifier + ".rego");
        }
        set_out.policies.push_back(EvaluatePolicy(*source, entry, DialectOf(set->rego_version), input, limits));
        set_out.status = Worst(set_out.status, set_out.policies.back().status);
        stopped = set_out.policies.back().error.find("eval_cancel_error") != std::string::npos;
        if (stopped) break;
      }
      out.status = Worst(out.status, set_out.status);
    }
    out.sets.push_back(std::move(set_out));
    if (stopped) break;
  }
  return out;
}

void CheckProjectPolicies(const pipeline::Project& project, DiagnosticList* diags) {
  // The dialect each policy is used with, and the set that decided it.
  std::map<std::string, std::pair<std::string, const pipeline::PolicySet*>> dialects;
  for (const pipeline::PolicySet& set : project.policy_sets) {
    for (const pipeline::PolicyEntry& entry : set.policies) {
      auto [it, inserted] = dialects.try_emplace(entry.identifier, set.rego_version, &set);
      if (!inserted && it->second.first != set.rego_version) {
        diags->Error(entry.location,
                     "policy \"" + entry.identifier + "\" is used with regoVersion \"" + set.rego_version +
                         "\" here but \"" + it->second.first + "\" in policy set \"" +
                         it->second.second->identifier + "\"; a policy has one dialect");
      }
    }
  }
  for (const pipeline::PolicySource& source : project.policies) {
    auto it = dialects.find(source.identifier);
    const bool used = it != dialects.end();
    policy::ParseOptions options;
    options.dialect = DialectOf(used ? it->second.first : "");
    DiagnosticList found;
    Result<policy::ast::Module> module = policy::ParseModule(source.file, source.text, options, &found);
    if (module.ok()) {
      policy::QueryRequest request;
      request.modules.push_back({source.file, source.text});
      request.dialect = module->dialect;
      request.query = "true";
      policy::PreparedQuery prepared = policy::PreparedQuery::Prepare(request);
      if (prepared.error()) found.Add(CompileDiagnostic(source.file, prepared.error()->message));
    }
    for (Diagnostic d : found.items()) {
      // A file no set uses (a test, work in progress) cannot break a run.
      if (!used) d.severity = Severity::kWarning;
      diags->Add(std::move(d));
    }
  }
}

namespace {

void CheckSteps(const pipeline::Project& project, const std::vector<pipeline::ExecutionNode>& steps,
                DiagnosticList* diags) {
  for (const pipeline::ExecutionNode& node : steps) {
    CheckSteps(project, node.children, diags);
    CheckSteps(project, node.rollback_steps, diags);
    if (node.kind != pipeline::ExecutionNode::Kind::kStep || node.type != "Policy") continue;
    const YAML::Node sets = node.spec && node.spec.IsMap() ? node.spec["policySets"] : YAML::Node();
    if (!sets || !sets.IsSequence()) continue;  // the step's own check reports it
    for (const YAML::Node& item : sets) {
      if (!item.IsScalar()) continue;
      const std::string id = item.Scalar();
      if (id.find("<+") != std::string::npos) continue;
      const SourceLocation at = pipeline::LocationOf(item, node.location.file);
      const pipeline::PolicySet* set = project.FindPolicySet(WithoutScope(id));
      if (set == nullptr) {
        diags->Error(at, UnknownSet(project, id));
      } else if (!set->enabled) {
        diags->Warning(at, "policy set \"" + id + "\" is disabled (enabled: false): this step will not "
                           "evaluate it");
      } else if (set->type != "custom") {
        diags->Warning(at, "policy set \"" + id + "\" has entity type \"" + set->type +
                               "\"; Policy steps are meant for sets of type custom");
      }
    }
  }
}

}  // namespace

void CheckPolicyStepReferences(const pipeline::Project& project, const pipeline::Pipeline& pipeline,
                               DiagnosticList* diags) {
  for (const pipeline::StageNode& node : pipeline.stages) {
    auto check_stage = [&](const pipeline::Stage& stage) {
      CheckSteps(project, stage.steps, diags);
      CheckSteps(project, stage.rollback_steps, diags);
    };
    if (node.kind == pipeline::StageNode::Kind::kStage) check_stage(node.stage);
    for (const pipeline::Stage& stage : node.parallel) check_stage(stage);
  }
}

}  // namespace sluice::steps
