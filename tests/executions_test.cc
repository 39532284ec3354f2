// `sluice executions list|show|logs`, the shape of --json, --version and
// exit codes for bad usage.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

TEST(ExecutionsTest, ListShowAndLogs) {
  TestProject p;
  auto none = p.Sluice({"executions", "list"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "no executions yet (start one with `sluice run`)\n");

  p.WritePipeline(Pipeline(
      "basics",
      {CustomStage("S",
                   {ShellStep("hello", "echo hello from the step\necho to stderr >&2",
                              {.spec = "outputVariables:\n  - name: greeting\n    type: String\n"
                                       "    value: g"}),
                    ShellStep("bye", "g=unused\necho bye")})}));
  // The ShellScript above never sets g: the output is empty, not an error.
  auto run = p.Sluice({"run"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  ASSERT_EQ(run.out.rfind("Execution ", 0), 0u) << run.out;
  std::string id = run.out.substr(10, run.out.find(' ', 10) - 10);
  EXPECT_EQ(id.size(), 22u) << id;
  EXPECT_NE(run.out.find("(#1 of basics)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Execution " + id + " (#1 of basics): ✓ Success in "), std::string::npos)
      << run.out;

  auto list = p.Sluice({"executions", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.rfind("ID ", 0), 0u) << list.out;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Success"), std::string::npos) << list.out;

  auto list_json = p.Sluice({"executions", "list", "--json"}).Json();
  ASSERT_TRUE(list_json.is_array());
  ASSERT_EQ(list_json.size(), 1u);
  EXPECT_EQ(list_json[0].value("id", ""), id);
  EXPECT_EQ(list_json[0].value("pipeline", ""), "basics");
  EXPECT_EQ(list_json[0].value("sequenceId", 0), 1);
  EXPECT_EQ(list_json[0].value("status", ""), "Success");

  auto show = p.Sluice({"executions", "show", id});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("✓ hello"), std::string::npos) << show.out;

  // A unique prefix is enough.
  auto shown = p.Sluice({"executions", "show", id.substr(0, 8), "--json"}).Json();
  EXPECT_EQ(shown.value("id", ""), id);
  EXPECT_EQ(shown.value("pipeline", ""), "basics");
  EXPECT_EQ(shown.value("status", ""), "Success");
  EXPECT_EQ(shown.value("retriedFrom", "x"), "");
  ASSERT_TRUE(shown["stages"].is_array());
  ASSERT_EQ(shown["stages"].size(), 1u);
  const auto& stage = shown["stages"][0];
  EXPECT_EQ(stage.value("identifier", ""), "S");
  EXPECT_EQ(stage.value("status", ""), "Success");
  ASSERT_EQ(stage["steps"].size(), 2u);
  const auto& step = stage["steps"][0];
  EXPECT_EQ(step.value("path", ""), "S.hello");
  EXPECT_EQ(step.value("type", ""), "ShellScript");
  EXPECT_EQ(step.value("status", ""), "Success");
  EXPECT_TRUE(step["outputs"].is_object());
  EXPECT_EQ(step.value("failureMessage", "x"), "");
  EXPECT_TRUE(step.contains("durationMs"));

  auto logs = p.Sluice({"executions", "logs", id});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("==> S.hello <==\n"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("hello from the step\n"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("to stderr\n"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("==> S.bye <==\nbye\n"), std::string::npos) << logs.out;

  auto one = p.Sluice({"executions", "logs", id, "--step", "S.bye"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, "bye\n");

  auto no_step = p.Sluice({"executions", "logs", id, "--step", "S.nope"});
  EXPECT_EQ(no_step.exit_code, 2);
  EXPECT_EQ(no_step.err,
            "sluice: execution " + id +
                " has no step \"S.nope\" (use the path shown by `sluice executions show`)\n");

  auto missing = p.Sluice({"executions", "show", "zzzzzzzz"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err.rfind("sluice: ", 0), 0u) << missing.err;
}

TEST(ExecutionsTest, FailedRunJsonCarriesTheFailure) {
  TestProject p;
  p.WritePipeline(Pipeline("f", {CustomStage("S", {ShellStep("bad", "echo oops\nexit 7")})}));
  RunResult raw;
  auto ex = p.RunJson({}, {}, &raw);
  EXPECT_EQ(raw.exit_code, 1);
  EXPECT_EQ(ex.value("status", ""), "Failed");
  const auto& step = FindStep(ex, "S.bad");
  EXPECT_EQ(step.value("status", ""), "Failed");
  EXPECT_FALSE(step.value("failureMessage", "").empty());
  EXPECT_NE(step.value("failureMessage", "").find('7'), std::string::npos) << step.dump(2);
  EXPECT_EQ(ex.value("failureMessage", ""), "S.bad: " + step.value("failureMessage", ""));
  // --json keeps progress off stdout.
  EXPECT_EQ(raw.out.find("Execution "), std::string::npos);
}

TEST(ExecutionsTest, SequenceIdsCount) {
  TestProject p;
  p.WritePipeline(Pipeline("seq", {CustomStage("S", {ShellStep("s", "true")})}));
  RunResult raw;
  EXPECT_EQ(p.RunJson({}, {}, &raw).value("sequenceId", 0), 1);
  EXPECT_EQ(p.RunJson({}, {}, &raw).value("sequenceId", 0), 2);
  auto list = p.Sluice({"executions", "list", "--json"}).Json();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].value("sequenceId", 0), 2);  // newest first
}

TEST(CliTest, VersionAndBadFlags) {
  TestProject p;
  RunOptions bare;
  bare.with_project_flag = false;
  auto version = p.Sluice({"--version"}, bare);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("sluice ", 0), 0u) << version.out;
  EXPECT_NE(version.out.find('.'), std::string::npos) << version.out;

  EXPECT_EQ(p.Sluice({"--no-such-flag"}, bare).exit_code, 2);
  EXPECT_EQ(p.Sluice({"run", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(p.Sluice({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(p.Sluice({}, bare).exit_code, 2);  // a subcommand is required
  EXPECT_EQ(p.Sluice({"executions"}).exit_code, 2);
  EXPECT_EQ(p.Sluice({"executions", "show"}).exit_code, 2);  // id is required
  p.WritePipeline(Pipeline("cli", {CustomStage("S", {ShellStep("s", "true")})}));
  auto bad_input = p.Sluice({"run", "--input", "novalue"});
  EXPECT_EQ(bad_input.exit_code, 2);
  EXPECT_EQ(bad_input.err, "sluice: --input novalue: expected KEY=VALUE\n");
}

TEST(CliTest, StateDirAndPipelineChoice) {
  TestProject p;
  p.WritePipeline(Pipeline("one", {CustomStage("S", {ShellStep("s", "echo one")})}), "one.yaml");
  p.WritePipeline(Pipeline("two", {CustomStage("S", {ShellStep("s", "echo two")})}), "two.yaml");
  auto ambiguous = p.Sluice({"run"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_EQ(
      ambiguous.err,
      "sluice: the project has several pipelines (one, two); choose one with --pipeline ID\n");
  auto unknown = p.Sluice({"run", "--pipeline", "three"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "sluice: no pipeline \"three\" in " + p.root().string() + " (pipelines: one, two)\n");

  std::string state = (p.scratch() / "state").string();
  auto run = p.Sluice({"--state", state, "run", "--pipeline", "two", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json().value("pipeline", ""), "two");
  EXPECT_TRUE(std::filesystem::exists(state));
  EXPECT_FALSE(std::filesystem::exists(p.state()));
  EXPECT_EQ(p.Sluice({"--state", state, "executions", "list", "--json"}).Json().size(), 1u);
  EXPECT_EQ(p.Sluice({"executions", "list", "--json"}).out, "[]\n");
}

TEST(CliTest, RunWithoutPipelinesIsAUsageError) {
  TestProject p;
  auto r = p.Sluice({"run"});
  EXPECT_EQ(r.exit_code, 2);
  std::string expected = "sluice: no pipeline found in " + p.root().string() +
                         " (expected .harness/pipelines/*.yaml)\n";
  ASSERT_GE(r.err.size(), expected.size()) << r.err;
  EXPECT_EQ(r.err.substr(r.err.size() - expected.size()), expected);
}

}  // namespace
}  // namespace sluice::testing
