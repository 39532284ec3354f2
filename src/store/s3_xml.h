// Internal to the S3 client: the XML documents S3 sends and takes (pugixml).
// Element names are matched without namespaces; S3's
// xmlns="http://s3.amazonaws.com/doc/2006-03-01/" is ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/s3_client.h"

namespace sluice::store {

// An <Error> document's Code and Message.
struct S3ErrorBody {
  std::string code;
  std::string message;
};

// The error in `xml`, or nullopt when it is not an <Error> document
// (S3 may answer 200 with one, e.g. to CompleteMultipartUpload).
std::optional<S3ErrorBody> ParseS3Error(std::string_view xml);

// A ListObjectsV2 page (<ListBucketResult>).
Result<S3Listing> ParseListObjectsV2(std::string_view xml);

// The UploadId of an <InitiateMultipartUploadResult>.
Result<std::string> ParseUploadId(std::string_view xml);

// The ETag (quotes removed) of a <CompleteMultipartUploadResult>.
Result<std::string> ParseCompleteMultipartUpload(std::string_view xml);

// The <CompleteMultipartUpload> body: part i+1 has etags[i] (as S3 gave it).
std::string CompleteMultipartUploadXml(const std::vector<std::string>& etags);

// `etag` without its surrounding double quotes.
std::string Unquote(std::string_view etag);

}  // namespace sluice::store
