#include "store/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "store/sigv4_canonical.h"

namespace sluice::store {
namespace {

using namespace std::chrono;  // NOLINT(google-build-using-namespace): test-local

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "FQoGZXIvYXdzEXAMPLETOKEN/+=";

system_clock::time_point Time(int year, unsigned month, unsigned day, int hour, int minute,
                              int second) {
  return sys_days(std::chrono::year(year) / month / day) + hours(hour) + minutes(minute) +
         seconds(second);
}

AwsCredentials Credentials(std::string token = "") {
  return {"AKIAIOSFODNN7EXAMPLE", kSecret, std::move(token)};
}

SigV4Options S3Options() {
  SigV4Options options;
  options.region = "us-east-1";
  options.service = "s3";
  options.time = Time(2013, 5, 24, 0, 0, 0);
  return options;
}

SigV4Request Get(std::string path) {
  SigV4Request request;
  request.method = "GET";
  request.path = std::move(path);
  request.headers = {{"Host", "127.0.0.1:9000"}};
  return request;
}

// Line `index` (0-based) of a canonical request.
std::string Line(const std::string& text, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = text.find('\n', start) + 1;
  return text.substr(start, text.find('\n', start) - start);
}

// The payload hash: the last line of a canonical request.
std::string LastLine(const std::string& text) { return text.substr(text.rfind('\n') + 1); }

std::string CanonicalUriOf(const SigV4Request& request, const SigV4Options& options) {
  Result<SigV4Result> result = SignHeaders(request, Credentials(), options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? Line(result->canonical_request, 1) : "";
}

TEST(SigV4Test, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e$f%g", false), "a%20b%2Bc%3Dd%26e%24f%25g");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("a/b", true), "a/b");
  // UTF-8 bytes each escaped, upper-case hex.
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", true), "%E1%88%B4");
  EXPECT_EQ(UriEncode("", true), "");
}

TEST(SigV4Test, AmzDateIsUtcBasicFormatWithoutFractions) {
  EXPECT_EQ(AmzDate(Time(2015, 8, 30, 12, 36, 0)), "20150830T123600Z");
  EXPECT_EQ(AmzDate(Time(2013, 5, 24, 0, 0, 0) + milliseconds(999)), "20130524T000000Z");
  EXPECT_EQ(AmzDate(Time(1999, 12, 31, 23, 59, 59)), "19991231T235959Z");
}

TEST(SigV4Test, S3CanonicalUriIsTheKeyEncodedOnce) {
  SigV4Options options = S3Options();
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/" + EncodeS3Key("my key$1.txt")), options),
            "/bucket/my%20key%241.txt");
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/" + EncodeS3Key("d\xC3\xA9j\xC3\xA0/vu")), options),
            "/bucket/d%C3%A9j%C3%A0/vu");
  // A key written raw signs like the encoded one (the S3 docs' test$file.text).
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/test$file.text"), options), "/bucket/test%24file.text");
  // Not normalised and not encoded twice: S3 keys are taken literally.
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/a//b"), options), "/bucket/a//b");
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/./x"), options), "/bucket/./x");
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/a/../b"), options), "/bucket/a/../b");
  // A '%' that starts no escape is itself encoded.
  EXPECT_EQ(CanonicalUriOf(Get("/bucket/100%"), options), "/bucket/100%25");
}

TEST(SigV4Test, GenericCanonicalUriIsNormalisedAndEncodedTwice) {
  SigV4Options options = S3Options();
  options.service = "service";
  options.s3_rules = false;
  EXPECT_EQ(CanonicalUriOf(Get("/a/./b/../c//d"), options), "/a/c/d");
  EXPECT_EQ(CanonicalUriOf(Get("/my%20key"), options), "/my%2520key");
  options.normalize_path = false;
  EXPECT_EQ(CanonicalUriOf(Get("/a/./b/../c//d"), options), "/a/./b/../c//d");
}

TEST(SigV4Test, NormalizePathFollowsRfc3986DotSegments) {
  using sigv4_internal::NormalizePath;
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("//example//"), "/example/");
  EXPECT_EQ(NormalizePath("/./example"), "/example");
  EXPECT_EQ(NormalizePath("/example/.."), "/");
  EXPECT_EQ(NormalizePath("/a/b/.."), "/a/");
  EXPECT_EQ(NormalizePath("/a/b/."), "/a/b/");
  EXPECT_EQ(NormalizePath("/../../a"), "/a");
}

