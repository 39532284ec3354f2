// Internal to src/pipeline: the pieces the YAML → IR parser is built from.
//
// Every parse function takes a ParseContext (the file name and where
// diagnostics go) and never throws: wrong shapes become diagnostics at the
// offending node and the parser carries on with what it can read, so one run
// reports every problem of a file. Other modules include project.h, not this.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "pipeline/ir.h"

namespace sluice::pipeline::internal {

// One key/value pair of a mapping, with the key node kept for its location.
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

class ParseContext {
 public:
  ParseContext(std::string file, DiagnosticList* diags) : file_(std::move(file)), diags_(diags) {}

  const std::string& file() const { return file_; }
  DiagnosticList* diags() const { return diags_; }
  SourceLocation At(const YAML::Node& node) const;
  // The value's location, or the key's when the value is empty (`key:`),
  // because yaml-cpp gives an empty value the mark of the next token.
  SourceLocation At(const Field& field) const;
  void Error(const SourceLocation& loc, std::string message) const {
    diags_->Error(loc, std::move(message));
  }
  void Warning(const SourceLocation& loc, std::string message) const {
    diags_->Warning(loc, std::move(message));
  }

 private:
  std::string file_;
  DiagnosticList* diags_;
};

// "a string", "a list", "a mapping", "empty" — for type errors.
std::string KindName(const YAML::Node& node);

// "a mapping with keys a, b" or KindName() — for list elements of the wrong shape.
std::string Describe(const YAML::Node& item, const std::vector<Field>& fields);

// The fields of a mapping in document order (empty for anything else).
std::vector<Field> Fields(const YAML::Node& map);
const Field* FindField(const std::vector<Field>& fields, std::string_view name);
// The value of `key` in `map`; an undefined node when absent or not a map.
// (FindField(Fields(x), ...) would point into a temporary.)
YAML::Node ValueOf(const YAML::Node& map, std::string_view key);

// Warns about every key of `fields` not in `known`: `unknown key "k" in
// <where> (ignored)`, with `hints` adding "; <hint>" for misplaced keys.
void WarnUnknownKeys(const ParseContext& ctx, const std::vector<Field>& fields,
                     std::initializer_list<std::string_view> known, std::string_view where,
                     const std::map<std::string, std::string>& hints = {});

// Typed accessors: report `"<name>" must be <kind>, not <actual>` at the value
// and return nullopt/false when the shape is wrong. `what` names the object
// for required-field errors: `stage is missing required field "type"`.
bool ExpectMap(const ParseContext& ctx, const Field& field);
bool ExpectList(const ParseContext& ctx, const Field& field);
std::optional<std::string> GetString(const ParseContext& ctx, const Field* field);
std::optional<std::string> RequireString(const ParseContext& ctx, const std::vector<Field>& fields,
                                         std::string_view name, std::string_view what,
                                         const YAML::Node& object);
std::optional<bool> GetBool(const ParseContext& ctx, const Field* field);
std::optional<int> GetInt(const ParseContext& ctx, const Field* field);
std::vector<std::string> GetStringList(const ParseContext& ctx, const Field* field);
std::optional<Millis> GetDuration(const ParseContext& ctx, const Field* field);

// Checks `^[a-zA-Z_][0-9a-zA-Z_]{0,127}$` and reports the rule when it fails.
bool IsValidIdentifier(std::string_view id);
void CheckIdentifier(const ParseContext& ctx, std::string_view id, const SourceLocation& loc);

// Tracks identifiers of one scope and reports duplicates with the first place.
class IdentifierScope {
 public:
  explicit IdentifierScope(std::string kind) : kind_(std::move(kind)) {}
  void Add(const ParseContext& ctx, const std::string& id, const SourceLocation& loc);

 private:
  std::string kind_;  // "stage", "step", "variable"
  std::map<std::string, SourceLocation> seen_;
};

// `when:`; `status_key` is "pipelineStatus" (stages) or "stageStatus" (steps).
std::optional<When> ParseWhen(const ParseContext& ctx, const Field& field,
                              std::string_view status_key);

std::vector<FailureStrategy> ParseFailureStrategies(const ParseContext& ctx, const Field& field);

std::vector<Variable> ParseVariables(const ParseContext& ctx, const Field& field);

// `steps:` / `rollbackSteps:` lists. `scope` collects identifiers of the
// list's level (parallel members belong to the enclosing level; a step
// group opens a new one).
std::vector<ExecutionNode> ParseExecutionList(const ParseContext& ctx, const Field& field,
                                              IdentifierScope* scope);

// `stage:` mapping; `stage_ids` is pipeline-wide.
std::optional<Stage> ParseStage(const ParseContext& ctx, const Field& field,
                                IdentifierScope* stage_ids);

// Parses YAML text into its first document; syntax errors become
// `invalid YAML: <msg>` diagnostics, extra documents a warning. Returns an
// undefined node on a syntax error.
YAML::Node LoadYamlText(std::string_view text, const std::string& file, DiagnosticList* diags);

// Checks every string of `p.root`: template syntax (when.condition and retry
// conditions as JEXL), and references to stages, steps, output variables
// and pipeline/stage variables. Implemented in references.cc.
void CheckExpressions(const Pipeline& p, DiagnosticList* diags);

// The `<root_key>:` mapping of an entity document (`connector:`,
// `service:`, ...), with unknown top-level keys warned about; null after an
// error when the document is not such a mapping.
const Field* EntityRoot(const ParseContext& ctx, const YAML::Node& doc,
                        const std::vector<Field>& top, std::string_view root_key);

// Warns that a key is accepted but has no effect yet.
void WarnNotSupported(const ParseContext& ctx, const Field& field, std::string_view what);

}  // namespace sluice::pipeline::internal
