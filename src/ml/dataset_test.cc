#include "ml/dataset.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/files.h"

namespace sluice::ml {
namespace {

std::string ParseError(std::string_view text, std::vector<std::string> required = {}) {
  auto r = Dataset::Parse(text, "data.csv", required);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(DatasetTest, ParsesTypedColumns) {
  auto r = Dataset::Parse("a,b,c\n1,2.5,-3\n4,5,+6\n", "data.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows(), 2u);
  EXPECT_EQ(r->num_columns(), 3u);
  EXPECT_EQ(r->column_names(), (std::vector<std::string>{"a", "b", "c"}));
  const Column* a = r->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type(), ColumnType::kInt64);
  EXPECT_EQ(a->int64_values(), (std::vector<int64_t>{1, 4}));
  // One non-integer value makes the whole column double, earlier rows included.
  const Column* b = r->Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->type(), ColumnType::kDouble);
  EXPECT_EQ(b->double_values(), (std::vector<double>{2.5, 5.0}));
  EXPECT_EQ(r->Find("c")->int64_values(), (std::vector<int64_t>{-3, 6}));
  EXPECT_EQ(r->Find("missing"), nullptr);
}

TEST(DatasetTest, IntegerTooLargeForInt64BecomesDouble) {
  auto r = Dataset::Parse("x\n1\n99999999999999999999\n", "data.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Find("x")->type(), ColumnType::kDouble);
  EXPECT_EQ(r->Find("x")->double_values()[1], 1e20);
}

TEST(DatasetTest, AcceptsCrlfBlankLinesBomQuotedHeaderAndNoFinalNewline) {
  auto r = Dataset::Parse("\xEF\xBB\xBF\"a\", b\r\n1,2\r\n\r\n3, 4", "data.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->column_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r->Find("b")->int64_values(), (std::vector<int64_t>{2, 4}));
}

// Header on line 1 unless blank lines or a byte-order mark come first;
// blank lines between rows are skipped as Parse skips them.
TEST(DatasetTest, CsvLineOfRowCountsAsParseReads) {
  EXPECT_EQ(CsvLineOfRow("a,b\n1,2\n3,4\n", 0), 2u);
  EXPECT_EQ(CsvLineOfRow("a,b\n1,2\n3,4\n", 1), 3u);
  EXPECT_EQ(CsvLineOfRow("a,b\n1,2\n3,4\n", 2), 0u);
  EXPECT_EQ(CsvLineOfRow("\xEF\xBB\xBF\n  \r\na,b\r\n1,2\r\n\r\n\n3,4", 1), 7u);
  EXPECT_EQ(CsvLineOfRow("", 0), 0u);
}

TEST(DatasetTest, EmptyFileIsAnError) {
  const char* want =
      "data.csv: the file is empty; a dataset needs a header row of column names and at least "
      "one row of values";
  EXPECT_EQ(ParseError(""), want);
  EXPECT_EQ(ParseError("\n\n"), want);
}

TEST(DatasetTest, HeaderWithoutRowsIsAnError) {
  EXPECT_EQ(ParseError("a,b\n"),
            "data.csv:1: the file has a header but no rows of values; add at least one row");
}

TEST(DatasetTest, TooFewFieldsPointsAtTheEndOfTheLine) {
  EXPECT_EQ(ParseError("a,b,c\n1,2,3\n4,5\n"),
            "data.csv:3:4: row has 2 fields but the header (line 1) has 3 columns; every row "
            "needs one value per column");
}

TEST(DatasetTest, TooManyFieldsPointsAtTheFirstExtraField) {
  EXPECT_EQ(ParseError("a,b\n1,2,33\n"),
            "data.csv:2:5: row has 3 fields but the header (line 1) has 2 columns; every row "
            "needs one value per column");
}

TEST(DatasetTest, NonNumericValueNamesLineColumnAndValue) {
  EXPECT_EQ(ParseError("Num_Children,Income\n1,2\n3,abc\n"),
            "data.csv:3:3: value \"abc\" in column \"Income\" is not a number; write an integer "
            "or a decimal number such as 42, -3.5 or 1e6");
  // Also after the column has turned double.
  EXPECT_EQ(ParseError("x\n1.5\n2x\n"),
            "data.csv:3:1: value \"2x\" in column \"x\" is not a number; write an integer or a "
            "decimal number such as 42, -3.5 or 1e6");
}

TEST(DatasetTest, EmptyAndNonFiniteValuesAreErrors) {
  EXPECT_EQ(ParseError("a,b\n1,\n"),
            "data.csv:2:3: empty value in column \"b\"; every value must be a number (missing "
            "values are not supported)");
  EXPECT_EQ(ParseError("a,b\n1,nan\n"),
            "data.csv:2:3: value \"nan\" in column \"b\" is not a finite number; missing and "
            "infinite values are not supported");
}

TEST(DatasetTest, MissingRequiredColumnListsTheHeader) {
  EXPECT_EQ(ParseError("Income,Group\n1,0\n", {"Income", "Target"}),
            "data.csv:1: missing required column \"Target\" (the header has: Income, Group); add "
            "the column or check its spelling");
}

TEST(DatasetTest, BadHeadersAreErrors) {
  EXPECT_EQ(ParseError("a,,c\n1,2,3\n"),
            "data.csv:1:3: column 2 has no name in the header; give every column a name");
  EXPECT_EQ(ParseError("a,b,a\n1,2,3\n"),
            "data.csv:1:5: column \"a\" appears twice in the header (columns 1 and 3); rename "
            "one of them");
}

TEST(DatasetTest, GetNamesTheAvailableColumns) {
  auto r = Dataset::Parse("a,b\n1,2\n", "data.csv");
  ASSERT_TRUE(r.ok());
  auto c = r->Get("z");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c.status().message(), "no column \"z\" (the dataset has: a, b)");
  ASSERT_TRUE(r->Get("b").ok());
  EXPECT_EQ((*r->Get("b"))->name(), "b");
}

TEST(DatasetTest, TakeSelectsRowsInOrder) {
  auto r = Dataset::Parse("a,b\n10,0.5\n20,1.5\n30,2.5\n", "data.csv");
  ASSERT_TRUE(r.ok());
  std::vector<size_t> rows = {2, 0, 2};
  Dataset t = r->Take(rows);
  EXPECT_EQ(t.num_rows(), 3u);
  EXPECT_EQ(t.Find("a")->int64_values(), (std::vector<int64_t>{30, 10, 30}));
  EXPECT_EQ(t.Find("b")->double_values(), (std::vector<double>{2.5, 0.5, 2.5}));
  EXPECT_EQ(t.Find("a")->ToDoubles(), (std::vector<double>{30, 10, 30}));
  EXPECT_EQ(t.Find("b")->AsDouble(1), 0.5);
}

TEST(DatasetTest, FromColumnsChecksSizesAndNames) {
  auto ok = Dataset::FromColumns({Column::Int64("a", {1, 2}), Column::Double("b", {1, 2})});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->num_rows(), 2u);
  auto bad = Dataset::FromColumns({Column::Int64("a", {1, 2}), Column::Double("b", {1})});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "column \"b\" has 1 rows but column \"a\" has 2");
  auto dup = Dataset::FromColumns({Column::Int64("a", {1}), Column::Int64("a", {1})});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "column \"a\" appears twice");
}

TEST(DatasetTest, LoadReadsAFileAndNamesItInErrors) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  auto path = dir->path() / "d.csv";
  ASSERT_TRUE(WriteFileAtomic(path, "a,b\n1,2\n1,x\n").ok());
  auto r = Dataset::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(path.string() + ":3:3: value \"x\"", 0), 0u)
      << r.status().message();
  auto missing = Dataset::Load(dir->path() / "none.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
}

// 500,000 rows × 6 columns, the credit-card data's shape (its speed is
// measured in bench/, not asserted here).
TEST(DatasetTest, LoadsHalfAMillionRows) {
  std::string text = "Num_Children,Group,Income,Own_Car,Own_Housing,Target\n";
  text.reserve(15'000'000);
  for (int64_t i = 0; i < 500'000; ++i) {
    text += std::to_string(i % 5) + ',' + std::to_string(i % 2) + ',' +
            std::to_string(30'000 + (i * 7919) % 90'000) + ",1,0," + std::to_string(i % 3 == 0) +
            '\n';
  }
  auto r = Dataset::Parse(text, "big.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows(), 500'000u);
  EXPECT_EQ(r->Find("Income")->int64_values()[3], 30'000 + 3 * 7919);
}

}  // namespace
}  // namespace sluice::ml
