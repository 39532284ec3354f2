#include "store/s3_xml.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

TEST(S3XmlTest, AListingPageGivesObjectsPrefixesAndTheNextToken) {
  auto page = ParseListObjectsV2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextContinuationToken>abc==</NextContinuationToken>
  <Contents><Key>p/a &amp; b.txt</Key><LastModified>2026-11-27T00:30:06.000Z</LastModified>
    <ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size></Contents>
  <Contents><Key>p/c</Key><Size>12582912</Size><ETag>"x-3"</ETag></Contents>
  <CommonPrefixes><Prefix>p/dir/</Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "p/a & b.txt");
  EXPECT_EQ(page->objects[0].size, 5);
  EXPECT_EQ(page->objects[0].etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(page->objects[0].last_modified, "2026-11-27T00:30:06.000Z");
  EXPECT_EQ(page->objects[1].size, 12582912);
  EXPECT_EQ(page->objects[1].etag, "x-3");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"p/dir/"});
  EXPECT_EQ(page->next_continuation_token, "abc==");
}

TEST(S3XmlTest, TheLastPageHasNoToken) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<NextContinuationToken>ignored</NextContinuationToken></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->objects.empty());
  EXPECT_TRUE(page->next_continuation_token.empty());
}

TEST(S3XmlTest, ATruncatedPageWithoutATokenIsAnError) {
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                                  "</ListBucketResult>")
                   .ok());
}

TEST(S3XmlTest, MalformedOrForeignDocumentsAreErrors) {
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents>").status().code(),
            StatusCode::kIoError);
  EXPECT_FALSE(ParseListObjectsV2("<Other/>").ok());
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>").ok());
}

TEST(S3XmlTest, AnErrorDocumentGivesCodeAndMessage) {
  auto error = ParseS3Error(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match</Message>"
      "<StringToSign>AWS4-HMAC-SHA256...</StringToSign></Error>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_EQ(error->message, "The request signature we calculated does not match");
  EXPECT_FALSE(ParseS3Error("not xml").has_value());
  EXPECT_FALSE(ParseS3Error("<ListBucketResult/>").has_value());
}

TEST(S3XmlTest, MultipartDocuments) {
  auto id = ParseUploadId(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>MDAwMDE</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "MDAwMDE");
  // Swift sends spaces while it assembles the object, before the document.
  auto etag = ParseCompleteMultipartUpload(
      "   \n<?xml version='1.0' encoding='UTF-8'?>\n<CompleteMultipartUploadResult>"
      "<ETag>\"3858f62230ac3c915f300c664312c11f-3\"</ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, "3858f62230ac3c915f300c664312c11f-3");
  EXPECT_EQ(CompleteMultipartUploadXml({"\"a\"", "b"}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

}  // namespace
}  // namespace sluice::store
