#include "ml/dataset.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

#include "common/files.h"

namespace sluice::ml {

std::string_view ColumnTypeName(ColumnType type) {
  return type == ColumnType::kInt64 ? "int64" : "double";
}

// ---- Column -----------------------------------------------------------------

Column Column::Int64(std::string name, std::vector<int64_t> values) {
  Column c(std::move(name), ColumnType::kInt64);
  c.ints_ = std::move(values);
  return c;
}

Column Column::Double(std::string name, std::vector<double> values) {
  Column c(std::move(name), ColumnType::kDouble);
  c.doubles_ = std::move(values);
  return c;
}

const std::vector<int64_t>& Column::int64_values() const {
  assert(type_ == ColumnType::kInt64);
  return ints_;
}

const std::vector<double>& Column::double_values() const {
  assert(type_ == ColumnType::kDouble);
  return doubles_;
}

double Column::AsDouble(size_t row) const {
  return type_ == ColumnType::kInt64 ? static_cast<double>(ints_[row]) : doubles_[row];
}

std::vector<double> Column::ToDoubles() const {
  if (type_ == ColumnType::kDouble) return doubles_;
  return std::vector<double>(ints_.begin(), ints_.end());
}

Column Column::Take(std::span<const size_t> rows) const {
  Column out(name_, type_);
  if (type_ == ColumnType::kInt64) {
    out.ints_.reserve(rows.size());
    for (size_t r : rows) {
      assert(r < ints_.size());
      out.ints_.push_back(ints_[r]);
    }
  } else {
    out.doubles_.reserve(rows.size());
    for (size_t r : rows) {
      assert(r < doubles_.size());
      out.doubles_.push_back(doubles_[r]);
    }
  }
  return out;
}

// ---- Dataset ----------------------------------------------------------------

Result<Dataset> Dataset::FromColumns(std::vector<Column> columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name().empty()) {
      return Status::InvalidArgument("column " + std::to_string(i + 1) + " has no name");
    }
    if (columns[i].size() != columns[0].size()) {
      return Status::InvalidArgument("column \"" + columns[i].name() + "\" has " +
                                     std::to_string(columns[i].size()) + " rows but column \"" +
                                     columns[0].name() + "\" has " +
                                     std::to_string(columns[0].size()));
    }
    for (size_t j = 0; j < i; ++j) {
      if (columns[j].name() == columns[i].name()) {
        return Status::InvalidArgument("column \"" + columns[i].name() + "\" appears twice");
      }
    }
  }
  Dataset d;
  d.num_rows_ = columns.empty() ? 0 : columns[0].size();
  d.columns_ = std::move(columns);
  return d;
}

std::vector<std::string> Dataset::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Column& c : columns_) names.push_back(c.name());
  return names;
}

const Column* Dataset::Find(std::string_view name) const {
  for (const Column& c : columns_) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}

}  // namespace

Result<const Column*> Dataset::Get(std::string_view name) const {
  if (const Column* c = Find(name)) return c;
  return Status::NotFound("no column \"" + std::string(name) + "\" (the dataset has: " +
                          JoinNames(column_names()) + ")");
}

Dataset Dataset::Take(std::span<const size_t> rows) const {
  Dataset d;
  d.num_rows_ = rows.size();
  d.columns_.reserve(columns_.size());
  for (const Column& c : columns_) d.columns_.push_back(c.Take(rows));
  return d;
}

// ---- CSV parsing ------------------------------------------------------------

namespace {

// Accumulates one column's values while parsing; starts as int64 and turns
// double (converting what it holds) at the first value that is not an integer.
struct ColumnBuilder {
  std::string name;
  bool is_int = true;
  std::vector<int64_t> ints;
  std::vector<double> doubles;

  void SwitchToDouble() {
    doubles.reserve(ints.capacity());
    doubles.assign(ints.begin(), ints.end());
    ints = {};
    is_int = false;
  }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A value for an error message, shortened so a runaway field stays readable.
std::string Quote(std::string_view value) {
  constexpr size_t kMax = 40;
  std::string s = "\"";
  if (value.size() > kMax) {
    s.append(value.substr(0, kMax));
    s += "...";
  } else {
    s.append(value);
  }
  s += '"';
  return s;
}

class CsvParser {
 public:
  CsvParser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<Dataset> Run(std::span<const std::string> required);
  // The line data row `row` is read from; 0 when there is no such row.
  size_t LineOfRow(size_t row);

