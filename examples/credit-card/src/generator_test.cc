#include "generator.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/files.h"
#include "common/hash.h"

namespace ccapproval {
namespace {

// The golden values live outside the project (../shared) and are never copied
// into it; without them the golden tests skip.
const std::filesystem::path kGoldenDir = SLUICE_SOURCE_DIR "/../shared/conformance/ccdata";

nlohmann::json LoadGolden() {
  auto text = sluice::ReadFile(kGoldenDir / "golden_seed54.json");
  if (!text.ok()) return nullptr;
  return nlohmann::json::parse(*text);
}

#define SKIP_WITHOUT_GOLDEN(golden)                                                    \
  if ((golden).is_null())                                                              \
  GTEST_SKIP() << "needs ../shared/conformance/ccdata/golden_seed54.json (the shared " \
                  "reference tree beside the project)"

TEST(GeneratorTest, SplitMix64MatchesGoldenFirstOutputs) {
  nlohmann::json golden = LoadGolden();
  SKIP_WITHOUT_GOLDEN(golden);
  SplitMix64 rng(golden["seed"].get<uint64_t>());
  for (const auto& hex : golden["splitmix64_first12"]) {
    EXPECT_EQ(rng.Next(), std::stoull(hex.get<std::string>(), nullptr, 16));
  }
}

TEST(GeneratorTest, PoissonTableMatchesGolden) {
  nlohmann::json golden = LoadGolden();
  SKIP_WITHOUT_GOLDEN(golden);
  ASSERT_EQ(golden["pois2_table"].size(), kPoisson2Cdf.size());
  for (size_t i = 0; i < kPoisson2Cdf.size(); ++i)
    EXPECT_EQ(kPoisson2Cdf[i], golden["pois2_table"][i].get<uint32_t>());
}

TEST(GeneratorTest, Seed54FullDatasetMatchesGoldenSha256AndSize) {
  nlohmann::json golden = LoadGolden();
  SKIP_WITHOUT_GOLDEN(golden);
  std::string csv = GenerateCsvString(54, 500000);
  EXPECT_EQ(csv.size(), golden["csv_bytes"].get<size_t>());
  EXPECT_EQ(sluice::Sha256Hex(csv), golden["csv_sha256"].get<std::string>());
}

TEST(GeneratorTest, Seed54HeadMatchesGoldenCsvAndJson) {
  nlohmann::json golden = LoadGolden();
  SKIP_WITHOUT_GOLDEN(golden);
  auto head = sluice::ReadFile(kGoldenDir / "generated_seed54_head10.csv");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(GenerateCsvString(54, 10), *head);

  ASSERT_EQ(golden["head10"].size(), 10u);
  SplitMix64 rng(54);
  for (const auto& want : golden["head10"]) {
    CreditRow row = DrawRow(rng);
    std::array<int, 6> got = {row.num_children, row.group,       row.income,
                              row.own_car,      row.own_housing, row.target};
    EXPECT_EQ(got, (want.get<std::array<int, 6>>()));
  }
}

TEST(GeneratorTest, Seed54ColumnSumsAndCountsMatchGolden) {
  nlohmann::json golden = LoadGolden();
  SKIP_WITHOUT_GOLDEN(golden);
  std::array<int64_t, 6> sums{};
  std::map<std::string, int64_t> groups, targets, children;
  SplitMix64 rng(54);
  for (int r = 0; r < 500000; ++r) {
    CreditRow row = DrawRow(rng);
    std::array<int, 6> v = {row.num_children, row.group,       row.income,
                            row.own_car,      row.own_housing, row.target};
    for (size_t c = 0; c < v.size(); ++c) sums[c] += v[c];
    ++groups[std::to_string(row.group)];
    ++targets[std::to_string(row.target)];
    ++children[std::to_string(row.num_children)];
  }
  const auto& s = golden["sums"];
  EXPECT_EQ(sums[0], s["Num_Children"].get<int64_t>());
  EXPECT_EQ(sums[1], s["Group"].get<int64_t>());
  EXPECT_EQ(sums[2], s["Income"].get<int64_t>());
  EXPECT_EQ(sums[3], s["Own_Car"].get<int64_t>());
  EXPECT_EQ(sums[4], s["Own_Housing"].get<int64_t>());
  EXPECT_EQ(sums[5], s["Target"].get<int64_t>());
  EXPECT_EQ(groups, (golden["group_counts"].get<std::map<std::string, int64_t>>()));
  EXPECT_EQ(targets, (golden["target_counts"].get<std::map<std::string, int64_t>>()));
  EXPECT_EQ(children, (golden["num_children_counts"].get<std::map<std::string, int64_t>>()));
}

TEST(GeneratorTest, SameSeedGivesSameBytesAndOtherSeedDiffers) {
  std::string a = GenerateCsvString(7, 1000);
  EXPECT_EQ(a, GenerateCsvString(7, 1000));
  EXPECT_NE(a, GenerateCsvString(8, 1000));
  // A prefix of rows is a prefix of the text: rows do not depend on the count.
  EXPECT_EQ(a.substr(0, GenerateCsvString(7, 10).size()), GenerateCsvString(7, 10));
}

TEST(GeneratorTest, RowsStayInTheirDocumentedRanges) {
  SplitMix64 rng(123);
  for (int r = 0; r < 20000; ++r) {
    CreditRow row = DrawRow(rng);
    ASSERT_TRUE(row.group == 0 || row.group == 1);
    ASSERT_GE(row.num_children, 0);
    ASSERT_LE(row.num_children, 13);
    ASSERT_GE(row.income, row.group == 1 ? 40000 : 30000);
    ASSERT_LE(row.income, row.group == 1 ? 119999 : 99999);
    ASSERT_TRUE(row.own_car == 0 || row.own_car == 1);
    ASSERT_TRUE(row.own_housing == 0 || row.own_housing == 1);
    ASSERT_TRUE(row.target == 0 || row.target == 1);
  }
}

TEST(GeneratorTest, ZeroRowsWritesOnlyTheHeader) {
  EXPECT_EQ(GenerateCsvString(54, 0), std::string(kCsvHeader));
}

TEST(GeneratorTest, StreamsInChunksThatConcatenateToTheWholeText) {
  int chunks = 0;
  std::string joined;
  sluice::Status s = GenerateCsv(3, 200000, [&](std::string_view chunk) {
    ++chunks;
    joined.append(chunk);
    return sluice::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(chunks, 1);
  EXPECT_EQ(joined, GenerateCsvString(3, 200000));
}

TEST(GeneratorTest, SinkErrorStopsGeneration) {
  int chunks = 0;
  sluice::Status s = GenerateCsv(3, 200000, [&](std::string_view) {
    ++chunks;
    return sluice::Status::IoError("disk full");
  });
  EXPECT_EQ(s.code(), sluice::StatusCode::kIoError);
  EXPECT_EQ(chunks, 1);
}

TEST(GeneratorTest, WritesFileAndReportsItsSize) {
  auto dir = sluice::TempDir::Create("ccapproval-gen-");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  const auto path = dir->path() / "data.csv";
  uint64_t bytes = 0;
  sluice::Status s = GenerateCsvFile(54, 1000, path, &bytes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto text = sluice::ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, GenerateCsvString(54, 1000));
  EXPECT_EQ(bytes, text->size());
  // Only the target is left behind, no temporary file.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir->path()), {}), 1);
}

TEST(GeneratorTest, CreatesTheOutputFolder) {
  auto dir = sluice::TempDir::Create("ccapproval-gen-");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  const std::filesystem::path out = dir->path() / "output" / "data" / "cc.csv";
  ASSERT_TRUE(GenerateCsvFile(54, 10, out).ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(out));
}

TEST(GeneratorTest, UnwritableDestinationIsAnIoError) {
  // A folder that cannot be created: its parent is a regular file.
  auto dir = sluice::TempDir::Create("ccapproval-gen-");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  ASSERT_TRUE(sluice::WriteFileAtomic(dir->path() / "file", "x").ok());
  const std::filesystem::path out = dir->path() / "file" / "x" / "data.csv";
  sluice::Status s = GenerateCsvFile(54, 10, out);
  EXPECT_EQ(s.code(), sluice::StatusCode::kIoError);
  EXPECT_NE(s.message().find((dir->path() / "file").string()), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace ccapproval
