// Reading conformance case files into Cases (conformance.h).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "common/files.h"
#include "policy/conformance.h"
#include "policy/term_value.h"
#include "policy/yaml_value.h"

namespace sluice::policy::conformance {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

int LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  YAML::Mark mark = node.Mark();
  return mark.is_null() || mark.line < 0 ? 0 : mark.line + 1;
}

std::string Where(std::string_view file, const YAML::Node& node) {
  int line = LineOf(node);
  return std::string(file) + (line > 0 ? ":" + std::to_string(line) : "");
}

// The category of a case we know nothing about: its directory's name.
std::string DirectoryCategory(std::string_view relative) {
  std::vector<std::string_view> parts = SplitPath(relative);
  if (parts.size() >= 2) return std::string(parts[parts.size() - 2]);
  return parts.empty() ? std::string() : std::string(parts.back());
}

// The note of a case that has none: "<directory>/<file name>[ suffix]", so
// it reads like a note of the directory's category.
std::string FileNote(std::string_view relative, const std::string& suffix = "") {
  std::vector<std::string_view> parts = SplitPath(relative);
  std::string name = parts.empty() ? std::string(relative) : std::string(parts.back());
  std::string dir = parts.size() >= 2 ? std::string(parts[parts.size() - 2]) + "/" : "";
  return dir + name + suffix;
}

// A failing stand-in for a file (or an entry) that yields no case.
void AddBrokenFile(Suite* suite, std::string_view relative, std::string note, std::string error,
                   int line = 0) {
  TreeInfo tree = TreeOf(suite->root, relative);
  Case c;
  c.file = std::string(relative);
  c.line = line;
  c.tree = tree.tree;
  c.dialect = tree.dialect;
  c.category = DirectoryCategory(relative);
  c.note = std::move(note);
  c.load_error = std::move(error);
  suite->cases.push_back(std::move(c));
}

// Reads the fields of one case mapping. The first problem found becomes
// load_error (later fields are still read, so the case shows its note).
class CaseReader {
 public:
  CaseReader(std::string_view file, Case* c, std::vector<std::string>* warnings)
      : file_(file), case_(c), warnings_(warnings) {}

  void Read(const YAML::Node& node) {
    for (const auto& kv : node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      const YAML::Node& value = kv.second;
      if (value.IsNull()) {
        // Absent, as for OPA's pointer fields; a null note or query is "".
        if (!IsKnown(key)) Unknown(kv.first, key);
        continue;
      }
      if (key == "note") {
        String(value, key, &case_->note);
      } else if (key == "query") {
        String(value, key, &case_->query);
      } else if (key == "modules") {
        Modules(value);
      } else if (key == "data") {
        Data(value);
      } else if (key == "input") {
        if (!input_from_term_) Convert(value, &case_->input);
      } else if (key == "input_term") {
        InputTerm(value);
      } else if (key == "want_result") {
        WantResult(value);
      } else if (key == "want_error_code") {
        String(value, key, &case_->want_error_code.emplace());
      } else if (key == "want_error") {
        String(value, key, &case_->want_error.emplace());
      } else if (key == "want_defined") {
        Bool(value, key, &case_->want_defined.emplace());
      } else if (key == "strict_error") {
        Bool(value, key, &case_->strict_error);
      } else if (key == "sort_bindings") {
        Bool(value, key, &case_->sort_bindings);
      } else if (key == "ignore_generated_vars") {
        Bool(value, key, &case_->ignore_generated_vars);
      } else if (key == "experimental_keywords") {
        Bool(value, key, &case_->experimental_keywords);
      } else if (key == "env") {
        Fail(value, "env is not supported: cases run inside this process");
      } else {
        Unknown(kv.first, key);
      }
    }
  }

 private:
  static bool IsKnown(std::string_view key) {
    for (std::string_view k :
         {"note", "query", "modules", "data", "input", "input_term", "want_result",
          "want_error_code", "want_error", "want_defined", "strict_error", "sort_bindings",
          "ignore_generated_vars", "experimental_keywords", "env"}) {
      if (key == k) return true;
    }
    return false;
  }

  void Fail(const YAML::Node& node, const std::string& message) {
    if (case_->load_error.empty()) case_->load_error = Where(file_, node) + ": " + message;
  }
  void FailStatus(const Status& status) {
    if (case_->load_error.empty()) case_->load_error = status.message();
  }

  void Unknown(const YAML::Node& key_node, const std::string& key) {
    warnings_->push_back(Where(file_, key_node) + ": unknown field `" + key +
                         "` ignored (as OPA's harness ignores it)");
  }

  // Any scalar gives its text, as OPA's YAML-to-JSON step turns a number
  // into a string for a string field.
  void String(const YAML::Node& node, std::string_view key, std::string* out) {
    if (!node.IsScalar()) return Fail(node, std::string(key) + " must be a string");
    *out = node.Scalar();
  }

  void Bool(const YAML::Node& node, std::string_view key, bool* out) {
    Result<Value> v = PlainScalarToValue(node.IsScalar() ? node.Scalar() : "");
    if (!node.IsScalar() || node.Tag() != "?" || !v.ok() || !v->IsBoolean()) {
      return Fail(node, std::string(key) + " must be true or false");
    }
    *out = v->AsBool();
  }

  void Convert(const YAML::Node& node, std::optional<Value>* out) {
    Result<Value> v = YamlToValue(node, file_);
    if (!v.ok()) return FailStatus(v.status());
    *out = std::move(v).value();
  }

  void Modules(const YAML::Node& node) {
    if (!node.IsSequence()) return Fail(node, "modules must be a list of strings");
    for (const YAML::Node& m : node) {
      if (!m.IsScalar()) return Fail(m, "modules must be a list of strings");
      case_->modules.push_back(m.Scalar());
    }
  }

