#include "store/store.h"

#include <gtest/gtest.h>

#include <set>

#include "common/clock.h"
#include "store/migrations.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;
using testing::SampleNode;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(StoreTest, OpenCreatesDatabaseAndLogsDirectory) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path() / "state");
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "sluice.db"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "state" / "logs"));
  EXPECT_EQ(store->schema_version(), static_cast<int>(SchemaMigrations().size()));
}

TEST(StoreTest, ExecutionRoundTripsEveryField) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  rec.id = "exec-0001";
  rec.ended_ms = 1'700'000'009'000;
  rec.failure_message = "step failed: exit code 1";
  rec.retried_from = "exec-0000";
  rec.retry_from_node = "Train.fit";
  rec.trigger_type = "WEBHOOK";
  rec.inputs = {{"nested", {{"a", {1, 2, 3}}}}, {"s", "x\"y"}};
  rec.trigger = {{"type", "Webhook"}, {"branch", "main"}, {"payload", {{"n", 1}}}};
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  EXPECT_EQ(rec.sequence_id, 1);

  auto got = store->GetExecution("exec-0001");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, rec.id);
  EXPECT_EQ(got->pipeline_id, rec.pipeline_id);
  EXPECT_EQ(got->pipeline_name, rec.pipeline_name);
  EXPECT_EQ(got->sequence_id, 1);
  EXPECT_EQ(got->status, rec.status);
  EXPECT_EQ(got->started_ms, rec.started_ms);
  EXPECT_EQ(got->ended_ms, rec.ended_ms);
  EXPECT_EQ(got->project_dir, rec.project_dir);
  EXPECT_EQ(got->pipeline_file, rec.pipeline_file);
  EXPECT_EQ(got->pipeline_yaml, rec.pipeline_yaml);
  EXPECT_EQ(got->inputs, rec.inputs);
  EXPECT_EQ(got->trigger_type, "WEBHOOK");
  EXPECT_EQ(got->failure_message, rec.failure_message);
  EXPECT_EQ(got->retried_from, rec.retried_from);
  EXPECT_EQ(got->retry_from_node, rec.retry_from_node);
  EXPECT_EQ(got->runner_pid, 4242);
  EXPECT_FALSE(got->abort_requested);
  EXPECT_EQ(got->trigger, rec.trigger);
}

TEST(StoreTest, TriggerValuesAreKeptByUpdatesAndLeftOutOfPages) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord manual = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&manual).ok());
  EXPECT_TRUE(store->GetExecution(manual.id)->trigger.is_null()) << "a manual run has none";

  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  rec.trigger = {{"type", "Webhook"}, {"branch", "dev"}};
  ASSERT_TRUE(store->UpdateExecution(rec).ok());
  EXPECT_EQ(store->GetExecution(rec.id)->trigger, rec.trigger);
  EXPECT_EQ(store->FindExecution(rec.id)->trigger, rec.trigger);

  auto page = store->QueryExecutions({});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->executions.size(), 2u);
  for (const ExecutionRecord& listed : page->executions) EXPECT_TRUE(listed.trigger.is_null());
}

TEST(StoreTest, CreateAssignsAnIdWhenEmpty) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  EXPECT_EQ(rec.id.size(), 22u);
  EXPECT_TRUE(store->GetExecution(rec.id).ok());
}

TEST(StoreTest, CreatingTheSameIdTwiceIsAlreadyExists) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  a.id = "same-id";
  ASSERT_TRUE(store->CreateExecution(&a).ok());
  ExecutionRecord b = SampleExecution();
  b.id = "same-id";
  Status s = store->CreateExecution(&b);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
}

