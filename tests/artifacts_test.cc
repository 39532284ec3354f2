// Published artifacts end to end: a CI stage writes the model report to
// /harness/output and S3Upload puts it in the local artifact store; the
// execution lists it (`sluice executions artifacts`, `executions show`).
#include <gtest/gtest.h>

#include <string>

#include "common/files.h"
#include "common/hash.h"
#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// Bytes a text pipeline could mangle: NUL, CR LF, high bytes, no final newline.
constexpr char kReportBytes[] = "<html><body>accuracy 0.93\r\n\0\xff\xfe</body></html>";
const std::string kReport(kReportBytes, sizeof kReportBytes - 1);

// The sample's publisher step: the report's AWS URL, whose object the
// upload stored locally.
const std::string kPublish =
    "- step:\n    type: Plugin\n    name: Publish\n    identifier: publish\n"
    "    spec:\n      connectorRef: account.harnessImage\n"
    "      image: plugins/artifact-metadata-publisher\n      settings:\n"
    "        file_urls: https://mlops-reports.s3.us-east-1.amazonaws.com/harness/output/"
    "model_metrics.html\n";

void WriteProject(const TestProject& p, const std::string& source_path) {
  p.Write("report.html", kReport);
  p.Write(".harness/connectors/aws.yaml",
          "connector:\n  identifier: aws\n  name: aws\n  type: Aws\n  spec:\n"
          "    credential:\n      type: InheritFromDelegate\n");
  const std::string upload =
      "- step:\n    type: S3Upload\n    name: Upload artifacts to S3\n    identifier: upload\n"
      "    spec:\n      connectorRef: aws\n      region: us-east-1\n      bucket: mlops-reports\n"
      "      sourcePath: " +
      source_path + "\n";
  p.WritePipeline(Pipeline(
      "report", {CiStage("Train",
                         {RunStep("write_report", "mkdir -p /harness/output\ncp " +
                                                      (p.root() / "report.html").string() +
                                                      " /harness/output/model_metrics.html"),
                          upload, kPublish},
                         {.spec = "sharedPaths:\n  - /harness/output"})}));
}

TEST(ArtifactsTest, S3UploadPutsTheReportInTheLocalStoreAndTheExecutionListsIt) {
  TestProject p;
  WriteProject(p, "/harness/output/model_metrics.html");
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  ASSERT_EQ(raw.exit_code, 0) << raw.err << raw.out;
  EXPECT_EQ(StatusOf(ex, "Train.upload"), "Success");
  const std::string id = ex["id"];

  const auto stored = p.state() / "artifacts/mlops-reports/harness/output/model_metrics.html";
  auto bytes = ReadFile(stored);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, kReport);
  const std::string url = "file://" + stored.string();

  ASSERT_TRUE(ex["artifacts"].is_array()) << ex.dump(2);
  ASSERT_EQ(ex["artifacts"].size(), 2u);

  RunResult table = p.Sluice({"executions", "artifacts", id});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("STEP"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Train.upload   model_metrics.html"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(std::to_string(kReport.size()) + " B"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("text/html; charset=utf-8"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(url), std::string::npos) << table.out;

  nlohmann::json listed = p.Sluice({"executions", "artifacts", id.substr(0, 8), "--json"}).Json();
  ASSERT_TRUE(listed.is_array());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["step"], "Train.upload");
  EXPECT_EQ(listed[0]["attempt"], 0);
  EXPECT_EQ(listed[0]["name"], "model_metrics.html");
  EXPECT_EQ(listed[0]["url"], url);
  EXPECT_EQ(listed[0]["size"], kReport.size());
  EXPECT_EQ(listed[0]["sha256"], Sha256Hex(kReport));
  EXPECT_EQ(listed[0]["contentType"], "text/html; charset=utf-8");
  EXPECT_EQ(listed[0]["bucket"], "mlops-reports");
  EXPECT_EQ(listed[0]["key"], "harness/output/model_metrics.html");
  // The published AWS URL names that object: its size and digest are known.
  EXPECT_EQ(listed[1]["step"], "Train.publish");
  EXPECT_EQ(listed[1]["url"],
            "https://mlops-reports.s3.us-east-1.amazonaws.com/harness/output/model_metrics.html");
  EXPECT_EQ(listed[1]["size"], kReport.size());
  EXPECT_EQ(listed[1]["sha256"], Sha256Hex(kReport));
  EXPECT_EQ(listed[1]["key"], "harness/output/model_metrics.html");

  RunResult show = p.Sluice({"executions", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("Artifacts:\n  Train.upload  model_metrics.html (" +
                          std::to_string(kReport.size()) + " B)  " + url),
            std::string::npos)
      << show.out;
  RunResult logs = p.Sluice({"executions", "logs", id, "--step", "Train.upload"});
  EXPECT_NE(
      logs.out.find("Uploading 1 file to " + (p.state() / "artifacts/mlops-reports").string()),
      std::string::npos)
      << logs.out;
  EXPECT_NE(logs.out.find("-> harness/output/model_metrics.html (" +
                          std::to_string(kReport.size()) + " bytes"),
            std::string::npos)
      << logs.out;
}

TEST(ArtifactsTest, UnmatchedSourcePathFailsTheStepNamingThePattern) {
  TestProject p;
  WriteProject(p, "/harness/output/*.pdf");
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_NE(raw.exit_code, 0);
  const nlohmann::json& step = FindStep(ex, "Train.upload");
  EXPECT_EQ(step["status"], "Failed");
  EXPECT_NE(step.value("failureMessage", "")
                .find("spec.sourcePath \"/harness/output/*.pdf\" matches no file"),
            std::string::npos)
      << step.dump(2);
  RunResult none = p.Sluice({"executions", "artifacts", ex["id"]});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "execution " + ex["id"].get<std::string>() +
                          " published no artifacts (S3Upload steps publish what they upload)\n");
}

TEST(ArtifactsTest, UnknownExecutionIsTheErrorShowGives) {
  TestProject p;
  RunResult artifacts = p.Sluice({"executions", "artifacts", "zzzzzzzz"});
  RunResult show = p.Sluice({"executions", "show", "zzzzzzzz"});
  EXPECT_EQ(artifacts.exit_code, 2);
  EXPECT_EQ(artifacts.exit_code, show.exit_code);
  EXPECT_EQ(artifacts.err, show.err);
  EXPECT_EQ(artifacts.err.rfind("sluice: ", 0), 0u) << artifacts.err;
}

TEST(ArtifactsTest, ValidateReportsAMissingSourcePathAtTheStep) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "v",
      {CiStage("Train",
               {"- step:\n    type: S3Upload\n    name: up\n    identifier: up\n    spec:\n"
                "      connectorRef: aws\n      region: us-east-1\n      bucket: reports\n"})}));
  RunResult v = p.Sluice({"validate"});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_EQ(v.err.rfind(".harness/pipelines/pipeline.yaml:", 0), 0u) << v.err;
  EXPECT_NE(v.err.find(": error: S3Upload step spec is missing required field \"sourcePath\""),
            std::string::npos)
      << v.err;
}

}  // namespace
}  // namespace sluice::testing
