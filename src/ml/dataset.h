// Dataset: a table of named numeric columns loaded from a CSV file, the input
// to train_test_split, the tree and the metrics.
//
// The CSV dialect is the one pandas.read_csv writes and reads for numeric
// data: a header row of column names, then one row per sample, fields
// separated by ',', '\n' or "\r\n" line ends, blank lines skipped. A column is
// int64 when every value in it parses as a base-10 integer, otherwise double
// (pandas' dtype inference for numeric columns). Every value must be numeric
// and finite: empty fields, quoted values, "nan" and "inf" are errors, because
// the models here have no notion of a missing value.
//
// Errors come back as Status (InvalidArgument for content, IoError for
// reading) whose message starts "file:line:column:" (1-based) and says what to
// change. A Dataset is an immutable value: copyable, movable, safe to read
// from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::ml {

enum class ColumnType { kInt64, kDouble };

// "int64" or "double".
std::string_view ColumnTypeName(ColumnType type);

// One named column; holds either int64 or double values (see type()).
class Column {
 public:
  static Column Int64(std::string name, std::vector<int64_t> values);
  static Column Double(std::string name, std::vector<double> values);

  const std::string& name() const { return name_; }
  ColumnType type() const { return type_; }
  size_t size() const { return type_ == ColumnType::kInt64 ? ints_.size() : doubles_.size(); }

  // The values; calling the accessor of the other type is a programmer error
  // (asserted) and returns an empty vector.
  const std::vector<int64_t>& int64_values() const;
  const std::vector<double>& double_values() const;

  // Value of `row` as a double, whatever the column's type.
  double AsDouble(size_t row) const;
  // All values as doubles (a copy; int64 values are converted).
  std::vector<double> ToDoubles() const;

  // A column with the values at `rows`, in that order (rows may repeat).
  // Every index must be < size() (asserted).
  Column Take(std::span<const size_t> rows) const;

 private:
  Column(std::string name, ColumnType type) : name_(std::move(name)), type_(type) {}

  std::string name_;
  ColumnType type_;
  std::vector<int64_t> ints_;   // used when type_ == kInt64
  std::vector<double> doubles_; // used when type_ == kDouble
};

class Dataset {
 public:
  Dataset() = default;

  // Reads and parses the CSV file at `path`; errors name the path as given.
  // Every name in `required_columns` must be in the header.
  static Result<Dataset> Load(const std::filesystem::path& path,
                              std::span<const std::string> required_columns = {});
  // Parses CSV `text`; `file_name` is only used in error messages.
  static Result<Dataset> Parse(std::string_view text, std::string_view file_name,
                               std::span<const std::string> required_columns = {});
  // Columns must have distinct, non-empty names and equal sizes.
  static Result<Dataset> FromColumns(std::vector<Column> columns);

  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<std::string> column_names() const;

  // The column called `name`, or nullptr.
  const Column* Find(std::string_view name) const;
  // The column called `name`, or NotFound naming the columns there are.
  Result<const Column*> Get(std::string_view name) const;

  // The rows at `rows`, in that order (for train/test splits). Every index
  // must be < num_rows() (asserted).
  Dataset Take(std::span<const size_t> rows) const;

 private:
  std::vector<Column> columns_;
  size_t num_rows_ = 0;
};

// The 1-based line of CSV `text` that data row `row` (0-based, in Parse's
// order: the header and blank lines are not rows) was read from, for
// messages about a value found wrong after parsing; 0 when there is no such
// row. Reads the text again, so meant for the error path.
size_t CsvLineOfRow(std::string_view text, size_t row);

}  // namespace sluice::ml