TEST(StoreTest, UpdateRewritesMutableFieldsButKeepsSequenceAndAbortFlag) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  ASSERT_TRUE(store->RequestAbort(rec.id).ok());

  rec.status = "Failed";
  rec.ended_ms = rec.started_ms + 500;
  rec.failure_message = "boom";
  rec.inputs = nlohmann::json::object();
  rec.runner_pid = 0;
  rec.sequence_id = 99;          // ignored
  rec.abort_requested = false;   // ignored: only RequestAbort sets it
  ASSERT_TRUE(store->UpdateExecution(rec).ok());

  auto got = store->GetExecution(rec.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "Failed");
  EXPECT_EQ(got->ended_ms, rec.ended_ms);
  EXPECT_EQ(got->failure_message, "boom");
  EXPECT_EQ(got->inputs, nlohmann::json::object());
  EXPECT_EQ(got->runner_pid, 0);
  EXPECT_EQ(got->sequence_id, 1);
  EXPECT_TRUE(got->abort_requested);
}

TEST(StoreTest, UpdateOfUnknownExecutionIsNotFound) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  rec.id = "nope";
  EXPECT_EQ(store->UpdateExecution(rec).code(), StatusCode::kNotFound);
  auto got = store->GetExecution("nope");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(got.status().message(), "sluice executions list"));
}

TEST(StoreTest, SequenceIdsCountPerPipeline) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  std::vector<int64_t> train, deploy;
  for (int i = 0; i < 3; ++i) {
    ExecutionRecord a = SampleExecution("train");
    ASSERT_TRUE(store->CreateExecution(&a).ok());
    train.push_back(a.sequence_id);
    ExecutionRecord b = SampleExecution("deploy");
    ASSERT_TRUE(store->CreateExecution(&b).ok());
    deploy.push_back(b.sequence_id);
  }
  EXPECT_EQ(train, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(deploy, (std::vector<int64_t>{1, 2, 3}));
}

TEST(StoreTest, FindExecutionAcceptsFullIdAndUniquePrefix) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  a.id = "abcdEF_1-xyz";
  ExecutionRecord b = SampleExecution();
  b.id = "abcdZZ_2-xyz";
  ASSERT_TRUE(store->CreateExecution(&a).ok());
  ASSERT_TRUE(store->CreateExecution(&b).ok());

  auto full = store->FindExecution("abcdEF_1-xyz");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->id, a.id);
  auto prefix = store->FindExecution("abcdZ");
  ASSERT_TRUE(prefix.ok()) << prefix.status().ToString();
  EXPECT_EQ(prefix->id, b.id);
}

TEST(StoreTest, FindExecutionListsCandidatesOfAnAmbiguousPrefix) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  a.id = "abcdEF_1";
  ExecutionRecord b = SampleExecution();
  b.id = "abcdZZ_2";
  ASSERT_TRUE(store->CreateExecution(&a).ok());
  ASSERT_TRUE(store->CreateExecution(&b).ok());

  auto r = store->FindExecution("abcd");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(r.status().message(), "ambiguous")) << r.status().message();
  EXPECT_TRUE(Contains(r.status().message(), "abcdEF_1"));
  EXPECT_TRUE(Contains(r.status().message(), "abcdZZ_2"));
}

TEST(StoreTest, FindExecutionTreatsLikeWildcardsLiterally) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  a.id = "abcdXYZ";
  ASSERT_TRUE(store->CreateExecution(&a).ok());
  EXPECT_FALSE(store->FindExecution("abc_").ok());
  EXPECT_FALSE(store->FindExecution("abc%").ok());
  EXPECT_FALSE(store->FindExecution("ABCD").ok());  // ids are case-sensitive
}

TEST(StoreTest, FindExecutionRefusesShortPrefixAndNamesTheListCommand) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  a.id = "abcdef";
  ASSERT_TRUE(store->CreateExecution(&a).ok());

  auto short_prefix = store->FindExecution("abc");
  ASSERT_FALSE(short_prefix.ok());
  EXPECT_EQ(short_prefix.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(short_prefix.status().message(), "at least 4"));

  auto missing = store->FindExecution("zzzz");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(missing.status().message(), "`sluice executions list` shows ids"));
}

