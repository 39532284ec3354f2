#include "steps/junit.h"

#include <gtest/gtest.h>

namespace sluice::steps {
namespace {

TEST(JUnitTest, CountsFromTestCasesOfPytestReport) {
  const char* xml = R"(<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="0.5">
<testcase classname="test_model" name="test_accuracy" time="0.1"/>
<testcase classname="test_model" name="test_fairness" time="0.2"><failure message="assert 22.1 &lt; 21">long text</failure></testcase>
<testcase classname="test_model" name="test_slow" time="0"><skipped message="slow"/></testcase>
<testcase classname="test_model" name="test_io" time="0.2"><error>IOError: boom
trace</error></testcase>
</testsuite></testsuites>)";
  auto r = ParseJUnit(xml, "report.xml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total, 4);
  EXPECT_EQ(r->failed, 2);
  EXPECT_EQ(r->skipped, 1);
  nlohmann::json j = r->ToJson();
  EXPECT_EQ(j["passed"], 1);
  ASSERT_EQ(j["failures"].size(), 2u);
  EXPECT_EQ(j["failures"][0]["message"], "assert 22.1 < 21");
  EXPECT_EQ(j["failures"][1]["message"], "IOError: boom");
}

TEST(JUnitTest, SingleTestSuiteRootAndNestedSuites) {
  auto r = ParseJUnit(R"(<testsuite name="a"><testsuite name="b"><testcase name="x"/></testsuite>
<testcase name="y"/></testsuite>)", "r.xml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 2);
  EXPECT_EQ(r->cases[0].suite, "b");
}

TEST(JUnitTest, ErrorsNameTheFile) {
  auto bad = ParseJUnit("<testsuite>", "out/r.xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("out/r.xml: not a valid JUnit XML report: ", 0), 0u);
  auto other = ParseJUnit("<html/>", "r.xml");
  EXPECT_EQ(other.status().message(),
            "r.xml: not a JUnit report (root element is <html>, expected <testsuites> or <testsuite>)");
}

}  // namespace
}  // namespace sluice::steps
