// The canonical forms SigV4 signs (internal to the store module; see
// sigv4.h for the rules). Split out so that each rule is tested on its own.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::store::sigv4_internal {

// The path with "." and ".." segments resolved and empty segments ("//")
// dropped; a trailing '/' is kept. "/a/./b/../c//" -> "/a/c/".
std::string NormalizePath(std::string_view path);

// The canonical URI of `path` (which starts with '/'). S3 rules: kept as
// written, except that bytes which are neither unreserved, '/' nor part of
// a "%XX" escape are encoded (so "/test$file.text" and the
// EncodeS3Key-encoded "/test%24file.text" sign alike). Otherwise:
// normalised when `normalize`, then encoded as a whole ('%' included, so an
// escape in the path is encoded twice).
std::string CanonicalUri(std::string_view path, bool s3_rules, bool normalize);

// "a=1&b=&b=2": names and values encoded, sorted by encoded name then value.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

struct CanonicalHeaders {
  std::string text;          // "host:example.com\nx-amz-date:...\n"
  std::string signed_names;  // "host;x-amz-date"
};

// Names lower-cased; values trimmed, inner whitespace runs (folded lines
// included) turned into one space; repeated names joined by ',' in the order
// given; sorted by name.
CanonicalHeaders CanonicalizeHeaders(
    const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace sluice::store::sigv4_internal