TEST(StoreTest, ListExecutionsIsNewestFirstWithCreationOrderBreakingTies) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  auto make = [&](const std::string& id, int64_t started) {
    ExecutionRecord r = SampleExecution("p", started);
    r.id = id;
    ASSERT_TRUE(store->CreateExecution(&r).ok());
  };
  make("old", 100);
  make("tie1", 200);
  make("tie2", 200);
  make("newest", 300);

  auto all = store->ListExecutions(0);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> ids;
  for (const auto& r : *all) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"newest", "tie2", "tie1", "old"}));

  auto two = store->ListExecutions(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, "tie2");
}

TEST(StoreTest, AbortFlagIsSetByRequestAbort) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  auto before = store->AbortRequested(rec.id);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  ASSERT_TRUE(store->RequestAbort(rec.id).ok());
  auto after = store->AbortRequested(rec.id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);

  EXPECT_EQ(store->RequestAbort("missing").code(), StatusCode::kNotFound);
  EXPECT_EQ(store->AbortRequested("missing").status().code(), StatusCode::kNotFound);
}

TEST(StoreTest, NodeRoundTripsEveryField) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());

  NodeRecord n = SampleNode(rec.id, "Train.rollback.undo", 7);
  n.kind = "stepGroup";
  n.ended_ms = n.started_ms + 42;
  n.attempt = 2;
  n.status = "Failed";
  n.outputs = {{"accuracy", "0.93"}, {"token", "**************"}};
  n.failure_type = "Timeout";
  n.failure_message = "timed out after 10s";
  n.details = {{"tests", {{"passed", 10}, {"failed", 1}}}};
  ASSERT_TRUE(store->PutNode(n).ok());

  auto nodes = store->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  const NodeRecord& g = nodes->front();
  EXPECT_EQ(g.execution_id, n.execution_id);
  EXPECT_EQ(g.path, n.path);
  EXPECT_EQ(g.kind, n.kind);
  EXPECT_EQ(g.identifier, "undo");
  EXPECT_EQ(g.name, n.name);
  EXPECT_EQ(g.type, n.type);
  EXPECT_EQ(g.status, n.status);
  EXPECT_EQ(g.started_ms, n.started_ms);
  EXPECT_EQ(g.ended_ms, n.ended_ms);
  EXPECT_EQ(g.attempt, 2);
  EXPECT_EQ(g.outputs, n.outputs);
  EXPECT_EQ(g.failure_type, n.failure_type);
  EXPECT_EQ(g.failure_message, n.failure_message);
  EXPECT_EQ(g.sort_order, 7);
  EXPECT_EQ(g.details, n.details);
}

TEST(StoreTest, PutNodeReplacesTheNodeWithTheSamePath) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  NodeRecord n = SampleNode(rec.id, "S.step");
  n.outputs = {{"a", "1"}};
  ASSERT_TRUE(store->PutNode(n).ok());
  n.status = "Success";
  n.outputs = {{"b", "2"}};  // replaced, not merged
  ASSERT_TRUE(store->PutNode(n).ok());

  auto nodes = store->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ(nodes->front().status, "Success");
  EXPECT_EQ(nodes->front().outputs, (nlohmann::json{{"b", "2"}}));
}

TEST(StoreTest, NodesAreOrderedBySortOrderThenPathAndScopedToTheirExecution) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord a = SampleExecution();
  ExecutionRecord b = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&a).ok());
  ASSERT_TRUE(store->CreateExecution(&b).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(a.id, "S2", 2)).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(a.id, "S1.b", 1)).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(a.id, "S1.a", 1)).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(a.id, "S1", 0)).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(b.id, "Other", 0)).ok());

  auto nodes = store->GetNodes(a.id);
  ASSERT_TRUE(nodes.ok());
  std::vector<std::string> paths;
  for (const auto& n : *nodes) paths.push_back(n.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"S1", "S1.a", "S1.b", "S2"}));

  auto none = store->GetNodes("unknown");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(StoreTest, PutNodeOfUnknownExecutionFails) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  Status s = store->PutNode(SampleNode("ghost", "S"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "ghost"));
  EXPECT_TRUE(Contains(s.message(), "sluice.db"));
}

