// `sluice vulndb import` and `sluice image scan` on the real binary: an image
// built with known contents (Debian, Python and npm packages, a planted AWS
// key in a file and in ENV, a private key deleted by a later layer, no USER)
// against a hand-written OSV database; exact findings, new counts across
// two scans, --fail-on, the table, and an image scanned from a registry.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "oci/registry_test_util.h"
#include "oci/test_tools.h"
#include "test_project.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

// Not a real key: the shape of one (AWS's documented examples end in
// EXAMPLE and are allowed by the rules, so this one does not).
constexpr char kAwsKeyId[] = "AKIAZ7QRSTUVWXYZ2345";

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

fs::path WriteContext(const TestProject& project) {
  fs::path ctx = project.scratch() / "ctx";
  Write(ctx / "rootfs/etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
        "VERSION_ID=\"12\"\nID=debian\n");
  Write(ctx / "rootfs/var/lib/dpkg/status",
        "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
        "Source: openssl\nVersion: 3.0.11-1~deb12u2\nDescription: TLS\n multi-line\n\n"
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
        "Source: zlib\nVersion: 1:1.2.13.dfsg-1\n\n"
        "Package: oldtool\nStatus: deinstall ok config-files\nVersion: 1.0\n");
  Write(ctx / "rootfs/usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\nLicense: Apache 2.0\n");
  Write(ctx / "rootfs/app/node_modules/lodash/package.json",
        R"({"name": "lodash", "version": "4.17.20", "license": "MIT"})");
  Write(ctx / "rootfs/app/settings.py",
        std::string("DEBUG = False\nAWS_ACCESS_KEY_ID = \"") + kAwsKeyId + "\"\n");
  Write(ctx / "key.pem",
        "-----BEGIN RSA PRIVATE KEY-----\n"
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
        "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
        "-----END RSA PRIVATE KEY-----\n");
  Write(ctx / "Dockerfile", std::string("FROM scratch\nCOPY rootfs/ /\nCOPY key.pem /tmp/key.pem\n"
                                        "COPY busybox /bin/busybox\n"
                                        "RUN [\"/bin/busybox\", \"rm\", \"/tmp/key.pem\"]\n"
                                        "ENV AWS_ACCESS_KEY_ID=") +
                                kAwsKeyId + "\n");
  fs::copy_file("/bin/busybox", ctx / "busybox");
  return ctx;
}

// The hand-written OSV database: three advisories that affect the image,
// one that does not (fixed before the installed version) and a corrupt entry.
fs::path WriteAdvisories(const TestProject& project) {
  fs::path dir = project.scratch() / "osv";
  Write(dir / "debian/DSA-0001-1.json", R"({
    "id": "DSA-0001-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0001"],
    "summary": "openssl: remote code execution",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}]})");
  Write(dir / "debian/DSA-0002-1.json", R"({
    "id": "DSA-0002-1", "modified": "2024-01-01T00:00:00Z",
    "summary": "zlib: fixed long ago",
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "zlib"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "1:1.2.11.dfsg-1"}]}]}]})");
  Write(dir / "pypi/GHSA-j8r2-6x86-q33q.json", R"({
    "id": "GHSA-j8r2-6x86-q33q", "modified": "2024-01-01T00:00:00Z",
    "summary": "requests leaks Proxy-Authorization headers",
    "database_specific": {"severity": "MODERATE"},
    "affected": [{"package": {"ecosystem": "PyPI", "name": "Requests"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}]})");
  Write(dir / "npm/GHSA-35jh-r3h4-6jhm.json", R"({
    "id": "GHSA-35jh-r3h4-6jhm", "modified": "2024-01-01T00:00:00Z",
    "summary": "Command injection in lodash",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                  "ranges": [{"type": "SEMVER",
                              "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]})");
  Write(dir / "npm/BROKEN-1.json", R"({"id": "BROKEN-1", "affected": )");
  return dir;
}

// The findings of a JSON scan, by id, as "kind severity".
std::map<std::string, std::string> FindingsById(const nlohmann::json& scan) {
  std::map<std::string, std::string> out;
  for (const auto& f : scan["findings"]) {
    out[f["id"].get<std::string>()] =
        f["kind"].get<std::string>() + " " + f["severity"].get<std::string>();
  }
  return out;
}

class ImageScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/bin/busybox")) GTEST_FAIL() << "install busybox-static for /bin/busybox";
    fs::path ctx = WriteContext(project_);
    RunResult built = project_.Sluice({"image", "build", "-t", "scan:1", ctx.string()});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    RunResult imported = project_.Sluice({"vulndb", "import", WriteAdvisories(project_).string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.out.find("imported 4 advisories (0 unchanged, 1 skipped)"),
              std::string::npos)
        << imported.out;
    EXPECT_NE(imported.err.find("BROKEN-1.json"), std::string::npos) << imported.err;
  }

  TestProject project_;
};

