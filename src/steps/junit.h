// JUnit XML test reports (the `reports: {type: JUnit}` of Run steps).
//
// Accepts the common dialects: a <testsuites> root or a single <testsuite>,
// nested suites, <testcase> with <failure>, <error> or <skipped> children
// (pytest, JUnit/Surefire, GoogleTest, go-junit-report all write these).
// Counts come from the test cases themselves, not from the suite attributes,
// which tools often get wrong.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::steps {

struct TestCaseResult {
  std::string suite;
  std::string classname;
  std::string name;
  std::string outcome;  // passed | failed | error | skipped
  double seconds = 0;
  std::string message;  // failure/error/skip message (first line of text when no attribute)
};

struct TestReport {
  int total = 0;
  int failed = 0;  // failures and errors
  int skipped = 0;
  double seconds = 0;
  std::vector<TestCaseResult> cases;
  std::vector<std::string> files;

  void Merge(const TestReport& other);
  // {"total","passed","failed","skipped","seconds","files","failures":[...]}; at most
  // `max_cases` failed cases are listed.
  nlohmann::json ToJson(size_t max_cases = 50) const;
};

// Parses one report; errors name the file and what is wrong with it.
Result<TestReport> ParseJUnit(std::string_view xml, const std::string& file_name);

}  // namespace sluice::steps
