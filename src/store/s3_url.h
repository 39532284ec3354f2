// Which S3 object a URL names, from the URL alone: a pipeline publishes the
// link it would open in a browser (the sample publishes
// https://mlopswebapp.s3.us-east-1.amazonaws.com/harness/output/model_metrics.html),
// while its S3Upload step stored the object in sluice's own artifact store;
// the bucket and key tie the two together.
//
// Understood forms (http or https; a query string, as in a presigned URL,
// and a fragment are ignored; the key is percent-decoded):
//   s3://BUCKET/KEY
//   https://BUCKET.s3.amazonaws.com/KEY             virtual-hosted, AWS
//   https://BUCKET.s3.REGION.amazonaws.com/KEY      (also s3-REGION,
//   https://BUCKET.s3.dualstack.REGION.amazonaws.com/KEY   and .com.cn)
//   https://s3.amazonaws.com/BUCKET/KEY             path-style, AWS
//   https://s3.REGION.amazonaws.com/BUCKET/KEY      (also s3-REGION, dualstack)
// Any other URL names no object known from its form alone (a custom
// endpoint's path-style URL is ambiguous: its first segment may or may not
// be a bucket), and neither does one without a key.
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::store {

struct S3ObjectRef {
  std::string bucket;
  std::string key;
  bool operator==(const S3ObjectRef&) const = default;
};

std::optional<S3ObjectRef> ParseS3ObjectUrl(std::string_view url);

}  // namespace sluice::store
