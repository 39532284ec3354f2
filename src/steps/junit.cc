#include "steps/junit.h"

#include <pugixml.hpp>

#include <cstdlib>

namespace sluice::steps {
namespace {

std::string FirstLine(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  size_t end = text.find('\n', start);
  return std::string(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

void Walk(const pugi::xml_node& suite, const std::string& suite_name, TestReport* report) {
  for (pugi::xml_node child : suite.children()) {
    std::string tag = child.name();
    if (tag == "testsuite") {
      Walk(child, child.attribute("name").as_string(), report);
      continue;
    }
    if (tag != "testcase") continue;
    TestCaseResult c;
    c.suite = suite_name;
    c.classname = child.attribute("classname").as_string();
    c.name = child.attribute("name").as_string();
    c.seconds = std::strtod(child.attribute("time").as_string("0"), nullptr);
    c.outcome = "passed";
    for (const char* kind : {"failure", "error", "skipped"}) {
      pugi::xml_node n = child.child(kind);
      if (!n) continue;
      c.outcome = std::string(kind) == "failure" ? "failed" : kind;
      c.message = n.attribute("message").as_string();
      if (c.message.empty()) c.message = FirstLine(n.text().as_string());
      break;
    }
    ++report->total;
    if (c.outcome == "failed" || c.outcome == "error") ++report->failed;
    if (c.outcome == "skipped") ++report->skipped;
    report->seconds += c.seconds;
    report->cases.push_back(std::move(c));
  }
}

}  // namespace

void TestReport::Merge(const TestReport& other) {
  total += other.total;
  failed += other.failed;
  skipped += other.skipped;
  seconds += other.seconds;
  cases.insert(cases.end(), other.cases.begin(), other.cases.end());
  files.insert(files.end(), other.files.begin(), other.files.end());
}

nlohmann::json TestReport::ToJson(size_t max_cases) const {
  nlohmann::json failures = nlohmann::json::array();
  for (const TestCaseResult& c : cases) {
    if (c.outcome != "failed" && c.outcome != "error") continue;
    if (failures.size() >= max_cases) break;
    failures.push_back({{"suite", c.suite}, {"class", c.classname}, {"name", c.name},
                        {"outcome", c.outcome}, {"message", c.message}});
  }
  return {{"total", total},     {"passed", total - failed - skipped},
          {"failed", failed},   {"skipped", skipped},
          {"seconds", seconds}, {"files", files},
          {"failures", failures}};
}

Result<TestReport> ParseJUnit(std::string_view xml, const std::string& file_name) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status::InvalidArgument(file_name + ": not a valid JUnit XML report: " +
                                   parsed.description() + " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.document_element();
  std::string tag = root.name();
  if (tag != "testsuites" && tag != "testsuite") {
    return Status::InvalidArgument(file_name + ": not a JUnit report (root element is <" + tag +
                                   ">, expected <testsuites> or <testsuite>)");
  }
  TestReport report;
  report.files.push_back(file_name);
  if (tag == "testsuite") {
    Walk(doc, "", &report);  // the document node holds the single <testsuite>
  } else {
    Walk(root, root.attribute("name").as_string(), &report);
  }
  return report;
}

}  // namespace sluice::steps
