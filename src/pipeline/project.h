// Loading and validating a project's `.harness/` folder.
//
// A project is a directory holding `.harness/pipelines/*.yaml`,
// `.harness/inputsets/*.yaml`, `.harness/connectors/*.yaml`,
// `.harness/policysets/*.yaml`, `.harness/policies/*.rego` and the
// deployment entities (entities.h): `.harness/services/*.yaml`,
// `.harness/environments/*.yaml`, `.harness/infrastructures/*.yaml`, and
// the user groups `.harness/usergroups/*.yaml` (entities.h), the SMTP
// settings `.harness/smtp.yaml` (notifications.h) and the alert rules
// `.harness/alerts/*.yaml` (alerts.h). For a
// project directory, loading also resolves every Deployment stage against
// those entities (deployment.h), so unknown references are reported with
// the rest.
//
// POLICY SET FORMAT (one document per file; the local form of Harness's
// policy set entity):
//   policySet:
//     identifier: model_gate
//     name: Model accuracy and fairness
//     type: custom            # entity type; Policy steps evaluate custom sets
//     enabled: true           # default true; a disabled set is skipped
//     regoVersion: v0         # optional: v0 | v1 for every policy of the set
//     policies:
//       - identifier: accuracy_fairness   # .harness/policies/accuracy_fairness.rego
//         severity: error                 # error (error and exit) | warning (warn and continue)
// Policies are Rego files under .harness/policies/, named by their file stem;
// the loader reads them as text (the policy module parses them). A single pipeline file can be
// loaded on its own. Loading never stops at the first problem: every diagnostic found is added to
// the list, and the entities that parsed are returned.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/status.h"
#include "pipeline/alerts.h"
#include "pipeline/entities.h"
#include "pipeline/ir.h"

namespace sluice::pipeline {

struct Project {
  std::filesystem::path root;  // the project directory
  std::vector<Pipeline> pipelines;
  std::vector<InputSet> input_sets;
  std::vector<Connector> connectors;
  std::vector<PolicySet> policy_sets;
  std::vector<PolicySource> policies;
  std::vector<Service> services;
  std::vector<Environment> environments;
  std::vector<InfrastructureDefinition> infrastructures;
  std::vector<UserGroup> user_groups;
  std::vector<AlertRule> alert_rules;  // .harness/alerts (alerts.h)
  // .harness/smtp.yaml (notifications.h); none: mail goes to the local Maildir.
  std::optional<SmtpConfig> smtp;
  // File text by the name used in SourceLocation::file, for printing diagnostics.
  std::map<std::string, std::string> sources;

  const Pipeline* FindPipeline(std::string_view identifier) const;
  const InputSet* FindInputSet(std::string_view identifier) const;
  const Connector* FindConnector(std::string_view identifier) const;
  const PolicySet* FindPolicySet(std::string_view identifier) const;
  const PolicySource* FindPolicy(std::string_view identifier) const;
  const Service* FindService(std::string_view identifier) const;
  const Environment* FindEnvironment(std::string_view identifier) const;
  const InfrastructureDefinition* FindInfrastructure(std::string_view identifier) const;
  const UserGroup* FindUserGroup(std::string_view identifier) const;
};

// What the validator needs to know about step types without depending on the
// steps module: which types exist and how to check their spec.
class StepCatalog {
 public:
  virtual ~StepCatalog() = default;
  virtual bool Knows(std::string_view step_type) const = 0;
  // Every known type, for "did you mean" hints. May be empty.
  virtual std::vector<std::string> KnownTypes() const { return {}; }
  // Checks the type-specific `spec` of one step; reports at the spec's marks.
  virtual void ValidateSpec(const ExecutionNode& step, const Stage& stage,
                            DiagnosticList* diags) const = 0;
  // Script fields to syntax-check with a shell: (shell name "sh"|"bash", the YAML node holding the script).
  virtual std::vector<std::pair<std::string, YAML::Node>> Scripts(const ExecutionNode& step) const = 0;
};

// Loads `path`: a project directory (reads its .harness/ folder) or a single
// pipeline YAML file. Returns an IoError only when `path` cannot be read at
// all; everything else is a diagnostic.
Result<Project> LoadProject(const std::filesystem::path& path, DiagnosticList* diags);

// Parses one `pipeline:` document. `file` names it in diagnostics.
std::optional<Pipeline> ParsePipeline(const YAML::Node& doc, const std::string& file,
                                      DiagnosticList* diags);

// Parses YAML text holding one `pipeline:` document (a second document is
// warned about and ignored). YAML syntax errors become diagnostics
// `invalid YAML: <message>` at the parser's position. Sets Pipeline::source.
std::optional<Pipeline> ParsePipelineText(std::string_view text, const std::string& file,
                                          DiagnosticList* diags);

// Parse one `inputSet:` / `connector:` document (what LoadProject reads from
// .harness/inputsets and .harness/connectors).
std::optional<InputSet> ParseInputSet(const YAML::Node& doc, const std::string& file,
                                      DiagnosticList* diags);
std::optional<Connector> ParseConnector(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags);
// Parses one `policySet:` document (.harness/policysets); see the format above.
std::optional<PolicySet> ParsePolicySet(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags);

// Parse one `service:` / `environment:` / `infrastructureDefinition:`
// document (.harness/services, .harness/environments,
// .harness/infrastructures; formats in entities.h). Missing required fields
// and wrong shapes are diagnostics; nullopt when the entity is unusable.
std::optional<Service> ParseService(const YAML::Node& doc, const std::string& file,
                                    DiagnosticList* diags);
std::optional<Environment> ParseEnvironment(const YAML::Node& doc, const std::string& file,
                                            DiagnosticList* diags);
std::optional<InfrastructureDefinition> ParseInfrastructureDefinition(const YAML::Node& doc,
                                                                      const std::string& file,
                                                                      DiagnosticList* diags);

// Parses one `userGroup:` document (.harness/usergroups; format in
// entities.h). nullopt when it has no usable identifier.
std::optional<UserGroup> ParseUserGroup(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags);

// Syntax-checks a script without running it: returns the shell's messages
// ("line 2: unexpected EOF ...") or "" when fine. `shell` is "sh" or "bash".
using ScriptChecker =
    std::function<Result<std::string>(const std::string& shell, const std::string& script)>;

// Checks a parsed pipeline: identifiers, duplicates, durations, expression
// syntax, references to unknown stages/steps, step types and specs (through
// `catalog`), and scripts with `check_script` after replacing expressions
// with placeholders (expr::ReplaceWithPlaceholders). A null checker skips
// the script check.
void ValidatePipeline(const Pipeline& pipeline, const StepCatalog& catalog,
                      const ScriptChecker& check_script, DiagnosticList* diags);

// Prints every diagnostic ninja-style (see common/diagnostic.h) using the
// project's sources.
std::string FormatDiagnostics(const DiagnosticList& diags, const Project& project);

// Converts a YAML node to JSON: plain scalars become bool/null/number when
// they look like one (YAML 1.2 core schema), quoted scalars stay strings.
nlohmann::json YamlToJson(const YAML::Node& node);

// The location of a YAML node (1-based line and column).
SourceLocation LocationOf(const YAML::Node& node, const std::string& file);

// The file location of byte `offset` of a scalar's value (inside `|` blocks
// too), for errors found at run time in a field of `pipeline`.
SourceLocation LocationInScalar(const YAML::Node& scalar, size_t offset, const Pipeline& pipeline);

}  // namespace sluice::pipeline