  void Data(const YAML::Node& node) {
    if (!node.IsMap()) return Fail(node, "data must be a mapping");
    Convert(node, &case_->data);
  }

  void InputTerm(const YAML::Node& node) {
    if (!node.IsScalar()) return Fail(node, "input_term must be a string (a Rego term)");
    Result<Value> v = ParseGroundTerm(node.Scalar(), "input_term");
    if (!v.ok()) return Fail(node, "input_term: " + v.status().message());
    case_->input = std::move(v).value();
    input_from_term_ = true;
  }

  void WantResult(const YAML::Node& node) {
    if (!node.IsSequence()) return Fail(node, "want_result must be a list of mappings");
    std::vector<Value>& rows = case_->want_result.emplace();
    for (const YAML::Node& row : node) {
      if (row.IsNull()) {
        rows.push_back(Value::Object({}));
        continue;
      }
      if (!row.IsMap()) return Fail(row, "each want_result row must be a mapping");
      Result<Value> v = YamlToValue(row, file_);
      if (!v.ok()) return FailStatus(v.status());
      rows.push_back(std::move(v).value());
    }
  }

  std::string_view file_;
  Case* case_;
  std::vector<std::string>* warnings_;
  bool input_from_term_ = false;  // input_term replaces input, in any order
};

std::string CategoryOf(const std::string& note) { return note.substr(0, note.find('/')); }

}  // namespace

TreeInfo TreeOf(const fs::path& root, std::string_view relative) {
  auto dialect_of = [](std::string_view tree) {
    return tree == "v1" ? ast::Dialect::kV1 : ast::Dialect::kV0;
  };
  std::vector<std::string_view> parts = SplitPath(relative);
  // The deepest v0/v1 directory decides, so a root above OPA's
  // v1/test/cases/testdata still finds the trees below it.
  for (size_t i = parts.size(); i-- > 1;) {
    std::string_view dir = parts[i - 1];
    if (dir == "v0" || dir == "v1") return {std::string(dir), dialect_of(dir)};
  }
  std::string root_text = root.lexically_normal().generic_string();
  std::vector<std::string_view> root_parts = SplitPath(root_text);
  for (size_t i = root_parts.size(); i-- > 0;) {
    if (root_parts[i] == "v0" || root_parts[i] == "v1") {
      return {std::string(root_parts[i]), dialect_of(root_parts[i])};
    }
  }
  if (parts.size() >= 2) return {std::string(parts[0]), ast::Dialect::kV0};
  return {root_parts.empty() ? std::string(".") : std::string(root_parts.back()),
          ast::Dialect::kV0};
}

void LoadCaseFile(std::string_view text, std::string_view relative, Suite* suite) {
  std::string file(relative);
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where = file;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return AddBrokenFile(suite, relative, FileNote(file), where + ": invalid YAML: " + e.msg);
  }
  if (!doc.IsMap()) {
    return AddBrokenFile(suite, relative, FileNote(file), file + ": not a mapping with `cases:`");
  }
  // std::optional: a default YAML::Node is a defined null, not "absent".
  std::optional<YAML::Node> cases;
  for (const auto& kv : doc) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key == "cases") {
      cases.emplace(kv.second);
    } else {
      suite->warnings.push_back(Where(file, kv.first) + ": unknown top-level field `" + key +
                                "` ignored");
    }
  }
  if (!cases) return AddBrokenFile(suite, relative, FileNote(file), file + ": no `cases:` list");
  if (cases->IsNull()) {
    suite->warnings.push_back(Where(file, *cases) + ": `cases:` is empty");
    return;
  }
  if (!cases->IsSequence()) {
    return AddBrokenFile(suite, relative, FileNote(file),
                         Where(file, *cases) + ": `cases:` must be a list", LineOf(*cases));
  }
  TreeInfo tree = TreeOf(suite->root, relative);
  int index = 0;
  for (const YAML::Node& entry : *cases) {
    ++index;
    if (!entry.IsMap()) {
      AddBrokenFile(suite, relative, FileNote(file, " case " + std::to_string(index)),
                    Where(file, entry) + ": a case must be a mapping", LineOf(entry));
      continue;
    }
    Case c;
    c.file = file;
    c.line = LineOf(entry);
    c.tree = tree.tree;
    c.dialect = tree.dialect;
    CaseReader(file, &c, &suite->warnings).Read(entry);
    if (c.note.empty()) {
      c.note = FileNote(file, " case " + std::to_string(index));
      c.category = DirectoryCategory(relative);
    } else {
      c.category = CategoryOf(c.note);
    }
    suite->cases.push_back(std::move(c));
  }
}

Result<Suite> LoadSuite(const fs::path& root) {
  std::error_code ec;
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::IoError("cannot read " + root.string() + ": " + ec.message());
    }
    return Status::NotFound("no such directory: " + root.string());
  }
  if (!fs::is_directory(status)) {
    return Status::InvalidArgument("not a directory: " + root.string());
  }

  std::vector<std::string> files;
  fs::recursive_directory_iterator it(root, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) {
      files.push_back(fs::relative(it->path(), root, type_ec).generic_string());
    }
  }
  if (ec) return Status::IoError("cannot read " + root.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());

  Suite suite;
  suite.root = root;
  for (const std::string& relative : files) {
    std::string extension = fs::path(relative).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (extension != ".yaml" && extension != ".yml") {
      suite.skipped_files.push_back(relative);
      continue;
    }
    Result<std::string> text = ReadFile(root / relative);
    if (!text.ok()) {
      AddBrokenFile(&suite, relative, FileNote(relative), text.status().message());
      continue;
    }
    LoadCaseFile(*text, relative, &suite);
  }
  return suite;
}

}  // namespace sluice::policy::conformance
