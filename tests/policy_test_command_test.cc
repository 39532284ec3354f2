// `sluice policy test`: opa test's discovery, outcomes, counts and exit codes.
#include <gtest/gtest.h>

#include "test_project.h"

namespace sluice::testing {
namespace {

constexpr char kPolicy[] = R"(package authz
import rego.v1

default allow := false
allow if input.role == "admin"
level := 1
level := 2 if input.conflict
)";

constexpr char kTests[] = R"(package authz_test
import rego.v1
import data.authz

test_admin_allowed if authz.allow with input as {"role": "admin"}
test_guest_denied if not authz.allow with input as {"role": "guest"}
test_guest_allowed_is_wrong if authz.allow with input as {"role": "guest"}
test_conflict_is_an_error if authz.level with input as {"conflict": true}
todo_test_later if false
)";

constexpr char kParameterised[] = R"(package table_test
import rego.v1
import data.authz

test_roles[role] if {
  some role in ["admin", "root"]
  authz.allow with input as {"role": role}
}
)";

class PolicyTestCommandTest : public ::testing::Test {
 protected:
  PolicyTestCommandTest() {
    p_.Write("policies/authz.rego", kPolicy);
    p_.Write("policies/authz_test.rego", kTests);
  }
  // `sluice policy test` with "policies" standing for the project's folder.
  RunResult Test(std::vector<std::string> args) {
    for (std::string& a : args) {
      if (a == "policies") a = (p_.root() / "policies").string();
    }
    args.insert(args.begin(), {"policy", "test"});
    return p_.Sluice(args);
  }
  TestProject p_;
};

TEST_F(PolicyTestCommandTest, ReportsFailuresErrorsAndCountsWithExitTwo) {
  RunResult r = Test({"policies"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.out.find("data.authz_test.test_guest_allowed_is_wrong: FAIL ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("data.authz_test.test_conflict_is_an_error: ERROR ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("eval_conflict_error"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("test_admin_allowed"), std::string::npos) << "passing tests only with -v\n" << r.out;
  EXPECT_NE(r.out.find("PASS: 2/5\nFAIL: 1/5\nERROR: 1/5\nSKIPPED: 1/5\n"), std::string::npos) << r.out;
}

TEST_F(PolicyTestCommandTest, RunFilterVerboseAndSkippedExitCodes) {
  RunResult r = Test({"policies", "-v", "-r", "test_admin|test_guest_denied"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("data.authz_test.test_admin_allowed: PASS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS: 2/2\n"), std::string::npos) << r.out;

  EXPECT_EQ(Test({"policies", "-r", "later"}).exit_code, 2);
  EXPECT_EQ(Test({"policies", "-r", "later", "-z"}).exit_code, 0);
  EXPECT_EQ(Test({"policies", "-r", "nothing-matches"}).exit_code, 0);
  EXPECT_EQ(Test({"policies", "-r", "nothing-matches", "--fail-on-empty"}).exit_code, 1);
}

TEST_F(PolicyTestCommandTest, JsonFormatListsEveryTest) {
  RunResult r = Test({"policies", "--format", "json"});
  EXPECT_EQ(r.exit_code, 2);
  nlohmann::json j = r.Json();
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j[0]["package"], "data.authz_test");
  EXPECT_EQ(j[0]["name"], "test_admin_allowed");
  EXPECT_EQ(j[0]["location"]["row"], 5);
  EXPECT_FALSE(j[0].contains("fail"));
  EXPECT_EQ(j[2]["fail"], true);
  EXPECT_EQ(j[3]["error"]["code"], "eval_conflict_error");
  EXPECT_EQ(j[4]["skip"], true);
}

TEST_F(PolicyTestCommandTest, ParameterisedTestsReportEachCase) {
  p_.Write("policies/table_test.rego", kParameterised);
  RunResult r = Test({"policies", "-r", "test_roles", "-v"});
  // As in OPA, a case whose body fails ("root") leaves no entry to report.
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("data.table_test.test_roles: PASS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  admin: PASS\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("root"), std::string::npos) << r.out;
}

TEST_F(PolicyTestCommandTest, CompileErrorsExitOne) {
  p_.Write("policies/broken.rego", "package broken\nallow if {\n");
  RunResult r = Test({"policies"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("broken.rego:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice::testing
