// Parses every module, query and input_term of OPA's conformance suite:
// the v0/ tree as Rego v0 and the v1/ tree as Rego v1, as OPA's harness does.
// No case in the suite expects a parse error, so every text must parse.
// The suite lives outside the project (../shared/conformance/opa, or
// $SLUICE_OPA_CONFORMANCE_DIR); without it the tests are skipped.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "policy/parser.h"

namespace sluice::policy {
namespace {

namespace fs = std::filesystem;

fs::path ConformanceDir() {
  if (const char* env = std::getenv("SLUICE_OPA_CONFORMANCE_DIR")) return env;
  return fs::path(SLUICE_SOURCE_DIR) / ".." / "shared" / "conformance" / "opa";
}

struct Text {
  std::string where;  // file and note
  std::string name;   // test-0.rego, query, input_term
  std::string text;
  bool experimental = false;
};

// Every text of one tree, in a stable order.
std::vector<Text> LoadTree(const fs::path& tree, int* files, int* cases) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(tree)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Text> texts;
  for (const fs::path& path : paths) {
    ++*files;
    YAML::Node doc = YAML::LoadFile(path.string());
    for (const YAML::Node& c : doc["cases"]) {
      ++*cases;
      std::string where =
          fs::relative(path, tree).string() + " [" + c["note"].as<std::string>("?") + "]";
      bool experimental = c["experimental_keywords"].as<bool>(false);
      int i = 0;
      for (const YAML::Node& m : c["modules"]) {
        texts.push_back(
            {where, "test-" + std::to_string(i++) + ".rego", m.as<std::string>(), experimental});
      }
      if (c["query"]) texts.push_back({where, "query", c["query"].as<std::string>(), experimental});
      if (c["input_term"]) {
        texts.push_back({where, "input_term", c["input_term"].as<std::string>(), experimental});
      }
    }
  }
  return texts;
}

struct Tally {
  int modules = 0;
  int queries = 0;
  int terms = 0;
  std::vector<std::string> failures;
};

Tally ParseAll(const std::vector<Text>& texts, ast::Dialect dialect,
               const std::vector<std::string>& future_keywords = {}) {
  Tally tally;
  for (const Text& t : texts) {
    ParseOptions options;
    options.dialect = dialect;
    options.experimental_keywords = t.experimental;
    options.future_keywords = future_keywords;
    Status status;
    if (t.name == "query") {
      ++tally.queries;
      status = ParseQuery(t.name, t.text, options).status();
    } else if (t.name == "input_term") {
      ++tally.terms;
      status = ParseTerm(t.name, t.text, options).status();
    } else {
      ++tally.modules;
      status = ParseModule(t.name, t.text, options).status();
    }
    if (!status.ok()) tally.failures.push_back(t.where + "\n" + status.message());
  }
  return tally;
}

class ParserConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ConformanceDir();
    if (!fs::is_directory(dir_ / "v0") || !fs::is_directory(dir_ / "v1")) {
      GTEST_SKIP() << "OPA conformance cases not found at " << dir_
                   << " (set SLUICE_OPA_CONFORMANCE_DIR)";
    }
  }
  fs::path dir_;
};

void Report(const char* tree, int files, int cases, const Tally& tally) {
  int total = tally.modules + tally.queries + tally.terms;
  std::cout << "[ conformance ] " << tree << ": " << files << " files, " << cases
            << " cases; parsed " << (total - static_cast<int>(tally.failures.size())) << "/"
            << total << " (" << tally.modules << " modules, " << tally.queries << " queries, "
            << tally.terms << " input terms)\n";
  for (size_t i = 0; i < tally.failures.size() && i < 20; ++i) {
    ADD_FAILURE() << tree << ": " << tally.failures[i];
  }
  EXPECT_EQ(tally.failures.size(), 0u) << tree;
}

TEST_F(ParserConformanceTest, ParsesEveryV0CaseAsV0) {
  int files = 0, cases = 0;
  std::vector<Text> texts = LoadTree(dir_ / "v0", &files, &cases);
  Report("v0", files, cases, ParseAll(texts, ast::Dialect::kV0));
}

TEST_F(ParserConformanceTest, ParsesEveryV1CaseAsV1) {
  int files = 0, cases = 0;
  std::vector<Text> texts = LoadTree(dir_ / "v1", &files, &cases);
  Report("v1", files, cases, ParseAll(texts, ast::Dialect::kV1));
}

// OPA runs the suite again with the `not` future keyword on; here that also
// turns on `not { ... }` blocks, which must not change what parses.
TEST_F(ParserConformanceTest, ParsesEveryV1CaseWithFutureNot) {
  int files = 0, cases = 0;
  std::vector<Text> texts = LoadTree(dir_ / "v1", &files, &cases);
  Report("v1 + future.keywords.not", files, cases, ParseAll(texts, ast::Dialect::kV1, {"not"}));
}

// kAuto must read every v1 module as v1, and every v0 module either as v0
// or, when it also parses as v1, with exactly the same rules.
TEST_F(ParserConformanceTest, AutoDialectAgreesWithTheTree) {
  for (const char* tree : {"v0", "v1"}) {
    int files = 0, cases = 0;
    std::vector<Text> texts = LoadTree(dir_ / tree, &files, &cases);
    ast::Dialect want = std::string(tree) == "v0" ? ast::Dialect::kV0 : ast::Dialect::kV1;
    int as_v0 = 0, as_v1 = 0, mismatches = 0;
    for (const Text& t : texts) {
      if (t.name == "query" || t.name == "input_term") continue;
      ParseOptions options;
      options.experimental_keywords = t.experimental;
      Result<ast::Module> automatic = ParseModule(t.name, t.text, options);
      options.dialect = want;
      Result<ast::Module> explicit_dialect = ParseModule(t.name, t.text, options);
      ASSERT_TRUE(automatic.ok()) << t.where << "\n" << automatic.status().message();
      ASSERT_TRUE(explicit_dialect.ok()) << t.where;
      (automatic->dialect == ast::Dialect::kV0 ? as_v0 : as_v1)++;
      if (want == ast::Dialect::kV1) {
        EXPECT_EQ(automatic->dialect, ast::Dialect::kV1) << t.where;
      }
      ASSERT_EQ(automatic->rules.size(), explicit_dialect->rules.size()) << t.where;
      for (size_t i = 0; i < automatic->rules.size(); ++i) {
        const ast::Rule& a = automatic->rules[i];
        const ast::Rule& b = explicit_dialect->rules[i];
        if (ast::ToString(a) != ast::ToString(b) || a.head.kind != b.head.kind) {
          ++mismatches;
          ADD_FAILURE() << t.where << ": " << ast::ToString(a) << " vs " << ast::ToString(b);
        }
      }
    }
    std::cout << "[ conformance ] " << tree << " modules with dialect auto: " << as_v0
              << " read as v0, " << as_v1 << " as v1, " << mismatches << " differ\n";
  }
}

}  // namespace
}  // namespace sluice::policy