TEST(SigV4Test, CanonicalQuerySortsByNameThenValueAndKeepsEmptyValues) {
  using sigv4_internal::CanonicalQuery;
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "x"}, {"b", "1"}, {"lifecycle", ""}}),
            "a=x&b=1&b=2&lifecycle=");
  // Upper case sorts before lower case (byte order of the encoded names).
  EXPECT_EQ(CanonicalQuery({{"param", "1"}, {"Param", "2"}}), "Param=2&param=1");
  // Names and values fully encoded: '/' and ' ' too, never '+'.
  EXPECT_EQ(CanonicalQuery({{"prefix", "a b/c"}, {"k+", "="}}), "k%2B=%3D&prefix=a%20b%2Fc");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(SigV4Test, CanonicalHeadersFoldSpacesAndJoinRepeatedNames) {
  sigv4_internal::CanonicalHeaders headers = sigv4_internal::CanonicalizeHeaders({
      {"X-Custom", "  a   b\t c  "},
      {"Host", "example.com"},
      {"My-Header", "value2"},
      {"my-header", "value1"},
      {"Folded", "one\n   two"},
  });
  EXPECT_EQ(headers.text,
            "folded:one two\n"
            "host:example.com\n"
            "my-header:value2,value1\n"
            "x-custom:a b c\n");
  EXPECT_EQ(headers.signed_names, "folded;host;my-header;x-custom");
}

TEST(SigV4Test, HeaderSigningAddsDateHashTokenAndAuthorizationInOrder) {
  SigV4Request request = Get("/bucket/key");
  request.method = "PUT";
  request.body = "hello";
  Result<SigV4Result> result = SignHeaders(request, Credentials(kToken), S3Options());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->headers.size(), 4u);
  EXPECT_EQ(result->headers[0],
            (std::pair<std::string, std::string>{"x-amz-date", "20130524T000000Z"}));
  EXPECT_EQ(result->headers[1].first, "x-amz-content-sha256");
  EXPECT_EQ(result->headers[1].second,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(result->headers[2],
            (std::pair<std::string, std::string>{"x-amz-security-token", kToken}));
  EXPECT_EQ(result->headers[3].first, "authorization");
  EXPECT_EQ(result->headers[3].second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
            "Signature=" +
                result->signature);
  EXPECT_EQ(result->signature.size(), 64u);
  EXPECT_TRUE(result->query.empty());
  EXPECT_EQ(result->canonical_request.find(kSecret), std::string::npos);
}

TEST(SigV4Test, UnsignedPayloadIsSignedAsGiven) {
  SigV4Request request = Get("/bucket/key");
  request.payload_hash = "UNSIGNED-PAYLOAD";
  request.body = "ignored";
  Result<SigV4Result> result = SignHeaders(request, Credentials(), S3Options());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(LastLine(result->canonical_request), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(result->headers[1].second, "UNSIGNED-PAYLOAD");
}

TEST(SigV4Test, OmittedSessionTokenIsSentButNotSigned) {
  SigV4Options options = S3Options();
  options.omit_session_token = true;
  Result<SigV4Result> headers = SignHeaders(Get("/b/k"), Credentials(kToken), options);
  ASSERT_TRUE(headers.ok());
  EXPECT_EQ(headers->canonical_request.find("x-amz-security-token"), std::string::npos);
  EXPECT_EQ(headers->headers[2].second, kToken);
  Result<SigV4Result> query = SignQuery(Get("/b/k"), Credentials(kToken), options);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->canonical_request.find("X-Amz-Security-Token"), std::string::npos);
  EXPECT_NE(
      query->query.find("&X-Amz-Security-Token=" + UriEncode(kToken, false) + "&X-Amz-Signature="),
      std::string::npos);
}

