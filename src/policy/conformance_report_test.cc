#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "policy/conformance.h"

namespace sluice::policy::conformance {
namespace {

Report SampleReport() {
  Report r;
  r.total = {3, 2};
  r.trees["v0"] = {1, 0};
  r.trees["v1"] = {2, 2};
  r.categories["v0"]["aggregates"] = {1, 0};
  r.categories["v1"]["aggregates"] = {2, 1};
  r.categories["v1"]["withkeyword"] = {0, 1};
  r.failures.push_back({"v1", "aggregates", "aggregates/sum", "v1/aggregates/t.yaml", 3,
                        R"(rows [{"x":6}])", "error unimplemented: not yet"});
  r.failures.push_back({"v1", "withkeyword", "withkeyword/x", "v1/withkeyword/t.yaml", 0,
                        "undefined (no rows)", "not run: line one\nline two"});
  return r;
}

TEST(ConformanceReportTest, OneLinePerCategoryThenTreesThenTheTotal) {
  EXPECT_EQ(FormatReport(SampleReport(), false),
            "v0/aggregates   1 passed, 0 failed\n"
            "v1/aggregates   2 passed, 1 failed\n"
            "v1/withkeyword  0 passed, 1 failed\n"
            "v0 total        1 passed, 0 failed (100.00%)\n"
            "v1 total        2 passed, 2 failed (50.00%)\n"
            "3 passed, 2 failed\n");
}

TEST(ConformanceReportTest, VerboseListsFailuresFirst) {
  std::string text = FormatReport(SampleReport(), true);
  EXPECT_EQ(text.substr(0, text.find("v0/aggregates ")),
            "FAIL v1/aggregates/sum (v1/aggregates/t.yaml:3)\n"
            "  expected: rows [{\"x\":6}]\n"
            "  got:      error unimplemented: not yet\n"
            "FAIL v1/withkeyword/x (v1/withkeyword/t.yaml)\n"
            "  expected: undefined (no rows)\n"
            "  got:      not run: line one\n"
            "            line two\n"
            "\n");
  EXPECT_TRUE(text.ends_with("\n3 passed, 2 failed\n"));
}

TEST(ConformanceReportTest, AnEmptyRunStillEndsWithTheTotal) {
  EXPECT_EQ(FormatReport(Report{}, true), "0 passed, 0 failed\n");
}

TEST(ConformanceReportTest, JsonSummaryIsVersionedAndComplete) {
  nlohmann::json doc = nlohmann::json::parse(ReportJson(SampleReport()));
  EXPECT_EQ(doc["format"], "sluice-policy-conformance");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["passed"], 3);
  EXPECT_EQ(doc["failed"], 2);
  EXPECT_EQ(doc["trees"]["v1"]["passed"], 2);
  EXPECT_EQ(doc["trees"]["v1"]["failed"], 2);
  EXPECT_DOUBLE_EQ(doc["trees"]["v1"]["pass_rate"].get<double>(), 0.5);
  EXPECT_EQ(doc["trees"]["v1"]["categories"]["withkeyword"]["failed"], 1);
  EXPECT_EQ(doc["trees"]["v0"]["categories"]["aggregates"]["passed"], 1);
  ASSERT_EQ(doc["failures"].size(), 2u);
  EXPECT_EQ(doc["failures"][0]["note"], "aggregates/sum");
  EXPECT_EQ(doc["failures"][0]["tree"], "v1");
  EXPECT_EQ(doc["failures"][0]["file"], "v1/aggregates/t.yaml");
  EXPECT_EQ(doc["failures"][0]["line"], 3);
  EXPECT_EQ(doc["failures"][1]["got"], "not run: line one\nline two");
}

TEST(ConformanceReportTest, PassRateLists) {
  Result<PassRates> rates = ParsePassRates("v0=0.9, v1 = 95%");
  ASSERT_TRUE(rates.ok()) << rates.status().message();
  EXPECT_DOUBLE_EQ((*rates)["v0"], 0.9);
  EXPECT_DOUBLE_EQ((*rates)["v1"], 0.95);
  EXPECT_EQ(ParsePassRates("v1").status().message(), "\"v1\" is not TREE=RATE (e.g. v1=0.9)");
  EXPECT_EQ(ParsePassRates("v1=90").status().message(),
            "pass rate 90 is outside 0..1 (write a percentage with %, e.g. 90%)");
  EXPECT_EQ(ParsePassRates("v1=abc").status().message(),
            "\"abc\" is not a pass rate (a fraction like 0.9, or 90%)");
  EXPECT_EQ(ParsePassRates("=0.5").status().message(), "missing tree name before the pass rate");
  EXPECT_FALSE(ParsePassRates("").ok());
  EXPECT_FALSE(ParsePassRates("v1=101%").ok());
  EXPECT_FALSE(ParsePassRates("v1=-0.1").ok());
}

TEST(ConformanceReportTest, BaselineFiles) {
  Result<PassRates> rates = ParseBaseline(
      "# minimum pass rates\n\nv0 0.25   # raise me\nv1=50%\n  extra = 1\n", "baseline.txt");
  ASSERT_TRUE(rates.ok()) << rates.status().message();
  EXPECT_DOUBLE_EQ((*rates)["v0"], 0.25);
  EXPECT_DOUBLE_EQ((*rates)["v1"], 0.5);
  EXPECT_DOUBLE_EQ((*rates)["extra"], 1.0);

  EXPECT_EQ(ParseBaseline("v0 0.1\nv1\n", "b.txt").status().message(),
            "b.txt:2: \"v1\" is not TREE RATE (e.g. v1 0.9)");
  EXPECT_EQ(ParseBaseline("v1 2\n", "b.txt").status().message(),
            "b.txt:1: pass rate 2 is outside 0..1 (write a percentage with %, e.g. 2%)");
  EXPECT_EQ(ParseBaseline("# nothing\n", "b.txt").status().message(), "b.txt: no TREE RATE lines");
}

TEST(ConformanceReportTest, AJsonSummaryIsABaseline) {
  Result<PassRates> rates = ParseBaseline(ReportJson(SampleReport()), "last.json");
  ASSERT_TRUE(rates.ok()) << rates.status().message();
  EXPECT_DOUBLE_EQ((*rates)["v0"], 1.0);
  EXPECT_DOUBLE_EQ((*rates)["v1"], 0.5);
  EXPECT_TRUE(CheckPassRates(SampleReport(), *rates).empty());

  EXPECT_EQ(ParseBaseline(R"({"format": "other"})", "x.json").status().message(),
            "x.json: not a conformance summary (sluice-policy-conformance JSON) nor TREE RATE "
            "lines");
  EXPECT_EQ(ParseBaseline(R"({"format": "sluice-policy-conformance", "version": 9, "trees": {}})",
                          "x.json")
                .status()
                .message(),
            "x.json: summary version 9 is not supported (want 1)");
}

TEST(ConformanceReportTest, CheckPassRatesNamesEveryTreeBelowItsMinimum) {
  Report r = SampleReport();
  EXPECT_TRUE(CheckPassRates(r, {{"v0", 1.0}, {"v1", 0.5}}).empty());
  EXPECT_TRUE(CheckPassRates(r, {}).empty());
  EXPECT_EQ(
      CheckPassRates(r, {{"v1", 0.51}}),
      (std::vector<std::string>{"v1: pass rate 50.00% (2 of 4) is below the minimum 51.00%"}));
  EXPECT_EQ(CheckPassRates(r, {{"v2", 0.0}}),
            (std::vector<std::string>{"v2: no cases found (minimum pass rate 0.00%)"}));
}

}  // namespace
}  // namespace sluice::policy::conformance
