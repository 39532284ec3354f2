#include "store/function_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "store/migrations.h"
#include "store/statement.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;
using testing::SampleFunctionConfig;

constexpr int64_t kT0 = 1'700'000'000'000;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class FunctionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  FunctionStore& fns() { return store_->functions(); }

  // Puts `image`'s configuration as $LATEST and publishes it.
  int64_t PutAndPublish(const std::string& image) {
    EXPECT_TRUE(fns().PutFunction("fn", SampleFunctionConfig(image), kT0).ok());
    auto v = fns().PublishVersion("fn", "publish " + image, kT0);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->version : -1;
  }

  TempDir dir_ = MakeStateDir();
  std::unique_ptr<Store> store_;
};

TEST_F(FunctionStoreTest, PutFunctionCreatesThenReplacesLatest) {
  auto created = fns().PutFunction("fn", SampleFunctionConfig("img:1"), kT0);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->name, "fn");
  EXPECT_EQ(created->latest, SampleFunctionConfig("img:1"));
  EXPECT_EQ(created->last_version, 0);
  EXPECT_EQ(created->created_ms, kT0);
  EXPECT_EQ(created->updated_ms, kT0);

  auto replaced = fns().PutFunction("fn", SampleFunctionConfig("img:2"), kT0 + 5);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(replaced->latest.image, "img:2");
  EXPECT_EQ(replaced->created_ms, kT0);
  EXPECT_EQ(replaced->updated_ms, kT0 + 5);

  auto got = fns().GetFunction("fn");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->latest, SampleFunctionConfig("img:2"));
}

TEST_F(FunctionStoreTest, ReplacingLatestKeepsVersionsAliasesAndLastVersion) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  ASSERT_TRUE(fns().PutAlias({.function = "fn", .name = "live", .version = 1}, kT0).ok());
  auto replaced = fns().PutFunction("fn", SampleFunctionConfig("img:2"), kT0 + 1);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->last_version, 1);
  auto versions = fns().ListVersions("fn");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->front().config.image, "img:1");
  EXPECT_TRUE(fns().GetAlias("fn", "live").ok());
}

TEST_F(FunctionStoreTest, PutFunctionRefusesABadNameAndTextThatIsNotUtf8) {
  auto bad_name = fns().PutFunction("my fn", SampleFunctionConfig(), kT0);
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bad_name.status().message(), "\"my fn\"")) << bad_name.status().message();

  FunctionConfig config = SampleFunctionConfig();
  config.env["API_KEY"] = "secret\xff";
  auto bad_text = fns().PutFunction("fn", config, kT0);
  ASSERT_FALSE(bad_text.ok());
  EXPECT_TRUE(Contains(bad_text.status().message(), "env[API_KEY] is not valid UTF-8"))
      << bad_text.status().message();
  EXPECT_FALSE(Contains(bad_text.status().message(), "secret")) << bad_text.status().message();
}

TEST_F(FunctionStoreTest, ListFunctionsIsByName) {
  for (const char* name : {"zeta", "alpha", "mid"}) {
    ASSERT_TRUE(fns().PutFunction(name, SampleFunctionConfig(), kT0).ok());
  }
  auto all = fns().ListFunctions();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "alpha");
  EXPECT_EQ((*all)[1].name, "mid");
  EXPECT_EQ((*all)[2].name, "zeta");
}

TEST_F(FunctionStoreTest, MissingFunctionIsNotFoundByName) {
  auto got = fns().GetFunction("ghost");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(got.status().message(), "no function \"ghost\""));
  EXPECT_EQ(fns().PublishVersion("ghost", "", kT0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fns().ListVersions("ghost").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fns().DeleteFunction("ghost").code(), StatusCode::kNotFound);
}

TEST_F(FunctionStoreTest, PublishNumbersVersionsAndSnapshotsLatest) {
  ASSERT_TRUE(fns().PutFunction("fn", SampleFunctionConfig("img:1"), kT0).ok());
  auto v1 = fns().PublishVersion("fn", "first", kT0 + 1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->function, "fn");
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->config, SampleFunctionConfig("img:1"));
  EXPECT_EQ(v1->config_sha256, Sha256Hex(FunctionConfigJson(SampleFunctionConfig("img:1"))));
  EXPECT_EQ(v1->description, "first");
  EXPECT_EQ(v1->created_ms, kT0 + 1);

  ASSERT_TRUE(fns().PutFunction("fn", SampleFunctionConfig("img:2"), kT0 + 2).ok());
  auto v2 = fns().PublishVersion("fn", "second", kT0 + 3);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(fns().GetFunction("fn")->last_version, 2);

  // Version 1 is immutable: $LATEST moved on, the snapshot did not.
  auto got = fns().GetVersion("fn", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->config.image, "img:1");
  auto versions = fns().ListVersions("fn");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[1].version, 2);
}