TEST(SigV4Test, PresignedQueryCarriesEveryParameterAndEndsWithTheSignature) {
  SigV4Request request = Get("/bucket/my%20key");
  request.query = {{"versionId", "3/L4"}};
  Result<SigV4Result> result = SignQuery(request, Credentials(kToken), S3Options());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->headers.empty());
  EXPECT_EQ(result->query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600"
            "&X-Amz-Security-Token=" +
                UriEncode(kToken, false) +
                "&X-Amz-SignedHeaders=host&versionId=3%2FL4&X-Amz-Signature=" + result->signature);
  EXPECT_EQ(LastLine(result->canonical_request), "UNSIGNED-PAYLOAD");
}

TEST(SigV4Test, PresignExpiryMustBeWithinOneSecondAndSevenDays) {
  SigV4Options options = S3Options();
  for (seconds bad : {seconds(0), seconds(-5), seconds(604801)}) {
    options.expires = bad;
    Result<SigV4Result> result = SignQuery(Get("/b/k"), Credentials(), options);
    ASSERT_FALSE(result.ok()) << bad.count();
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find("7 days"), std::string::npos);
  }
  for (seconds good : {seconds(1), seconds(604800)}) {
    options.expires = good;
    EXPECT_TRUE(SignQuery(Get("/b/k"), Credentials(), options).ok()) << good.count();
  }
}

TEST(SigV4Test, RequestWithoutHostIsRejected) {
  SigV4Request request = Get("/b/k");
  request.headers = {{"Range", "bytes=0-9"}};
  for (const Result<SigV4Result>& result : {SignHeaders(request, Credentials(), S3Options()),
                                            SignQuery(request, Credentials(), S3Options())}) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find("Host"), std::string::npos);
  }
}

TEST(SigV4Test, BadOptionsAndRequestsAreRejectedWithoutSecrets) {
  SigV4Options no_region = S3Options();
  no_region.region.clear();
  SigV4Options no_service = S3Options();
  no_service.service.clear();
  SigV4Request relative = Get("bucket/key");
  SigV4Request dated = Get("/b/k");
  dated.headers.emplace_back("X-Amz-Date", "20130524T000000Z");
  SigV4Request with_token = Get("/b/k");
  with_token.headers.emplace_back("x-amz-security-token", kToken);
  SigV4Request presigned = Get("/b/k");
  presigned.query = {{"X-Amz-Signature", "abc"}};
  const std::vector<Result<SigV4Result>> results = {
      SignHeaders(Get("/b/k"), Credentials(kToken), no_region),
      SignHeaders(Get("/b/k"), Credentials(kToken), no_service),
      SignHeaders(relative, Credentials(kToken), S3Options()),
      SignHeaders(dated, Credentials(kToken), S3Options()),
      SignHeaders(with_token, Credentials(kToken), S3Options()),
      SignQuery(presigned, Credentials(kToken), S3Options()),
  };
  for (const Result<SigV4Result>& result : results) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message().find(kSecret), std::string::npos);
    EXPECT_EQ(result.status().message().find(kToken), std::string::npos);
  }
  EXPECT_FALSE(SignChunk("", "x", Credentials(), no_region).ok());
}

TEST(SigV4Test, SignatureDependsOnEverySignedPart) {
  SigV4Request request = Get("/b/k");
  std::string base = SignHeaders(request, Credentials(), S3Options())->signature;
  SigV4Request other_path = Get("/b/k2");
  EXPECT_NE(SignHeaders(other_path, Credentials(), S3Options())->signature, base);
  SigV4Options later = S3Options();
  later.time += seconds(1);
  EXPECT_NE(SignHeaders(request, Credentials(), later)->signature, base);
  AwsCredentials other_secret = Credentials();
  other_secret.secret_access_key += "x";
  EXPECT_NE(SignHeaders(request, other_secret, S3Options())->signature, base);
  // Same inputs, same signature.
  EXPECT_EQ(SignHeaders(request, Credentials(), S3Options())->signature, base);
}

}  // namespace
}  // namespace sluice::store
