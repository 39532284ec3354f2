// Store::QueryExecutions: pages newest first, filters, cursors.
#include <gtest/gtest.h>

#include <set>

#include "common/files.h"
#include "store/store.h"

namespace sluice::store {
namespace {

class ExecutionQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-query-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto store = Store::Open(dir_->path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  std::string Add(const std::string& pipeline, const std::string& status, int64_t started_ms) {
    ExecutionRecord rec;
    rec.pipeline_id = pipeline;
    rec.status = status;
    rec.started_ms = started_ms;
    EXPECT_TRUE(store_->CreateExecution(&rec).ok());
    return rec.id;
  }
  std::vector<std::string> All(ExecutionQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->QueryExecutions(query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& e : page->executions) ids.push_back(e.id);
      if (page->next_cursor.empty()) break;
      query.cursor = page->next_cursor;
    }
    return ids;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExecutionQueryTest, PagesGoNewestFirstWithoutGapsOrRepeats) {
  std::vector<std::string> newest_first;
  for (int i = 0; i < 250; ++i) {
    // Ties in started_ms are broken by creation order.
    newest_first.insert(newest_first.begin(), Add(i % 3 == 0 ? "a" : "b", "Success", 1000 + i / 2));
  }
  EXPECT_EQ(All({.limit = 17}), newest_first);
  EXPECT_EQ(All({.limit = 1000}), newest_first);
  auto first = store_->QueryExecutions({.limit = 250});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->next_cursor.empty());
}

TEST_F(ExecutionQueryTest, PagesCarryEverythingButThePipelineYaml) {
  ExecutionRecord rec;
  rec.pipeline_id = "a";
  rec.pipeline_name = "A";
  rec.status = "Success";
  rec.started_ms = 5;
  rec.ended_ms = 9;
  rec.pipeline_yaml = "pipeline:\n  identifier: a\n";
  rec.inputs = {{"tag", "v1"}};
  rec.trigger_type = "WEBHOOK";
  rec.failure_message = "none";
  ASSERT_TRUE(store_->CreateExecution(&rec).ok());
  auto page = store_->QueryExecutions({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->executions.size(), 1u);
  const ExecutionRecord& listed = page->executions[0];
  EXPECT_EQ(listed.id, rec.id);
  EXPECT_EQ(listed.pipeline_name, "A");
  EXPECT_EQ(listed.ended_ms, 9);
  EXPECT_EQ(listed.inputs, rec.inputs);
  EXPECT_EQ(listed.trigger_type, "WEBHOOK");
  EXPECT_EQ(listed.failure_message, "none");
  EXPECT_TRUE(listed.pipeline_yaml.empty());
  EXPECT_EQ(store_->GetExecution(rec.id)->pipeline_yaml, rec.pipeline_yaml);
}

TEST_F(ExecutionQueryTest, FiltersByPipelineAndStatus) {
  std::string a1 = Add("a", "Success", 1);
  std::string b1 = Add("b", "Failed", 2);
  std::string a2 = Add("a", "Failed", 3);
  std::string a3 = Add("a", "Success", 4);
  EXPECT_EQ(All({.pipeline_id = "a", .limit = 2}), (std::vector<std::string>{a3, a2, a1}));
  EXPECT_EQ(All({.status = "Failed", .limit = 1}), (std::vector<std::string>{a2, b1}));
  EXPECT_EQ(All({.pipeline_id = "a", .status = "Failed"}), (std::vector<std::string>{a2}));
  EXPECT_TRUE(All({.pipeline_id = "c"}).empty());
}

TEST_F(ExecutionQueryTest, AMalformedCursorIsRefused) {
  auto page = store_->QueryExecutions({.cursor = "12"});
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(page.status().message().find("without a cursor"), std::string::npos);
}

}  // namespace
}  // namespace sluice::store
