#include "store/s3_url.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

std::optional<S3ObjectRef> Obj(std::string bucket, std::string key) {
  return S3ObjectRef{std::move(bucket), std::move(key)};
}

TEST(S3UrlTest, VirtualHostedAwsUrlsNameBucketAndKey) {
  EXPECT_EQ(ParseS3ObjectUrl(
                "https://mlopswebapp.s3.us-east-1.amazonaws.com/harness/output/model_metrics.html"),
            Obj("mlopswebapp", "harness/output/model_metrics.html"));
  EXPECT_EQ(ParseS3ObjectUrl("https://my.dotted.bucket.s3.amazonaws.com/a/b.txt"),
            Obj("my.dotted.bucket", "a/b.txt"));
  EXPECT_EQ(ParseS3ObjectUrl("http://b.s3-eu-west-1.amazonaws.com/k"), Obj("b", "k"));
  EXPECT_EQ(ParseS3ObjectUrl("https://b.s3.dualstack.us-west-2.amazonaws.com/k"), Obj("b", "k"));
  EXPECT_EQ(ParseS3ObjectUrl("https://b.s3.cn-north-1.amazonaws.com.cn/k"), Obj("b", "k"));
  EXPECT_EQ(ParseS3ObjectUrl("https://B.S3.AMAZONAWS.COM:443/k"), Obj("b", "k"));
}

TEST(S3UrlTest, PathStyleAndS3SchemeUrlsNameBucketAndKey) {
  EXPECT_EQ(ParseS3ObjectUrl("https://s3.amazonaws.com/bucket/dir/file.html"),
            Obj("bucket", "dir/file.html"));
  EXPECT_EQ(ParseS3ObjectUrl("https://s3.us-east-1.amazonaws.com/bucket/k"), Obj("bucket", "k"));
  EXPECT_EQ(ParseS3ObjectUrl("https://s3-us-west-2.amazonaws.com/bucket/k"), Obj("bucket", "k"));
  EXPECT_EQ(ParseS3ObjectUrl("s3://bucket/a/b c.txt"), Obj("bucket", "a/b c.txt"));
}

TEST(S3UrlTest, KeyIsPercentDecodedAndQueryIgnored) {
  EXPECT_EQ(ParseS3ObjectUrl("https://b.s3.amazonaws.com/a%20b/%E2%82%AC.txt?X-Amz-Signature=1#x"),
            Obj("b", "a b/\u20ac.txt"));
}

TEST(S3UrlTest, OtherUrlsNameNoObject) {
  EXPECT_EQ(ParseS3ObjectUrl("http://127.0.0.1:8090/bucket/key"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("https://example.com/bucket/key"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("https://b.s3.amazonaws.com/"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("https://s3.amazonaws.com/bucket"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("https://lambda.us-east-1.amazonaws.com/x/y"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("s3://bucket"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl("file:///tmp/x"), std::nullopt);
  EXPECT_EQ(ParseS3ObjectUrl(""), std::nullopt);
}

}  // namespace
}  // namespace sluice::store
