// Secrets (harness-semantics §7): stored with `sluice secret set`, resolved
// by <+secrets.getValue("id")>, and masked everywhere sluice writes —
// including the transformed forms sluice promises to catch (base64, each
// line of a multi-line value, JSON-escaped).
#include <gtest/gtest.h>

#include "test_project.h"
#include "yaml_builder.h"

namespace sluice::testing {
namespace {

// Quote and backslash so that its JSON-escaped form differs from it.
const std::string kToken = R"(tok"en\Value-7319)";
const std::string kLine1 = "first-line-AAAA9";
const std::string kLine2 = "second-line-BBBB8";
const std::string kGenerated = "generated-secret-5521";

// Every way the test's secrets could show up.
std::vector<std::string> Forbidden() {
  return {kToken,
          "dG9rImVuXFZhbHVlLTczMTk=" /* base64 of kToken */,
          R"(tok\"en\\Value-7319)",
          kLine1,
          kLine2,
          kGenerated};
}

void ExpectNoSecrets(const std::string& where, const std::string& text) {
  for (const auto& s : Forbidden()) {
    size_t at = text.find(s);
    if (at == std::string::npos) continue;
    size_t from = at > 200 ? at - 200 : 0;
    ADD_FAILURE() << where << " contains secret form " << s << " at byte " << at << ":\n"
                  << text.substr(from, 400);
  }
}

TEST(SecretsTest, SecretsAreMaskedInLogsJsonStoreAndErrors) {
  TestProject p;
  auto set = p.Sluice({"secret", "set", "token"}, WithMasterKey(kToken + "\n"));
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "secret token stored\n");
  set = p.Sluice({"secret", "set", "multi"}, WithMasterKey(kLine1 + "\n" + kLine2 + "\n"));
  ASSERT_EQ(set.exit_code, 0) << set.err;

  auto list = p.Sluice({"secret", "list"}, WithMasterKey());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "multi\ntoken\n");

  std::string script = R"SH(S='<+secrets.getValue("token")>'
echo "plain: $S"
printf %s "$S" | base64
M='<+secrets.getValue("multi")>'
echo "$M"
printf '{"token": "%s", "n": 1}\n' "$(printf %s "$S" | sed 's/\\/\\\\/g; s/"/\\"/g')"
printf '{"token": "%s"}\n' "$S"
generated="generated-$(echo secret)-5521")SH";
  p.WritePipeline(Pipeline(
      "sec",
      {CustomStage(
           "S",
           {ShellStep(
                "leak", script,
                {.spec =
                     "outputVariables:\n  - name: tok\n    type: Secret\n    value: generated"}),
            ShellStep("later",
                      "echo \"later: <+execution.steps.leak.output.outputVariables.tok>\""),
            ShellStep("fails", "echo 'about to fail'\nexit 4")}),
       CustomStage("W",
                   {"- step:\n    type: Wait\n    name: w\n    identifier: w\n    spec:\n"
                    "      duration: <+secrets.getValue(\"token\")>\n"},
                   {.fields = "when:\n  pipelineStatus: All"})}));
  RunResult raw;
  auto ex = p.RunJson({}, WithMasterKey(), &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.leak"), "Success");
  EXPECT_EQ(StatusOf(ex, "S.later"), "Success");
  std::string id = ex.value("id", "");
  ASSERT_FALSE(id.empty());

  auto logs = p.Sluice({"executions", "logs", id}, WithMasterKey());
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  ExpectNoSecrets("executions logs", logs.out);
  // The lines are there, masked.
  EXPECT_NE(logs.out.find("plain: **************"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("later: **************"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("{\"token\": \"**************\", \"n\": 1}"), std::string::npos)
      << logs.out;
  EXPECT_GE(Count(logs.out, "**************"), 7u) << logs.out;

  ExpectNoSecrets("run --json stdout", raw.out);
  ExpectNoSecrets("run stderr", raw.err);
  EXPECT_EQ(FindStep(ex, "S.leak")["outputs"].value("tok", ""), "**************");
  // The Wait step's error quotes the bad duration — masked.
  EXPECT_EQ(StatusOf(ex, "W.w"), "Errored") << FindStep(ex, "W.w").dump(2);
  EXPECT_NE(FindStep(ex, "W.w").value("failureMessage", "").find("**************"),
            std::string::npos)
      << FindStep(ex, "W.w").dump(2);

  auto show = p.Sluice({"executions", "show", id}, WithMasterKey());
  ExpectNoSecrets("executions show", show.out);
  auto show_json = p.Sluice({"executions", "show", id, "--json"}, WithMasterKey());
  ExpectNoSecrets("executions show --json", show_json.out);
  ExpectNoSecrets("the state directory", p.StateBytes());
  ExpectNoSecrets("secret list", list.out);
}

// Secrets reaching a step through env variables and Secret-typed pipeline
// variables are masked too, in sandboxed Run steps as in ShellScript steps.
TEST(SecretsTest, SecretsThroughVariablesAndEnvAreMasked) {
  TestProject p;
  ASSERT_EQ(p.Sluice({"secret", "set", "token"}, WithMasterKey(kToken + "\n")).exit_code, 0);
  p.WritePipeline(Pipeline(
      "sec",
      {CiStage("Build",
               {RunStep("env", "echo \"env: $TOKEN\"\necho \"var: $pw\"",
                        {.spec = "envVariables:\n  TOKEN: <+secrets.getValue(\"token\")>"})}),
       CustomStage("Deploy",
                   {ShellStep("env", "echo \"env: $TOKEN\"\necho 'expr: <+pipeline.variables.pw>'",
                              {.spec = "environmentVariables:\n  - name: TOKEN\n    type: Secret\n"
                                       "    value: <+secrets.getValue(\"token\")>"})})},
      "variables:\n  - name: pw\n    type: Secret\n    value: token"));
  RunResult raw;
  auto ex = p.RunJson({}, WithMasterKey(), &raw);
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  auto logs = p.Sluice({"executions", "logs", ex.value("id", "")}, WithMasterKey());
  ExpectNoSecrets("executions logs", logs.out);
  ExpectNoSecrets("run --json stdout", raw.out);
  ExpectNoSecrets("the state directory", p.StateBytes());
  for (const char* line : {"env: **************", "var: **************", "expr: **************"}) {
    EXPECT_NE(logs.out.find(line), std::string::npos) << line << " in\n" << logs.out;
  }
  // Streamed logs (-v) are masked as well.
  auto verbose = p.Sluice({"-v", "run"}, WithMasterKey());
  EXPECT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_NE(verbose.out.find("Deploy.env | env: **************"), std::string::npos) << verbose.out;
  ExpectNoSecrets("run -v stdout", verbose.out);
  ExpectNoSecrets("run -v stderr", verbose.err);
}

TEST(SecretsTest, SecretCommandsReportErrors) {
  TestProject p;
  auto empty = p.Sluice({"secret", "set", "x"}, WithMasterKey(""));
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "sluice: empty value: pipe the secret into stdin\n");
  auto set = p.Sluice({"secret", "set", "x"}, WithMasterKey("value-1\n"));
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto rm = p.Sluice({"secret", "rm", "x"}, WithMasterKey());
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.out, "secret x removed\n");
  auto list = p.Sluice({"secret", "list"}, WithMasterKey());
  EXPECT_EQ(list.out, "");
  auto rm_again = p.Sluice({"secret", "rm", "x"}, WithMasterKey());
  EXPECT_EQ(rm_again.exit_code, 2) << rm_again.out;
}