TEST(StoreTest, DeleteNodesRemovesASubtreeOnly) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  for (const char* p : {"S", "S.a", "S.g.b", "S2", "S2.a", "T"}) {
    ASSERT_TRUE(store->PutNode(SampleNode(rec.id, p)).ok());
  }
  ASSERT_TRUE(store->DeleteNodes(rec.id, "S").ok());
  auto nodes = store->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  std::set<std::string> left;
  for (const auto& n : *nodes) left.insert(n.path);
  EXPECT_EQ(left, (std::set<std::string>{"S2", "S2.a", "T"}));

  ASSERT_TRUE(store->DeleteNodes(rec.id, "").ok());
  nodes = store->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  EXPECT_TRUE(nodes->empty());
}

TEST(StoreTest, InvalidUtf8InJsonIsReplacedNotThrown) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution();
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  NodeRecord n = SampleNode(rec.id, "S");
  n.outputs = {{"raw", std::string("ok\xff\xfe")}};
  ASSERT_TRUE(store->PutNode(n).ok());
  auto nodes = store->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_TRUE(Contains(nodes->front().outputs["raw"].get<std::string>(), "ok"));
}

TEST(StoreTest, SecondStoreOnTheSameDirectorySeesCommittedChanges) {
  TempDir dir = MakeStateDir();
  auto first = OpenOrDie(dir.path());
  auto second = OpenOrDie(dir.path());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);

  ExecutionRecord rec = SampleExecution("shared");
  ASSERT_TRUE(first->CreateExecution(&rec).ok());
  ASSERT_TRUE(first->PutNode(SampleNode(rec.id, "S")).ok());
  ASSERT_TRUE(first->AppendLog(rec.id, "S", "hello").ok());

  auto nodes = second->GetNodes(rec.id);
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->size(), 1u);
  auto log = second->ReadLog(rec.id, "S");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "hello\n");

  // And the other way round, with sequence ids shared between the two.
  ASSERT_TRUE(second->RequestAbort(rec.id).ok());
  auto aborted = first->AbortRequested(rec.id);
  ASSERT_TRUE(aborted.ok());
  EXPECT_TRUE(*aborted);
  ExecutionRecord next = SampleExecution("shared");
  ASSERT_TRUE(second->CreateExecution(&next).ok());
  EXPECT_EQ(next.sequence_id, 2);
  auto listed = first->ListExecutions(10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST(StoreTest, LogPathsAreAbsoluteEvenForARelativeStateDir) {
  TempDir dir = MakeStateDir();
  std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto store = OpenOrDie("rel-state");
  std::filesystem::current_path(old_cwd);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LogPath("e", "S"), dir.path() / "rel-state" / "logs" / "e" / "S.log");
}

TEST(StoreTest, OpeningAFileThatIsNotADatabaseSaysSo) {
  TempDir dir = MakeStateDir();
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "sluice.db", std::string(4096, 'x')).ok());
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(Contains(store.status().message(), "sluice.db")) << store.status().message();
  EXPECT_TRUE(Contains(store.status().message(), "not a valid sluice database")) << store.status().message();
}

}  // namespace
}  // namespace sluice::store

namespace sluice::store {
namespace {

TEST(StoreTest, InterventionsAreTakenOnce) {
  TempDir dir = MakeStateDir();
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  ExecutionRecord rec = SampleExecution("p");
  ASSERT_TRUE((*store)->CreateExecution(&rec).ok());
  auto none = (*store)->TakeIntervention(rec.id, "S.a");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");
  ASSERT_TRUE((*store)->RequestIntervention(rec.id, "S.a", "Ignore").ok());
  ASSERT_TRUE((*store)->RequestIntervention(rec.id, "S.a", "Retry").ok());  // the later one wins
  auto taken = (*store)->TakeIntervention(rec.id, "S.a");
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(*taken, "Retry");
  EXPECT_EQ(*(*store)->TakeIntervention(rec.id, "S.a"), "");
}

}  // namespace
}  // namespace sluice::store
