// The Prometheus exposition sluice server answers at /metrics
// (exposition.h says the format). Families:
//   sluice_function_invocations_total{function,version}       counter
//   sluice_function_errors_total{function,version}            counter
//   sluice_function_invocation_duration_seconds{function}     histogram
//       (invocation_metrics.h: what this process ran)
//   sluice_executions{pipeline,status}                        gauge
//       executions in the state database in each status now (a status
//       changes as an execution runs, so this is not a counter)
//   sluice_execution_duration_seconds{pipeline}               histogram
//       finished executions, from their start and end times
//   sluice_model_stale{model}, sluice_model_age_days{model},
//   sluice_model_last_updated_timestamp_seconds{model},
//   sluice_model_serving_age_days{model}                      gauges
//       the latest ModelStaleness check of each model
//   sluice_model_drifted{model}, sluice_model_drift_psi{model,feature},
//   sluice_model_drift_psi_max{model},
//   sluice_model_approval_rate_shift{model},
//   sluice_model_drift_samples{model}                         gauges
//       the latest ModelDrift check of each model
//   sluice_model_check_timestamp_seconds{kind,model}          gauge
//   sluice_alert_firing{alert}, sluice_alert_episodes{alert}  gauges
//       where each alert rule stands (alerts.h)
// The store's part is two SQL aggregates and the small table of latest
// checks and alert states (store/monitor_store.h), so the answer costs the same with ten or
// ten thousand executions.
//
// Errors: the store's. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "monitor/invocation_metrics.h"
#include "store/monitor_store.h"

namespace sluice::monitor {

// Upper bounds of the execution duration buckets, in seconds.
const std::vector<double>& ExecutionDurationBounds();

// `invocations` may be null (no function runtime in this process).
Result<std::string> BuildMetrics(const store::MonitorStore& monitor,
                                 const InvocationMetrics* invocations);

}  // namespace sluice::monitor
