// Alert rules: conditions on a model or a function that sluice watches, and
// who hears when one starts or stops holding. One `alert:` document per file
// in .harness/alerts/ (a sluice entity; Harness has no equivalent). The
// watching is the monitor module's business (monitor/alerts.h); this is the
// parsed YAML.
//
// FORMAT:
//   alert:
//     name: Credit-card model is stale
//     identifier: ccapproval_stale      # required
//     enabled: true                     # default true
//     description: ...
//     condition:
//       type: ModelStale                # ModelStale | ModelDrift | ErrorRate
//       spec:
//         model: ccapproval             # ModelStale, ModelDrift: the model the
//                                       # ModelStaleness/ModelDrift steps check
//         level: drift                  # ModelDrift: drift (default) | warn
//         function: ccapproval          # ErrorRate: a deployed function
//         qualifier: live               # ErrorRate: only calls to this version or
//                                       # alias (default: every call)
//         threshold: 5%                 # ErrorRate: 0.05 or 5% (default 5%)
//         window: 15m                   # ErrorRate: default 15m
//         minInvocations: 20            # ErrorRate: fewer calls say nothing (default 20)
//     notificationMethod:               # as in notificationRules (notifications.h)
//       type: Email
//       spec: {recipients: [mlops@bank.example]}
//     sendResolved: true                # also tell when it stops (default true)
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "common/diagnostic.h"
#include "common/duration.h"
#include "pipeline/notifications.h"

namespace sluice::pipeline {

enum class AlertCondition { kModelStale, kModelDrift, kErrorRate };

// "ModelStale", "ModelDrift", "ErrorRate".
std::string_view AlertConditionName(AlertCondition condition);

struct AlertRule {
  std::string identifier;
  std::string name;
  std::string description;
  bool enabled = true;
  AlertCondition condition = AlertCondition::kModelStale;
  std::string model;              // ModelStale, ModelDrift
  bool drift_on_warn = false;     // ModelDrift: level warn
  std::string function;           // ErrorRate
  std::string qualifier;          // ErrorRate; "" = every call
  double threshold = 0.05;        // ErrorRate: share of calls that failed
  Millis window{15 * 60 * 1000};  // ErrorRate
  int min_invocations = 20;       // ErrorRate
  NotificationMethod method;
  bool send_resolved = true;
  std::string file;
  SourceLocation location;
};

// One `alert:` document. nullopt when unusable (diagnostics say why).
std::optional<AlertRule> ParseAlertRule(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags);

}  // namespace sluice::pipeline