TEST_F(ImageScanTest, FindsTheVulnerablePackagesTheSecretsAndTheRootUser) {
  RunResult scanned = project_.Sluice({"image", "scan", "scan:1", "--format", "json"});
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  nlohmann::json scan = scanned.Json();
  EXPECT_EQ(scan["os"]["id"], "debian");
  EXPECT_TRUE(scan["vulnerabilitiesChecked"]);
  std::set<std::string> packages;
  for (const auto& p : scan["packages"]) packages.insert(p["purl"].get<std::string>());
  EXPECT_TRUE(packages.contains("pkg:pypi/requests@2.25.0")) << scan["packages"].dump(2);
  EXPECT_TRUE(packages.contains("pkg:npm/lodash@4.17.20")) << scan["packages"].dump(2);

  auto findings = FindingsById(scan);
  EXPECT_EQ(findings["DSA-0001-1"], "vulnerability CRITICAL");
  EXPECT_EQ(findings["GHSA-j8r2-6x86-q33q"], "vulnerability MEDIUM");
  EXPECT_EQ(findings["GHSA-35jh-r3h4-6jhm"], "vulnerability HIGH");
  EXPECT_FALSE(findings.contains("DSA-0002-1"));  // fixed before the installed version
  EXPECT_EQ(findings["aws-access-key-id"], "secret CRITICAL");
  EXPECT_EQ(findings["private-key"], "secret HIGH");
  EXPECT_EQ(findings["CIS-DI-0001"], "misconfiguration HIGH");

  bool key_in_file = false, key_in_env = false, deleted_key = false;
  for (const auto& f : scan["findings"]) {
    EXPECT_EQ(f.dump().find(kAwsKeyId), std::string::npos) << "a finding shows the secret";
    if (f["id"] == "aws-access-key-id" && f.value("path", "") == "app/settings.py") {
      key_in_file = true;
      EXPECT_EQ(f["line"], 2);
    }
    if (f["id"] == "aws-access-key-id" && !f.contains("path")) key_in_env = true;
    if (f["id"] == "private-key" && f.value("path", "") == "tmp/key.pem") deleted_key = true;
    if (f["id"] == "DSA-0001-1") {
      EXPECT_EQ(f["package"], "libssl3");
      EXPECT_EQ(f["installedVersion"], "3.0.11-1~deb12u2");
      EXPECT_EQ(f["fixedVersion"], "3.0.13-1~deb12u1");
      EXPECT_DOUBLE_EQ(f["cvssScore"].get<double>(), 9.8);
    }
  }
  EXPECT_TRUE(key_in_file) << scan["findings"].dump(2);
  EXPECT_TRUE(key_in_env) << scan["findings"].dump(2);
  EXPECT_TRUE(deleted_key) << "a file deleted by a later layer is still in the image";

  const auto& summary = scan["summary"];
  EXPECT_EQ(summary["issuesCount"], scan["findings"].size());
  EXPECT_EQ(summary["newIssuesCount"], summary["issuesCount"]);  // the first scan
}