 private:
  // The next physical line without its line end; false at the end of text.
  bool NextLine(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    const char* start = text_.data() + pos_;
    const void* nl = std::memchr(start, '\n', text_.size() - pos_);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : text_.size() - pos_;
    pos_ += len + (nl ? 1 : 0);
    ++line_no_;
    *line = std::string_view(start, len);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    return true;
  }

  // The header: the first line that is not blank, after a byte-order mark
  // (pandas skips one; so do we).
  bool NextHeaderLine(std::string_view* line) {
    if (pos_ == 0 && text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    while (NextLine(line)) {
      if (!Trim(*line).empty()) return true;
    }
    return false;
  }

  // The next row after the header; empty lines are skipped (pandas'
  // skip_blank_lines).
  bool NextRowLine(std::string_view* line) {
    while (NextLine(line)) {
      if (!line->empty()) return true;
    }
    return false;
  }

  std::string Where(size_t column) const {
    std::string s(file_);
    s += ':' + std::to_string(line_no_);
    if (column > 0) s += ':' + std::to_string(column);
    return s;
  }

  Status ParseHeader(std::string_view line);
  Status ParseRow(std::string_view line);
  Status ParseValue(ColumnBuilder& col, std::string_view field, size_t column);
  Status FieldCountError(std::string_view line, size_t column) const;

  std::string_view text_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_no_ = 0;
  int header_line_ = 0;
  std::vector<ColumnBuilder> cols_;
};

Status CsvParser::ParseHeader(std::string_view line) {
  header_line_ = line_no_;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    std::string_view raw = line.substr(start, comma == std::string_view::npos ? line.size() - start
                                                                                : comma - start);
    std::string_view name = Trim(raw);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (name.empty()) {
      return Status::InvalidArgument(Where(start + 1) + ": column " +
                                     std::to_string(cols_.size() + 1) +
                                     " has no name in the header; give every column a name");
    }
    for (size_t i = 0; i < cols_.size(); ++i) {
      if (cols_[i].name == name) {
        return Status::InvalidArgument(
            Where(start + 1) + ": column \"" + std::string(name) + "\" appears twice in the header (columns " +
            std::to_string(i + 1) + " and " + std::to_string(cols_.size() + 1) +
            "); rename one of them");
      }
    }
    cols_.push_back(ColumnBuilder{std::string(name)});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

Status CsvParser::FieldCountError(std::string_view line, size_t column) const {
  size_t fields = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
  return Status::InvalidArgument(Where(column) + ": row has " + std::to_string(fields) +
                                 (fields == 1 ? " field" : " fields") + " but the header (line " +
                                 std::to_string(header_line_) + ") has " +
                                 std::to_string(cols_.size()) +
                                 " columns; every row needs one value per column");
}

Status CsvParser::ParseValue(ColumnBuilder& col, std::string_view field, size_t column) {
  std::string_view v = Trim(field);
  if (v.empty()) {
    return Status::InvalidArgument(Where(column) + ": empty value in column \"" + col.name +
                                   "\"; every value must be a number (missing values are not "
                                   "supported)");
  }
  // from_chars rejects a leading '+', which pandas accepts.
  if (v.size() > 1 && v.front() == '+' && v[1] != '-' && v[1] != '+') v.remove_prefix(1);
  const char* b = v.data();
  const char* e = v.data() + v.size();
  if (col.is_int) {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(b, e, i);
    if (ec == std::errc() && p == e) {
      col.ints.push_back(i);
      return Status::Ok();
    }
  }
  double d = 0;
  auto [p, ec] = std::from_chars(b, e, d);
  if (ec == std::errc() && p == e && std::isfinite(d)) {
    if (col.is_int) col.SwitchToDouble();
    col.doubles.push_back(d);
    return Status::Ok();
  }
  if (ec == std::errc() && p == e) {
    return Status::InvalidArgument(Where(column) + ": value " + Quote(Trim(field)) + " in column \"" +
                                   col.name +
                                   "\" is not a finite number; missing and infinite values are "
                                   "not supported");
  }
  if (ec == std::errc::result_out_of_range && p == e) {
    return Status::InvalidArgument(Where(column) + ": value " + Quote(Trim(field)) + " in column \"" +
                                   col.name + "\" is out of the range of a double");
  }
  return Status::InvalidArgument(Where(column) + ": value " + Quote(Trim(field)) + " in column \"" +
                                 col.name +
                                 "\" is not a number; write an integer or a decimal number such "
                                 "as 42, -3.5 or 1e6");
}

Status CsvParser::ParseRow(std::string_view line) {
  const char* base = line.data();
  const char* end = line.data() + line.size();
  const char* p = base;
  for (size_t c = 0; c < cols_.size(); ++c) {
    const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<size_t>(end - p)));
    const char* field_end = comma ? comma : end;
    if (!comma && c + 1 < cols_.size()) {
      return FieldCountError(line, line.size() + 1);
    }
    if (comma && c + 1 == cols_.size()) {
      return FieldCountError(line, static_cast<size_t>(comma - base) + 2);
    }
    SLUICE_RETURN_IF_ERROR(ParseValue(cols_[c], std::string_view(p, static_cast<size_t>(field_end - p)),
                                      static_cast<size_t>(p - base) + 1));
    p = field_end + 1;
  }
  return Status::Ok();
}

size_t CsvParser::LineOfRow(size_t row) {
  std::string_view line;
  if (!NextHeaderLine(&line)) return 0;
  for (size_t seen = 0; NextRowLine(&line); ++seen) {
    if (seen == row) return static_cast<size_t>(line_no_);
  }
  return 0;
}

Result<Dataset> CsvParser::Run(std::span<const std::string> required) {
  std::string_view line;
  if (!NextHeaderLine(&line)) {
    return Status::InvalidArgument(std::string(file_) +
                                   ": the file is empty; a dataset needs a header row of column "
                                   "names and at least one row of values");
  }
  SLUICE_RETURN_IF_ERROR(ParseHeader(line));
  for (const std::string& name : required) {
    bool found = std::any_of(cols_.begin(), cols_.end(),
                             [&](const ColumnBuilder& c) { return c.name == name; });
    if (!found) {
      std::vector<std::string> names;
      for (const ColumnBuilder& c : cols_) names.push_back(c.name);
      return Status::InvalidArgument(std::string(file_) + ":" + std::to_string(header_line_) +
                                     ": missing required column \"" + name +
                                     "\" (the header has: " + JoinNames(names) +
                                     "); add the column or check its spelling");
    }
  }

  // One line per row is the common case: reserve that much up front.
  size_t expected_rows =
      static_cast<size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_), text_.end(), '\n')) + 1;
  for (ColumnBuilder& c : cols_) c.ints.reserve(expected_rows);

  size_t rows = 0;
  while (NextRowLine(&line)) {
    SLUICE_RETURN_IF_ERROR(ParseRow(line));
    ++rows;
  }
  if (rows == 0) {
    return Status::InvalidArgument(std::string(file_) + ":" + std::to_string(header_line_) +
                                   ": the file has a header but no rows of values; add at least "
                                   "one row");
  }

  std::vector<Column> columns;
  columns.reserve(cols_.size());
  for (ColumnBuilder& c : cols_) {
    columns.push_back(c.is_int ? Column::Int64(std::move(c.name), std::move(c.ints))
                               : Column::Double(std::move(c.name), std::move(c.doubles)));
  }
  return Dataset::FromColumns(std::move(columns));
}

}  // namespace

Result<Dataset> Dataset::Parse(std::string_view text, std::string_view file_name,
                               std::span<const std::string> required_columns) {
  return CsvParser(text, file_name).Run(required_columns);
}

size_t CsvLineOfRow(std::string_view text, size_t row) {
  return CsvParser(text, "").LineOfRow(row);
}

Result<Dataset> Dataset::Load(const std::filesystem::path& path,
                              std::span<const std::string> required_columns) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(text, path.string(), required_columns);
}

}  // namespace sluice::ml