TEST(SecretsTest, MissingSecretErrorsTheStepByName) {
  TestProject p;
  p.WritePipeline(Pipeline(
      "sec", {CustomStage("S", {ShellStep("use", "echo '<+secrets.getValue(\"nope\")>'")})}));
  RunResult raw;
  auto ex = p.RunJson({}, WithMasterKey(), &raw);
  EXPECT_EQ(raw.exit_code, 1) << raw.err;
  EXPECT_EQ(StatusOf(ex, "S.use"), "Errored");
  std::string message = FindStep(ex, "S.use").value("failureMessage", "");
  EXPECT_NE(message.find("nope"), std::string::npos) << message;
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// Test reports are stored as step details: a secret inside a JUnit failure
// message is masked there too.
TEST(SecretsTest, SecretsInTestReportsAreMasked) {
  TestProject p;
  ASSERT_EQ(p.Sluice({"secret", "set", "gen"}, WithMasterKey(kGenerated + "\n")).exit_code, 0);
  std::string command =
      "printf '<testsuite><testcase name=\"auth\" classname=\"c\"><failure message=\"expected %s\"/>"
      "</testcase></testsuite>' \"$TOKEN\" > report.xml";
  p.WritePipeline(Pipeline(
      "reports", {CiStage("S", {RunStep("t", command,
                                        {.spec = "envVariables:\n  TOKEN: <+secrets.getValue(\"gen\")>\n"
                                                 "reports:\n  type: JUnit\n  spec:\n    paths: [report.xml]"})})}));
  RunResult raw = p.Sluice({"run", "--json"}, WithMasterKey());
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  auto ex = raw.Json();
  EXPECT_EQ(FindStep(ex, "S.t")["details"]["tests"].value("failed", 0), 1);
  ExpectNoSecrets("--json", raw.out);
  // The step itself wrote the secret into report.xml in its workspace; what
  // sluice stores (database, logs) must not hold it.
  ExpectNoSecrets("state files", p.StateBytes(/*with_workspaces=*/false));
}

}  // namespace
}  // namespace sluice::testing
