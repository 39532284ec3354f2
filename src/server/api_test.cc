// sluice server's REST API through a real HTTP server on 127.0.0.1: every
// route authorized and refused by role, CSRF for cookie sessions, a run
// started over the API reaching Success with its logs and events, abort,
// retry and resume, paging, artifacts, and the OpenAPI document.
#include "server/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "common/files.h"
#include "engine/step.h"
#include "monitor/exposition_test_util.h"
#include "net/static_files.h"
#include "pipeline/project.h"
#include "secrets/secret_store.h"
#include "server/accounts.h"
#include "server/api_test_util.h"
#include "server/openapi.h"
#include "steps/register.h"

namespace sluice::server {
namespace {

using testing::Call;
using ::testing::HasSubstr;
using testing::HttpReply;
using testing::TestConnection;

std::string Step(const std::string& id, const std::string& script) {
  std::string indented;
  size_t at = 0;
  while (at < script.size()) {
    size_t end = script.find('\n', at);
    if (end == std::string::npos) end = script.size();
    indented += "                          " + script.substr(at, end - at) + "\n";
    at = end + 1;
  }
  return "              - step:\n"
         "                  type: ShellScript\n"
         "                  name: " +
         id +
         "\n"
         "                  identifier: " +
         id +
         "\n"
         "                  spec:\n"
         "                    shell: Bash\n"
         "                    source:\n"
         "                      type: Inline\n"
         "                      spec:\n"
         "                        script: |-\n" +
         indented;
}

std::string PipelineYaml(const std::string& id, const std::string& steps,
                         const std::string& variables = "") {
  return "pipeline:\n  name: " + id + "\n  identifier: " + id +
         "\n  projectIdentifier: p\n  orgIdentifier: o\n" + variables +
         "  stages:\n"
         "    - stage:\n"
         "        type: Custom\n"
         "        name: S\n"
         "        identifier: S\n"
         "        spec:\n"
         "          execution:\n"
         "            steps:\n" +
         steps;
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 1500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class ApiTest : public ::testing::Test {
 protected:
  virtual bool AllowAnonymous() const { return false; }
  virtual std::chrono::milliseconds KeepAlive() const { return std::chrono::seconds(15); }
  virtual int MaxParallel() const { return 2; }
  virtual int MaxEventStreams() const { return 256; }

  void SetUp() override {
    auto dir = TempDir::Create("sluice-api-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    root_ = dir_->path() / "project";
    state_ = root_ / ".sluice";
    marker_ = dir_->path() / "go";
    WriteProjectFile(".harness/pipelines/hello.yaml",
                     PipelineYaml("hello",
                                  Step("say",
                                       "echo \"greeting <+pipeline.variables.greeting> by "
                                       "<+pipeline.triggeredBy.name>\""),
                                  "  variables:\n    - name: greeting\n      type: String\n"
                                  "      value: <+input>.default(hi).allowedValues(hi,hello)\n"));
    WriteProjectFile(".harness/inputsets/formal.yaml",
                     "inputSet:\n  name: Formal\n  identifier: formal\n  orgIdentifier: o\n"
                     "  projectIdentifier: p\n  pipeline:\n    identifier: hello\n"
                     "    variables:\n      - name: greeting\n        type: String\n"
                     "        value: hello\n");
    WriteProjectFile(
        ".harness/pipelines/waits.yaml",
        PipelineYaml("waits", Step("wait", "echo first\nwhile [ ! -e " + marker_.string() +
                                               " ]; do sleep 0.05; done\necho second")));
    auto store = store::Store::Open(state_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    steps::RegisterBuiltinSteps(&steps_);
    accounts_ = std::make_unique<Accounts>(store_->auth(), store_->audit(), DefaultClock());
    for (auto [name, role] : {std::pair{"ann", Role::kAdmin}, std::pair{"eve", Role::kExecutor},
                              std::pair{"vic", Role::kViewer}}) {
      NewUser u;
      u.name = name;
      u.role = role;
      u.password = std::string(name) + "-password";
      ASSERT_TRUE(accounts_->AddUser(Actor{"local:test", ""}, u).ok());
      auto token = accounts_->CreateToken(Actor{"local:test", ""}, name, "test", std::nullopt);
      ASSERT_TRUE(token.ok());
      tokens_[name] = token->value;
    }
    auth_ = std::make_unique<Authenticator>(
        store_->auth(), store_->audit(), std::vector<pipeline::UserGroup>{}, DefaultClock(),
        AuthOptions{.allow_anonymous = AllowAnonymous(), .secure_cookies = false},
        [](std::chrono::milliseconds) {});
    queue_ = std::make_unique<ExecutionQueue>(
        ExecutionQueueDeps{*store_, secrets_, steps_, processes_, DefaultClock()},
        ExecutionQueueOptions{
            .state_dir = state_, .max_parallel = MaxParallel(), .sandbox = false});
    WriteProjectFile("web/index.html", "<h1>Apply</h1>\n");
    WriteProjectFile("web/app.js", "export const x = 1;\n");
    auto site = net::StaticFiles::Open(root_ / "web");
    ASSERT_TRUE(site.ok());
    std::filesystem::path root = root_;
    api_ = std::make_unique<ApiServer>(
        ApiDeps{.store = *store_,
                .auth = *auth_,
                .executions = *queue_,
                .functions = nullptr,
                .clock = DefaultClock(),
                .load_project =
                    [root](DiagnosticList* diags) { return pipeline::LoadProject(root, diags); },
                .state_dir = state_,
                .openapi = std::string(OpenApiDocument()),
                .ui = nullptr,
                .site = std::make_shared<const net::StaticFiles>(std::move(*site)),
                .read_s3_artifact = [this](const store::ArtifactRecord& a) -> Result<std::string> {
                  auto it = s3_objects_.find(a.s3.endpoint + "/" + a.bucket + "/" + a.key);
                  if (it == s3_objects_.end()) return Status::NotFound("NoSuchKey: " + a.key);
                  return it->second;
                }},
        ApiOptions{.worker_threads = 2,
                   .keep_alive = KeepAlive(),
                   .poll = std::chrono::milliseconds(50),
                   .max_event_streams = MaxEventStreams()});
    http_ = net::HttpServer::Create();
    auto listener = http_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          api_->Handle(std::move(request), std::move(responder));
        },
        &port_);
    ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  }

  void TearDown() override {
    Touch(marker_);
    if (queue_) queue_->Shutdown();
    if (api_) api_->Stop();
    if (http_) http_->Stop();
  }

  void WriteProjectFile(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  static void Touch(const std::filesystem::path& file) { std::ofstream(file) << "go\n"; }

  // What the S3 servers hold, by endpoint/bucket/key: read_s3_artifact's.
  std::map<std::string, std::string> s3_objects_;

  std::string Bearer(const std::string& user) {
    return "Authorization: Bearer " + tokens_[user] + "\r\n";
  }
  HttpReply As(const std::string& user, const std::string& method, const std::string& path,
               const std::string& body = "") {
    std::string headers = user.empty() ? "" : Bearer(user);
    if (!body.empty()) headers += "Content-Type: application/json\r\n";
    return Call(port_, method, path, headers, body);
  }

  std::string Run(const std::string& user, const std::string& pipeline,
                  const std::string& body = "{}") {
    HttpReply r = As(user, "POST", "/api/pipelines/" + pipeline + "/executions", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  std::string StatusOf(const std::string& id) {
    return As("vic", "GET", "/api/executions/" + id).json().value("status", "");
  }
  bool WaitForStatus(const std::string& id, const std::string& status) {
    return WaitFor([&] { return StatusOf(id) == status; });
  }
  std::string NodeStatus(const std::string& id, const std::string& path) {
    auto doc = As("vic", "GET", "/api/executions/" + id).json();
    for (const auto& n : doc["nodes"]) {
      if (n.value("path", "") == path) return n.value("status", "");
    }
    return "";
  }

  std::unique_ptr<TempDir> dir_;
  std::filesystem::path root_, state_, marker_;
  std::unique_ptr<store::Store> store_;
  secrets::InMemorySecretStore secrets_;
  engine::StepRegistry steps_;
  runner::LocalProcessRunner processes_;
  std::unique_ptr<Accounts> accounts_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<ExecutionQueue> queue_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<net::HttpServer> http_;
  uint16_t port_ = 0;
};

// A route path with its parameters filled in.
std::string Fill(std::string path) {
  for (auto [name, value] :
       {std::pair{"{id}", "nope"}, std::pair{"{n}", "1"}, std::pair{"{name}", "fn"}}) {
    size_t at = path.find(name);
    if (at != std::string::npos) path.replace(at, std::string(name).size(), value);
  }
  return path;
}

TEST_F(ApiTest, TheOpenApiDocumentDescribesEveryRoute) {
  HttpReply r = Call(port_, "GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  ASSERT_TRUE(doc.is_object()) << r.body;
  EXPECT_EQ(doc.value("openapi", ""), "3.0.3");
  for (const ApiRoute& route : ApiServer::Routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(doc["paths"].contains(route.path) && doc["paths"][route.path].contains(method))
        << route.method << " " << route.path << " is not in openapi.json";
  }
  // And nothing is documented that the server does not answer.
  size_t documented = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    if (path == "/openapi.json") continue;
    documented += methods.size();
  }
  EXPECT_EQ(documented, ApiServer::Routes().size());
}

TEST_F(ApiTest, EveryRouteRefusesARequestWithoutCredentials) {
  for (const ApiRoute& route : ApiServer::Routes()) {
    if (route.open) continue;  // authenticated by what the request carries
    HttpReply r = Call(port_, route.method, Fill(route.path));
    EXPECT_EQ(r.status, 401) << route.method << " " << route.path << ": " << r.body;
    EXPECT_EQ(r.json().value("code", ""), "Unauthenticated") << r.body;
  }
}

TEST_F(ApiTest, EveryRouteChecksTheRoleOfTheCaller) {
  // Each action's least role passes the role check (then answers whatever
  // the missing thing gives: never 401 or 403); the role below is refused.
  for (const ApiRoute& route : ApiServer::Routes()) {
    if (route.open || route.path == "/api/session") continue;
    const Role least = MinimumRole(route.action);
    const std::string allowed = least == Role::kViewer     ? "vic"
                                : least == Role::kExecutor ? "eve"
                                                           : "ann";
    HttpReply ok = As(allowed, route.method, Fill(route.path));
    EXPECT_NE(ok.status, 401) << route.path;
    EXPECT_NE(ok.status, 403) << route.method << " " << route.path << ": " << ok.body;
    if (least == Role::kViewer) continue;
    const std::string below = least == Role::kExecutor ? "vic" : "eve";
    HttpReply refused = As(below, route.method, Fill(route.path));
    EXPECT_EQ(refused.status, 403) << route.method << " " << route.path << ": " << refused.body;
    EXPECT_EQ(refused.json().value("code", ""), "PermissionDenied") << refused.body;
  }
  // A refused action is audited.
  auto audit = As("ann", "GET", "/api/audit?actor=vic&action=api.run").json();
  ASSERT_FALSE(audit["records"].empty()) << audit.dump();
  EXPECT_EQ(audit["records"][0].value("outcome", ""), "denied");
  EXPECT_EQ(audit["records"][0].value("remoteAddress", ""), "127.0.0.1");
}

TEST_F(ApiTest, MeSaysWhoIsAsking) {
  auto me = As("eve", "GET", "/api/me").json();
  EXPECT_EQ(me.value("user", ""), "eve");
  EXPECT_EQ(me.value("role", ""), "executor");
  EXPECT_EQ(me.value("method", ""), "token");
}

TEST_F(ApiTest, ListsPipelinesWithTheirRuntimeInputs) {
  auto doc = As("vic", "GET", "/api/pipelines").json();
  ASSERT_EQ(doc["pipelines"].size(), 2u) << doc.dump();
  const auto& hello = doc["pipelines"][0];
  EXPECT_EQ(hello.value("identifier", ""), "hello");
  EXPECT_EQ(hello.value("file", ""), ".harness/pipelines/hello.yaml");
  ASSERT_EQ(hello["inputs"].size(), 1u);
  EXPECT_EQ(hello["inputs"][0].value("path", ""), "variables.greeting");
  EXPECT_EQ(hello["inputs"][0].value("default", ""), "hi");
  EXPECT_EQ(hello["inputs"][0]["allowedValues"], nlohmann::json::array({"hi", "hello"}));
  ASSERT_EQ(hello["inputSets"].size(), 1u);
  EXPECT_EQ(hello["inputSets"][0].value("identifier", ""), "formal");
  EXPECT_EQ(hello["inputSets"][0].value("name", ""), "Formal");
  EXPECT_TRUE(doc["pipelines"][1]["inputSets"].empty());
}

TEST_F(ApiTest, ARunTakesItsInputsFromAnInputSet) {
  std::string id = Run("eve", "hello", R"({"inputSets": ["formal"]})");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitForStatus(id, "Success")) << StatusOf(id);
  EXPECT_THAT(As("vic", "GET", "/api/executions/" + id + "/logs?node=S.say").body,
              HasSubstr("greeting hello by eve"));
  EXPECT_EQ(As("vic", "GET", "/api/executions/" + id).json()["inputs"]["inputSets"],
            nlohmann::json::array({"formal"}));

  HttpReply unknown =
      As("eve", "POST", "/api/pipelines/hello/executions", R"({"inputSets": ["casual"]})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_THAT(unknown.json().value("message", ""), HasSubstr("casual"));
  EXPECT_EQ(
      As("eve", "POST", "/api/pipelines/hello/executions", R"({"inputSets": "formal"})").status,
      400);
  EXPECT_EQ(As("eve", "POST", "/api/pipelines/hello/executions", R"({"branch": 3})").status, 400);
}

TEST_F(ApiTest, ARunStartedOverTheApiSucceedsWithItsLogsAndEvents) {
  std::string id = Run("eve", "hello", R"({"inputs": {"greeting": "hello"}})");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitForStatus(id, "Success")) << StatusOf(id);

  auto doc = As("vic", "GET", "/api/executions/" + id).json();
  EXPECT_EQ(doc.value("pipelineId", ""), "hello");
  EXPECT_EQ(doc["inputs"].value("greeting", ""), "hello");
  ASSERT_GE(doc["nodes"].size(), 2u);
  EXPECT_EQ(doc["nodes"][0].value("path", ""), "S");
  EXPECT_EQ(doc["nodes"][1].value("path", ""), "S.say");
  EXPECT_TRUE(doc["artifacts"].is_array());
  EXPECT_TRUE(doc["policyEvaluations"].is_array());

  HttpReply log = As("vic", "GET", "/api/executions/" + id + "/logs?node=S.say");
  EXPECT_EQ(log.status, 200);
  EXPECT_THAT(log.body, HasSubstr("greeting hello by eve"));  // triggeredBy = the caller
  EXPECT_EQ(As("vic", "GET", "/api/executions/" + id + "/logs?node=S.nope").status, 404);
  EXPECT_EQ(As("vic", "GET", "/api/executions/" + id + "/logs").status, 400);

  // A finished execution's events replay everything, then end.
  TestConnection c(port_);
  c.Send(
      testing::RequestText(port_, "GET", "/api/executions/" + id + "/events", Bearer("vic"), ""));
  std::string events =
      c.ReadUntil([](const std::string& s) { return s.find("event: end") != std::string::npos; });
  EXPECT_THAT(events, HasSubstr("text/event-stream"));
  EXPECT_THAT(events, HasSubstr("event: node"));
  EXPECT_THAT(events, HasSubstr("greeting hello by eve"));
  EXPECT_THAT(events, HasSubstr("\"status\":\"Success\""));
  EXPECT_THAT(events, HasSubstr("event: end"));

  // The run is audited with who, what and from where.
  auto audit = As("ann", "GET", "/api/audit?action=api.run").json();
  ASSERT_FALSE(audit["records"].empty());
  const auto& rec = audit["records"][0];
  EXPECT_EQ(rec.value("actor", ""), "eve");
  EXPECT_EQ(rec.value("target", ""), "hello");
  EXPECT_EQ(rec.value("outcome", ""), "success");
  EXPECT_EQ(rec["detail"].value("execution", ""), id);
}

TEST_F(ApiTest, BadInputsAndUnknownPipelinesAreClearErrors) {
  HttpReply bad = As("eve", "POST", "/api/pipelines/hello/executions",
                     R"({"inputs": {"greeting": "bonjour"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json().value("code", ""), "InvalidArgument");
  EXPECT_THAT(bad.json().value("message", ""), HasSubstr("greeting"));
  HttpReply missing = As("eve", "POST", "/api/pipelines/nope/executions", "{}");
  EXPECT_EQ(missing.status, 404);
  HttpReply not_json = As("eve", "POST", "/api/pipelines/hello/executions", "[1");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(As("vic", "GET", "/api/nothing").status, 404);
  EXPECT_EQ(As("vic", "PUT", "/api/executions").status, 405);
}

TEST_F(ApiTest, EventsArriveAsTheyHappenAndResumeFromTheLastEventId) {
  std::string id = Run("eve", "waits");
  TestConnection c(port_);
  c.Send(
      testing::RequestText(port_, "GET", "/api/executions/" + id + "/events", Bearer("vic"), ""));
  std::string first = c.ReadUntil(
      [](const std::string& s) { return s.find("\"line\":\"first\"") != std::string::npos; });
  ASSERT_THAT(first, HasSubstr("\"line\":\"first\""));
  EXPECT_EQ(first.find("\"line\":\"second\""), std::string::npos);
  // The id of the event carrying "first".
  size_t line_at = first.find("\"line\":\"first\"");
  size_t id_at = first.rfind("id: ", line_at);
  ASSERT_NE(id_at, std::string::npos);
  std::string last_event_id = first.substr(id_at + 4, first.find('\n', id_at) - id_at - 4);
  EXPECT_THAT(last_event_id, HasSubstr("S.wait="));

  Touch(marker_);
  std::string rest =
      c.ReadUntil([](const std::string& s) { return s.find("event: end") != std::string::npos; });
  EXPECT_THAT(rest, HasSubstr("\"line\":\"second\""));
  EXPECT_THAT(rest, HasSubstr("event: end"));

  // A client coming back with Last-Event-ID gets only what it missed.
  TestConnection again(port_);
  again.Send(testing::RequestText(port_, "GET", "/api/executions/" + id + "/events",
                                  Bearer("vic") + "Last-Event-ID: " + last_event_id + "\r\n", ""));
  std::string replay = again.ReadUntil(
      [](const std::string& s) { return s.find("event: end") != std::string::npos; });
  EXPECT_EQ(replay.find("\"line\":\"first\""), std::string::npos) << replay;
  EXPECT_THAT(replay, HasSubstr("\"line\":\"second\""));
}

TEST_F(ApiTest, AbortStopsARunningExecution) {
  std::string id = Run("eve", "waits");
  ASSERT_TRUE(WaitFor([&] { return NodeStatus(id, "S.wait") == "Running"; }));
  EXPECT_EQ(As("vic", "POST", "/api/executions/" + id + "/abort").status, 403);
  HttpReply r = As("eve", "POST", "/api/executions/" + id + "/abort");
  EXPECT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(WaitForStatus(id, "Aborted")) << StatusOf(id);
  EXPECT_EQ(NodeStatus(id, "S.wait"), "Aborted");
}

TEST_F(ApiTest, RetryRunsAgainAndResumeRefusesAFinishedExecution) {
  std::string id = Run("eve", "hello");
  ASSERT_TRUE(WaitForStatus(id, "Success"));
  HttpReply resume = As("eve", "POST", "/api/executions/" + id + "/resume");
  EXPECT_EQ(resume.status, 409) << resume.body;
  EXPECT_THAT(resume.json().value("message", ""), HasSubstr("already finished"));
  HttpReply retry = As("eve", "POST", "/api/executions/" + id + "/retry", R"({"from": "S"})");
  ASSERT_EQ(retry.status, 201) << retry.body;
  std::string again = retry.json().value("id", "");
  ASSERT_TRUE(WaitForStatus(again, "Success"));
  EXPECT_EQ(As("vic", "GET", "/api/executions/" + again).json().value("retriedFrom", ""), id);
}

TEST_F(ApiTest, ListsExecutionsNewestFirstAPageAtATime) {
  for (int i = 0; i < 7; ++i) {
    store::ExecutionRecord rec;
    rec.pipeline_id = i % 2 == 0 ? "hello" : "waits";
    rec.status = i == 3 ? "Failed" : "Success";
    rec.started_ms = 1000 + i;
    ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  }
  std::vector<int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        As("vic", "GET", "/api/executions?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor))
            .json();
    for (const auto& e : page["executions"]) seen.push_back(e.value("startedMs", int64_t{0}));
    cursor = page["nextCursor"].is_string() ? page["nextCursor"].get<std::string>() : "";
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<int64_t>{1006, 1005, 1004, 1003, 1002, 1001, 1000}));

  auto hello = As("vic", "GET", "/api/executions?pipeline=hello").json();
  EXPECT_EQ(hello["executions"].size(), 4u);
  EXPECT_TRUE(hello["nextCursor"].is_null());
  auto failed = As("vic", "GET", "/api/executions?status=Failed&pipeline=waits").json();
  ASSERT_EQ(failed["executions"].size(), 1u);
  EXPECT_EQ(failed["executions"][0].value("startedMs", 0), 1003);
  EXPECT_EQ(As("vic", "GET", "/api/executions?cursor=garbage").status, 400);
  EXPECT_EQ(As("vic", "GET", "/api/executions?limit=0").status, 400);
}

TEST_F(ApiTest, ArtifactsDownloadWithASandboxingPolicy) {
  store::ExecutionRecord rec;
  rec.pipeline_id = "hello";
  rec.status = "Success";
  ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  std::filesystem::create_directories(state_ / "artifacts" / "reports" / "run");
  std::ofstream(state_ / "artifacts" / "reports" / "run" / "report.html") << "<h1>report</h1>";
  std::vector<store::ArtifactRecord> artifacts(2);
  artifacts[0].execution_id = rec.id;
  artifacts[0].name = "report.html";
  artifacts[0].url = "file://" + (state_ / "artifacts/reports/run/report.html").string();
  artifacts[0].bucket = "reports";
  artifacts[0].key = "run/report.html";
  artifacts[1].execution_id = rec.id;
  artifacts[1].name = "elsewhere";
  artifacts[1].url = "https://example.com/x";
  ASSERT_TRUE(store_->AddArtifacts(&artifacts).ok());

  HttpReply r = As("vic", "GET",
                   "/api/executions/" + rec.id + "/artifacts/" + std::to_string(artifacts[0].id));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "<h1>report</h1>");
  EXPECT_THAT(r.header("content-type"), HasSubstr("text/html"));
  EXPECT_EQ(r.header("content-security-policy"),
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(As("vic", "GET",
               "/api/executions/" + rec.id + "/artifacts/" + std::to_string(artifacts[1].id))
                .status,
            404);
  EXPECT_EQ(As("vic", "GET", "/api/executions/" + rec.id + "/artifacts/999").status, 404);
}

// A report a step stored on an S3 server is read back from there (through
// the connector that stored it, in the real server) and shown the same way.
TEST_F(ApiTest, ArtifactsOnAnS3ServerAreReadBackFromIt) {
  store::ExecutionRecord rec;
  rec.pipeline_id = "hello";
  rec.status = "Success";
  ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  std::vector<store::ArtifactRecord> artifacts(2);
  for (auto& a : artifacts) {
    a.execution_id = rec.id;
    a.bucket = "reports";
    a.s3 = {"aws", "http://127.0.0.1:9000", ""};
  }
  artifacts[0].name = "report.html";
  artifacts[0].key = "run/report.html";
  artifacts[0].url = "http://127.0.0.1:9000/reports/run/report.html";
  artifacts[1].name = "gone.html";
  artifacts[1].key = "run/gone.html";
  artifacts[1].url = "http://127.0.0.1:9000/reports/run/gone.html";
  ASSERT_TRUE(store_->AddArtifacts(&artifacts).ok());
  s3_objects_["http://127.0.0.1:9000/reports/run/report.html"] = "<h1>from S3</h1>";

  auto doc = As("vic", "GET", "/api/executions/" + rec.id).json();
  ASSERT_EQ(doc["artifacts"].size(), 2u);
  EXPECT_TRUE(doc["artifacts"][0]["stored"].get<bool>());
  HttpReply r = As("vic", "GET",
                   "/api/executions/" + rec.id + "/artifacts/" + std::to_string(artifacts[0].id));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "<h1>from S3</h1>");
  EXPECT_EQ(r.header("content-security-policy"),
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  HttpReply gone = As(
      "vic", "GET", "/api/executions/" + rec.id + "/artifacts/" + std::to_string(artifacts[1].id));
  EXPECT_EQ(gone.status, 502);
  EXPECT_THAT(gone.body, HasSubstr("is on the S3 server at "
                                   "http://127.0.0.1:9000/reports/run/gone.html; reading it back "
                                   "failed: NoSuchKey: run/gone.html"));
}

TEST_F(ApiTest, CookieSessionsNeedTheCsrfHeaderToAct) {
  HttpReply wrong = Call(port_, "POST", "/api/session", "Content-Type: application/json\r\n",
                         R"({"user": "eve", "password": "nope"})");
  EXPECT_EQ(wrong.status, 401);
  HttpReply login = Call(port_, "POST", "/api/session", "Content-Type: application/json\r\n",
                         R"({"user": "eve", "password": "eve-password"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string csrf = login.json().value("csrfToken", "");
  std::string set_cookie = login.header("set-cookie");
  std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';')) + "\r\n";
  ASSERT_FALSE(csrf.empty());

  EXPECT_EQ(Call(port_, "GET", "/api/me", cookie).json().value("user", ""), "eve");
  HttpReply without = Call(port_, "POST", "/api/pipelines/hello/executions", cookie, "{}");
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_THAT(without.json().value("message", ""), HasSubstr("X-CSRF-Token"));
  HttpReply with = Call(port_, "POST", "/api/pipelines/hello/executions",
                        cookie + "X-CSRF-Token: " + csrf + "\r\n", "{}");
  EXPECT_EQ(with.status, 201) << with.body;

  EXPECT_EQ(Call(port_, "DELETE", "/api/session", cookie).status, 403);  // CSRF too
  EXPECT_EQ(Call(port_, "DELETE", "/api/session", cookie + "X-CSRF-Token: " + csrf + "\r\n").status,
            204);
  EXPECT_EQ(Call(port_, "GET", "/api/me", cookie).status, 401);
}

TEST_F(ApiTest, MetricsAnswerAViewerTokenWithPrometheusText) {
  for (const char* status : {"Success", "Success", "Failed"}) {
    store::ExecutionRecord rec;
    rec.pipeline_id = "hello";
    rec.status = status;
    rec.started_ms = 1'700'000'000'000;
    rec.ended_ms = rec.started_ms + 3'000;
    ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  }
  EXPECT_EQ(Call(port_, "GET", "/metrics").status, 401);
  HttpReply r = As("vic", "GET", "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  std::vector<monitor::testing::ParsedSample> samples;
  EXPECT_TRUE(monitor::testing::CheckExposition(r.body, &samples).empty()) << r.body;
  EXPECT_NE(r.body.find("sluice_executions{pipeline=\"hello\",status=\"Success\"} 2\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("sluice_execution_duration_seconds_count{pipeline=\"hello\"} 3\n"),
            std::string::npos)
      << r.body;
}

TEST_F(ApiTest, FunctionRoutesAnswerWithoutARuntime) {
  auto list = As("vic", "GET", "/api/functions").json();
  EXPECT_EQ(list["functions"], nlohmann::json::array());
  EXPECT_EQ(As("vic", "GET", "/api/functions/nope").status, 404);
  EXPECT_EQ(As("eve", "POST", "/api/functions/nope/invoke", "{}").status, 409);
}

// The user's pages under /site/, open to anyone as a public web page is;
// nothing else of the server's comes from that directory.
TEST_F(ApiTest, TheSitesPagesAreServedUnderSite) {
  HttpReply bare = As("", "GET", "/site?from=mail");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(bare.header("location"), "/site/?from=mail");
  HttpReply page = As("", "GET", "/site/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<h1>Apply</h1>\n");
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(As("", "GET", "/site/app.js").body, "export const x = 1;\n");
  EXPECT_EQ(As("", "GET", "/site/../.sluice/sluice.db").status, 404);
  EXPECT_EQ(As("", "POST", "/site/", "{}").status, 405);
  HttpReply other = As("", "GET", "/sitemap");
  EXPECT_EQ(other.status, 404);
  EXPECT_NE(other.body.find("no such route"), std::string::npos) << other.body;
}

TEST_F(ApiTest, AnEventStreamEndsWhenItsClientLeaves) {
  std::string id = Run("eve", "waits");
  {
    TestConnection c(port_);
    c.Send(
        testing::RequestText(port_, "GET", "/api/executions/" + id + "/events", Bearer("vic"), ""));
    c.ReadUntil(
        [](const std::string& s) { return s.find("\"line\":\"first\"") != std::string::npos; });
    EXPECT_EQ(api_->open_streams(), 1);
  }  // the client closes the connection while the execution still runs
  EXPECT_TRUE(WaitFor([&] { return api_->open_streams() == 0; }));
  EXPECT_EQ(StatusOf(id), "Running");
}

class OneStreamApiTest : public ApiTest {
 protected:
  int MaxEventStreams() const override { return 1; }
};

TEST_F(OneStreamApiTest, EventStreamsBeyondTheLimitAreRefusedUntilOneCloses) {
  std::string id = Run("eve", "waits");
  const std::string events =
      testing::RequestText(port_, "GET", "/api/executions/" + id + "/events", Bearer("vic"), "");
  {
    TestConnection c(port_);
    c.Send(events);
    c.ReadUntil(
        [](const std::string& s) { return s.find("\"line\":\"first\"") != std::string::npos; });
    HttpReply refused = As("vic", "GET", "/api/executions/" + id + "/events");
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_THAT(refused.json().value("message", ""), HasSubstr("/logs"));
    // Only streams are limited: other requests are answered as ever.
    EXPECT_EQ(As("vic", "GET", "/api/executions/" + id).status, 200);
  }
  ASSERT_TRUE(WaitFor([&] { return api_->open_streams() == 0; }));
  TestConnection again(port_);
  again.Send(events);
  EXPECT_THAT(again.ReadUntil([](const std::string& s) {
    return s.find("\"line\":\"first\"") != std::string::npos;
  }),
              HasSubstr("text/event-stream"));
}

class QuietApiTest : public ApiTest {
 protected:
  std::chrono::milliseconds KeepAlive() const override { return std::chrono::milliseconds(1); }
};

TEST_F(QuietApiTest, AQuietEventStreamCarriesKeepAliveComments) {
  std::string id = Run("eve", "waits");
  TestConnection c(port_);
  c.Send(
      testing::RequestText(port_, "GET", "/api/executions/" + id + "/events", Bearer("vic"), ""));
  std::string events = c.ReadUntil(
      [](const std::string& s) { return s.find(": keep-alive\n\n") != std::string::npos; });
  EXPECT_NE(events.find(": keep-alive\n\n"), std::string::npos) << events;
}

class OneAtATimeApiTest : public ApiTest {
 protected:
  int MaxParallel() const override { return 1; }
};

TEST_F(OneAtATimeApiTest, RunsBeyondTheLimitWaitInTheQueue) {
  std::string first = Run("eve", "waits");
  ASSERT_TRUE(WaitFor([&] { return NodeStatus(first, "S.wait") == "Running"; }));
  std::string second = Run("eve", "waits");
  std::string third = Run("eve", "hello");
  auto waiting = As("vic", "GET", "/api/executions/" + second).json();
  EXPECT_TRUE(waiting.value("queued", false)) << waiting.dump();
  EXPECT_EQ(waiting.value("status", ""), "Running");

  // A queued execution aborts without ever starting.
  EXPECT_EQ(As("eve", "POST", "/api/executions/" + second + "/abort").status, 202);
  auto aborted = As("vic", "GET", "/api/executions/" + second).json();
  EXPECT_EQ(aborted.value("status", ""), "Aborted");
  EXPECT_FALSE(aborted.value("queued", true));

  Touch(marker_);
  EXPECT_TRUE(WaitForStatus(first, "Success"));
  EXPECT_TRUE(WaitForStatus(third, "Success"));
}

class AnonymousApiTest : public ApiTest {
 protected:
  bool AllowAnonymous() const override { return true; }
};

TEST_F(AnonymousApiTest, AnonymousRequestsMayReadButNeverAct) {
  EXPECT_EQ(Call(port_, "GET", "/api/pipelines").status, 200);
  EXPECT_TRUE(Call(port_, "GET", "/api/me").json().value("anonymous", false));
  EXPECT_EQ(Call(port_, "POST", "/api/pipelines/hello/executions", "", "{}").status, 403);
  EXPECT_EQ(Call(port_, "GET", "/api/audit").status, 403);
}

}  // namespace
}  // namespace sluice::server