TEST_F(FunctionStoreTest, PublishingAnUnchangedConfigReturnsTheLastVersion) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  auto again = fns().PublishVersion("fn", "no change", kT0 + 9);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->description, "publish img:1");  // nothing was written
  EXPECT_EQ(fns().ListVersions("fn")->size(), 1u);
  // Rewriting $LATEST with the same configuration changes nothing either.
  EXPECT_EQ(PutAndPublish("img:1"), 1);
}

TEST_F(FunctionStoreTest, NumbersAreNeverReusedAfterTheLastVersionIsDeleted) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  ASSERT_EQ(PutAndPublish("img:2"), 2);
  Status deleted = fns().DeleteVersion("fn", 2);
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  EXPECT_EQ(fns().GetVersion("fn", 2).status().code(), StatusCode::kNotFound);
  // $LATEST still holds img:2, which no existing version has any more.
  auto v3 = fns().PublishVersion("fn", "", kT0);
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->version, 3);
  EXPECT_EQ(fns().GetFunction("fn")->last_version, 3);
}

TEST_F(FunctionStoreTest, MissingVersionIsNotFoundNamingIt) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  auto got = fns().GetVersion("fn", 7);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(got.status().message(), "function \"fn\" has no version 7"))
      << got.status().message();
  EXPECT_EQ(fns().DeleteVersion("fn", 7).code(), StatusCode::kNotFound);
}

TEST_F(FunctionStoreTest, DataSurvivesClosingAndReopeningTheStore) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  ASSERT_EQ(PutAndPublish("img:2"), 2);
  FunctionAliasRecord alias{.function = "fn",
                            .name = "live",
                            .version = 1,
                            .additional_version = 2,
                            .additional_weight = 0.125,
                            .description = "canary"};
  ASSERT_TRUE(fns().PutAlias(alias, kT0 + 7).ok());
  std::vector<InvocationRecord> calls = {{.function = "fn", .qualifier = "live", .version = "2"}};
  ASSERT_TRUE(fns().AddInvocations(&calls, 10).ok());
  store_.reset();

  store_ = OpenOrDie(dir_.path());
  ASSERT_NE(store_, nullptr);
  auto fn = fns().GetFunction("fn");
  ASSERT_TRUE(fn.ok()) << fn.status().ToString();
  EXPECT_EQ(fn->latest, SampleFunctionConfig("img:2"));
  EXPECT_EQ(fn->last_version, 2);
  EXPECT_EQ(fns().GetVersion("fn", 1)->config, SampleFunctionConfig("img:1"));
  auto live = fns().GetAlias("fn", "live");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->additional_version, 2);
  EXPECT_EQ(live->additional_weight, 0.125);
  EXPECT_EQ(live->updated_ms, kT0 + 7);
  auto listed = fns().ListInvocations("fn", 0, 0);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, calls.front().id);
  EXPECT_EQ(PutAndPublish("img:3"), 3);
}