TEST_F(ImageScanTest, ASecondScanFindsNothingNewAndFailOnSetsTheExitCode) {
  ASSERT_EQ(project_.Sluice({"image", "scan", "scan:1", "--format", "json"}).exit_code, 0);
  RunResult again = project_.Sluice({"image", "scan", "scan:1", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Json()["summary"]["newIssuesCount"], 0);
  EXPECT_GT(again.Json()["summary"]["issuesCount"], 0);

  RunResult failing = project_.Sluice({"image", "scan", "scan:1", "--fail-on", "critical"});
  EXPECT_EQ(failing.exit_code, 1) << failing.out << failing.err;
  EXPECT_NE(failing.out.find("CRITICAL ("), std::string::npos) << failing.out;
  EXPECT_NE(failing.out.find("libssl3 3.0.11-1~deb12u2 -> 3.0.13-1~deb12u1"), std::string::npos)
      << failing.out;
  RunResult bad = project_.Sluice({"image", "scan", "scan:1", "--fail-on", "severe"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("critical, high, medium, low, info or none"), std::string::npos)
      << bad.err;
}

// A JSON report less what depends on the scans before it (the new counts).
nlohmann::json WithoutNewCounts(nlohmann::json report) {
  for (nlohmann::json* counts : {&report["summary"], &report["summary"]["issuesBySeverityCount"]}) {
    for (auto it = counts->begin(); it != counts->end();) {
      bool is_new = it.key().starts_with("new") || it.key().starts_with("New");
      it = is_new ? counts->erase(it) : std::next(it);
    }
  }
  return report;
}

TEST_F(ImageScanTest, RescanFromTheLayerCacheGivesTheSameReportAndNoCacheWritesNone) {
  const fs::path cache = project_.state() / "scan-cache";
  RunResult uncached =
      project_.Sluice({"image", "scan", "scan:1", "--format", "json", "--no-cache"});
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_FALSE(fs::exists(cache)) << "--no-cache wrote " << cache;

  RunResult cold = project_.Sluice({"image", "scan", "scan:1", "--format", "json"});
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  ASSERT_TRUE(fs::is_directory(cache));
  EXPECT_FALSE(fs::is_empty(cache));
  RunResult warm = project_.Sluice({"image", "scan", "scan:1", "--format", "json"});
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  EXPECT_EQ(WithoutNewCounts(warm.Json()), WithoutNewCounts(cold.Json()));
  EXPECT_EQ(WithoutNewCounts(warm.Json()), WithoutNewCounts(uncached.Json()));
  EXPECT_EQ(FindingsById(warm.Json())["private-key"], "secret HIGH");  // from a deleted file

  RunResult help = project_.Sluice({"image", "scan", "--help"});
  EXPECT_NE(help.out.find("--no-cache"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("<state>/scan-cache"), std::string::npos) << help.out;
}

TEST_F(ImageScanTest, ScansAnImageFromARegistry) {
  auto registry = oci::testing::TestRegistry::Start({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  std::string remote = (*registry)->host() + "/ml/scan:1";
  RunResult pushed = project_.Sluice({"image", "push", "scan:1", remote});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  TestProject elsewhere;  // an empty store: the image comes from the registry
  RunResult scanned = elsewhere.Sluice({"image", "scan", remote, "--format", "json"});
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  RunResult local = project_.Sluice({"image", "scan", "scan:1", "--format", "json"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(scanned.Json()["manifestDigest"], local.Json()["manifestDigest"]);
  EXPECT_FALSE(scanned.Json()["vulnerabilitiesChecked"]);  // no database there
  EXPECT_EQ(FindingsById(scanned.Json())["private-key"], "secret HIGH");

  RunResult missing = elsewhere.Sluice({"image", "scan", "nothing:1"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("not in the local image store"), std::string::npos) << missing.err;
}

// Where scripts/install-deps --test puts the CycloneDX and SARIF schemas.
fs::path SchemaDir() {
  const char* dir = std::getenv("SLUICE_TEST_SCHEMAS");
  return dir != nullptr ? fs::path(dir) : fs::path("/usr/local/share/sluice/test-schemas");
}

TEST_F(ImageScanTest, SbomAndSarifValidateAgainstTheirSchemas) {
  const fs::path schemas = SchemaDir();
  ASSERT_TRUE(fs::exists(schemas / "bom-1.5.SNAPSHOT.schema.json") &&
              fs::exists(schemas / "sarif-2.1.0-rtm.5.json"))
      << "no JSON schemas in " << schemas << ": run scripts/install-deps --test";
  const fs::path validator = fs::path(SLUICE_SOURCE_DIR) / "tests/tools/validate_json_schema";
  for (const auto& [format, schema] :
       {std::pair<std::string, std::string>{"cyclonedx", "bom-1.5.SNAPSHOT.schema.json"},
        {"sarif", "sarif-2.1.0-rtm.5.json"}}) {
    RunResult scanned = project_.Sluice({"image", "scan", "scan:1", "--format", format});
    ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
    EXPECT_EQ(scanned.out.find(kAwsKeyId), std::string::npos) << format << " shows the secret";
    fs::path document = project_.scratch() / (format + ".json");
    Write(document, scanned.out);
    auto checked = oci::testing::RunRequiredTool(
        {validator.string(), (schemas / schema).string(), document.string()}, "python3-jsonschema");
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    EXPECT_EQ(checked->exit_code, 0) << format << " does not validate:\n" << checked->output;
  }
  // The validator does find errors: the same SBOM without a component's type.
  RunResult bom = project_.Sluice({"image", "scan", "scan:1", "--format", "cyclonedx"});
  nlohmann::json broken = bom.Json();
  ASSERT_FALSE(broken["components"].empty());
  broken["components"][0].erase("type");
  Write(project_.scratch() / "broken.json", broken.dump());
  auto rejected = oci::testing::RunRequiredTool(
      {validator.string(), (schemas / "bom-1.5.SNAPSHOT.schema.json").string(),
       (project_.scratch() / "broken.json").string()},
      "python3-jsonschema");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->exit_code, 1) << rejected->output;
}

}  // namespace
}  // namespace sluice::testing
