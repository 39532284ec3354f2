// `S3Upload` (harness-semantics §2.7): upload the files a CI stage made to
// a bucket, as Harness' plugins/s3 does.
//
//   - step:
//       type: S3Upload
//       spec:
//         connectorRef: aws              # an Aws connector
//         region: us-east-1
//         bucket: mlops-reports
//         sourcePath: /harness/output/model_metrics.html   # a file or a glob (** allowed)
//         target: reports/<+pipeline.sequenceId>           # optional key prefix
//         stripPrefix: /harness/output                     # optional
//         endpoint: http://127.0.0.1:8090                  # optional S3-compatible server
//
// sourcePath is a path as commands see it (relative ones from the working
// directory) and may hold `*`, `?`, `[...]` and `**` (common/glob.h);
// directories are skipped, and a pattern that matches no file fails the
// step naming the pattern. Each file's object key is `target` joined with
// its path (as matched) minus `stripPrefix`, cleaned below a root ('.'
// segments and repeated '/' collapsed, '..' resolved but never above the
// bucket) and the leading '/' dropped: /harness/output/model_metrics.html
// with no target is harness/output/model_metrics.html. Content types come
// from the file extension (store::ContentTypeFor).
//
// Where the objects go is steps/artifact_location.h's mapping: without an
// S3 endpoint the local artifact store <state dir>/artifacts/<bucket>.
// Every field may hold expressions.
//
// Outcome: Success with no output variables (Harness sets none) and
// outcome.artifacts: one per object (name = file name, url, size, sha256,
// content type), which the engine keeps with the execution. The log names
// each key and size and where the objects went (never a credential); the
// server's error text is shown through the step's masker, so a server that
// echoes a secret back does not show it.
// Failed (ConfigurationFailure) for a bad connector, field or key, or no
// matching file; Failed (Connectivity) when the store fails; Aborted when
// cancelled.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/step.h"
#include "oci/registry_http.h"

namespace sluice::steps {

class S3UploadStep final : public engine::StepType {
 public:
  // S3 requests go through `s3_transport`; null: libcurl (tests put a fake
  // S3 server behind it).
  explicit S3UploadStep(std::shared_ptr<oci::HttpTransport> s3_transport = nullptr)
      : s3_transport_(std::move(s3_transport)) {}

  std::string_view name() const override { return "S3Upload"; }
  void ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                    DiagnosticList* diags) const override;
  engine::StepOutcome Execute(engine::StepContext& ctx) const override;

 private:
  std::shared_ptr<oci::HttpTransport> s3_transport_;  // constant after construction
};

// The object key for a file at `path` (as matched, as commands see it):
// exposed for tests.
std::string S3UploadKey(std::string_view target, std::string_view path,
                        std::string_view strip_prefix);

}  // namespace sluice::steps