TEST_F(FunctionStoreTest, DeleteFunctionRemovesItsVersionsAliasesAndInvocations) {
  ASSERT_EQ(PutAndPublish("img:1"), 1);
  ASSERT_TRUE(fns().PutAlias({.function = "fn", .name = "live", .version = 1}, kT0).ok());
  std::vector<InvocationRecord> calls = {{.function = "fn"}, {.function = "fn"}};
  ASSERT_TRUE(fns().AddInvocations(&calls, 10).ok());
  ASSERT_TRUE(fns().PutFunction("other", SampleFunctionConfig(), kT0).ok());

  Status deleted = fns().DeleteFunction("fn");
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  EXPECT_EQ(fns().GetFunction("fn").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(fns().GetFunction("other").ok());

  // Created again under the same name, it starts from nothing.
  ASSERT_TRUE(fns().PutFunction("fn", SampleFunctionConfig("img:9"), kT0).ok());
  EXPECT_TRUE(fns().ListVersions("fn")->empty());
  EXPECT_TRUE(fns().ListAliases("fn")->empty());
  EXPECT_TRUE(fns().ListInvocations("fn", 0, 0)->empty());
  EXPECT_EQ(fns().GetFunction("fn")->last_version, 0);
}

// Several threads on one Store (its mutex), or each with a Store of its own
// on the same database (SQLite's write lock): every version that exists was
// numbered once, consecutively, and every answer names one of them.
void PublishFromFourThreads(const std::filesystem::path& state_dir, bool store_per_thread) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 15;
  std::unique_ptr<Store> shared = OpenOrDie(state_dir);
  ASSERT_NE(shared, nullptr);
  std::vector<std::vector<FunctionVersionRecord>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Store> own = store_per_thread ? OpenOrDie(state_dir) : nullptr;
      FunctionStore& fns = store_per_thread ? own->functions() : shared->functions();
      for (int i = 0; i < kRounds; ++i) {
        std::string image = "img:" + std::to_string(t) + "-" + std::to_string(i);
        if (!fns.PutFunction("fn", SampleFunctionConfig(image), kT0).ok()) {
          ADD_FAILURE() << "PutFunction failed";
          return;
        }
        auto v = fns.PublishVersion("fn", image, kT0);
        if (!v.ok()) {
          ADD_FAILURE() << v.status().ToString();
          return;
        }
        answers[t].push_back(*std::move(v));
      }
    });
  }
  for (std::thread& t : threads) t.join();

  auto versions = shared->functions().ListVersions("fn");
  ASSERT_TRUE(versions.ok());
  ASSERT_FALSE(versions->empty());
  for (size_t i = 0; i < versions->size(); ++i) {
    EXPECT_EQ((*versions)[i].version, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_NE((*versions)[i].config_sha256, (*versions)[i - 1].config_sha256);
    }
  }
  EXPECT_EQ(shared->functions().GetFunction("fn")->last_version,
            static_cast<int64_t>(versions->size()));
  for (const auto& per_thread : answers) {
    ASSERT_EQ(per_thread.size(), static_cast<size_t>(kRounds));
    for (size_t i = 0; i < per_thread.size(); ++i) {
      const FunctionVersionRecord& answer = per_thread[i];
      ASSERT_GE(answer.version, 1);
      ASSERT_LE(answer.version, static_cast<int64_t>(versions->size()));
      EXPECT_EQ(answer.config, (*versions)[answer.version - 1].config);
      if (i > 0) {
        EXPECT_GT(answer.version, per_thread[i - 1].version);
      }
    }
  }
}

TEST_F(FunctionStoreTest, ConcurrentPublishesOnOneStoreGetConsecutiveNumbers) {
  store_.reset();
  PublishFromFourThreads(dir_.path(), /*store_per_thread=*/false);
}

TEST_F(FunctionStoreTest, ConcurrentPublishesFromFourConnectionsGetConsecutiveNumbers) {
  store_.reset();
  PublishFromFourThreads(dir_.path(), /*store_per_thread=*/true);
}

TEST(FunctionStoreMigrationTest, DatabaseFromBeforeFunctionsOpensWithItsData) {
  TempDir dir = MakeStateDir();
  {
    // The schema as the release before functions left it.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "sluice.db").c_str(), &raw), SQLITE_OK);
    DbPtr db(raw);
    std::vector<Migration> before;
    for (const Migration& m : SchemaMigrations()) {
      if (m.version < 6) before.push_back(m);
    }
    auto v = Migrate(db.get(), before);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_EQ(*v, 5);
    Status s = ExecSql(db.get(),
                       "INSERT INTO executions (id, pipeline_id, sequence_id, status) "
                       "VALUES ('old-execution', 'p', 3, 'Success')",
                       "test setup");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), 8);
  auto old = store->GetExecution("old-execution");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->sequence_id, 3);
  EXPECT_TRUE(store->functions().ListFunctions()->empty());
  ASSERT_TRUE(store->functions().PutFunction("fn", SampleFunctionConfig(), kT0).ok());
  auto v1 = store->functions().PublishVersion("fn", "", kT0);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
}

}  // namespace
}  // namespace sluice::store
