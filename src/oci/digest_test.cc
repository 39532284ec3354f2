#include "oci/digest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/files.h"

namespace sluice::oci {
namespace {

TEST(DigestTest, Sha256OfBytesAndFilesAgree) {
  // The digest of the empty string, as every registry knows it.
  EXPECT_EQ(Sha256Of("").str(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto dir = TempDir::Create("sluice-digest-");
  ASSERT_TRUE(dir.ok());
  std::filesystem::path f = dir->path() / "blob";
  std::string data(200000, 'x');
  std::ofstream(f, std::ios::binary) << data;
  auto from_file = Sha256OfFile(f);
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(*from_file, Sha256Of(data));
  EXPECT_FALSE(Sha256OfFile(dir->path() / "missing").ok());
}

TEST(DigestTest, ParseAcceptsOnlyWellFormedSha256) {
  auto d = ParseDigest("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->algorithm, "sha256");
  EXPECT_FALSE(ParseDigest("e3b0c442").ok());
  EXPECT_FALSE(ParseDigest("sha512:abcd").ok());
  EXPECT_FALSE(ParseDigest("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").ok());
  EXPECT_NE(ParseDigest("sha256:abc").status().message().find("64 lower-case hex"), std::string::npos);
}

}  // namespace
}  // namespace sluice::oci
