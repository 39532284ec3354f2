// The credit-card application page in a real browser: the inference image
// built and deployed as creditcardapplicationlambda, `sluice functions
// serve --static examples/credit-card/web` on a free loopback port, and
// tests/browser/credit_card_app.mjs driving Debian's headless Chromium
// through playwright-core (installed by `npm ci --prefix tests/browser`,
// which `scripts/install-deps --test` runs). The script's screenshots stay
// in the build directory (WEB_APP_OUTPUT_DIR) for people to look at.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <regex>

#include "oci/test_tools.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using oci::testing::RunRequiredTool;

const fs::path kStaticCcapproval = CCAPPROVAL_STATIC;
const fs::path kOutputDir = WEB_APP_OUTPUT_DIR;
constexpr char kImage[] = "ccapproval-web:1";

class WebAppTest : public ::testing::Test {
 protected:
  // The inference image with a freshly trained model, deployed.
  void BuildAndDeploy() {
    fs::path ctx = p_.scratch() / "ctx";
    fs::create_directories(ctx / "bin");
    fs::create_directories(ctx / "output");
    fs::copy_file(kStaticCcapproval, ctx / "bin/ccapproval");
    fs::copy_file(SourceDir() / "examples/credit-card/config.yml", ctx / "config.yml");
    auto trained =
        RunRequiredTool({"sh", "-c",
                         "cd '" + ctx.string() +
                             "' && bin/ccapproval generate --rows 5000 --out output/data.csv "
                             ">/dev/null && bin/ccapproval train --config config.yml >/dev/null"},
                        "dash");
    ASSERT_TRUE(trained.ok() && trained->exit_code == 0)
        << (trained.ok() ? trained->output : trained.status().ToString());
    RunResult built =
        p_.Sluice({"image", "build", "-f",
                   (SourceDir() / "examples/credit-card/Dockerfile_Inference_Lambda").string(),
                   "-t", kImage, ctx.string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    RunResult deployed = p_.Sluice({"functions", "deploy", "creditcardapplicationlambda", "--image",
                                    kImage, "--timeout", "10"});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.out << deployed.err;
  }

  // Starts `sluice functions serve` on a free port; returns its base URL.
  std::string Serve(const fs::path& static_dir) {
    server_ =
        p_.Start({"functions", "serve", "--addr", "127.0.0.1:0", "--static", static_dir.string()},
                 {.timeout = std::chrono::minutes(5)});
    std::smatch match;
    const std::regex serving(R"(serving functions on (http://127\.0\.0\.1:[0-9]+))");
    std::string out;
    bool up = WaitFor([&] {
      out = server_->StdoutSoFar();
      return std::regex_search(out, match, serving);
    });
    EXPECT_TRUE(up) << out << server_->StderrSoFar();
    return up ? match[1].str() : "";
  }

  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      RunResult stopped = server_->Wait();
      EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    }
  }

  TestProject p_;
  std::unique_ptr<SluiceProcess> server_;
};

TEST_F(WebAppTest, TheApplicationPageShowsTheFunctionsDecisionsInChromium) {
  const fs::path browser_dir = SourceDir() / "tests/browser";
  if (!fs::exists(browser_dir / "node_modules/playwright-core/package.json")) {
    GTEST_SKIP() << "playwright-core is not installed: run `npm ci --prefix tests/browser` "
                    "(or `scripts/install-deps --test`, which make test runs)";
  }
  ASSERT_TRUE(fs::exists("/usr/lib/chromium/chromium"))
      << "Chromium is missing: install Debian's chromium package (scripts/install-deps --test)";
  ASSERT_NO_FATAL_FAILURE(BuildAndDeploy());
  std::string base = Serve(SourceDir() / "examples/credit-card/web");
  ASSERT_FALSE(base.empty());

  fs::remove_all(kOutputDir);
  auto browsed = RunRequiredTool({"node", (browser_dir / "credit_card_app.mjs").string(), "--url",
                                  base, "--out", kOutputDir.string()},
                                 "nodejs");
  ASSERT_TRUE(browsed.ok()) << browsed.status().ToString();
  std::cout << browsed->output;
  EXPECT_EQ(browsed->exit_code, 0) << browsed->output;
  EXPECT_TRUE(fs::exists(kOutputDir / "credit-card-approved.png"));
}

TEST_F(WebAppTest, AStaticDirectoryThatDoesNotExistIsAUsageError) {
  RunResult r = p_.Sluice({"functions", "serve", "--addr", "127.0.0.1:0", "--static",
                           (p_.scratch() / "no-such-dir").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--static"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-dir: not a directory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice::testing
