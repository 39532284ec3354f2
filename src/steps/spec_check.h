// Helpers step types use to validate their `spec` with precise locations.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "pipeline/ir.h"

namespace sluice::steps {

class SpecChecker {
 public:
  SpecChecker(const pipeline::ExecutionNode& step, DiagnosticList* diags);

  // The spec mapping; reports "spec is required" when it is missing.
  bool RequireSpec();
  // A required scalar field (strings, numbers and expressions all accepted).
  bool RequireScalar(const YAML::Node& parent, std::string_view key, std::string_view where);
  // An optional field that must be a scalar / sequence / mapping when present.
  bool OptionalScalar(const YAML::Node& parent, std::string_view key, std::string_view where);
  bool OptionalSequence(const YAML::Node& parent, std::string_view key, std::string_view where);
  bool OptionalMapping(const YAML::Node& parent, std::string_view key, std::string_view where);
  // Warns about keys of `node` not in `known`.
  void WarnUnknownKeys(const YAML::Node& node, std::initializer_list<std::string_view> known,
                       std::string_view where);
  // One of `allowed` (or an expression); error lists the allowed values.
  void CheckOneOf(const YAML::Node& parent, std::string_view key,
                  std::initializer_list<std::string_view> allowed, std::string_view where);
  // A duration field; error carries ParseDuration's message.
  void CheckDuration(const YAML::Node& parent, std::string_view key);

  void Error(const YAML::Node& at, std::string message);
  void Warning(const YAML::Node& at, std::string message);
  SourceLocation Where(const YAML::Node& at) const;

  const YAML::Node& spec() const { return spec_; }

 private:
  const pipeline::ExecutionNode& step_;
  YAML::Node spec_;
  DiagnosticList* diags_;
};

}  // namespace sluice::steps
