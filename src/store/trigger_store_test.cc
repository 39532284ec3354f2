#include "store/trigger_store.h"

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;

DeliveryRecord SampleDelivery(std::string id, int64_t received_ms = 1'700'000'000'000) {
  DeliveryRecord d;
  d.delivery_id = std::move(id);
  d.received_ms = received_ms;
  d.source = "Github";
  d.event_type = "push";
  d.headers = {{"X-GitHub-Event", "push"},
               {"X-Hub-Signature-256", "sha256=abcdef"},
               {"authorization", "Bearer t0ken"}};
  d.payload_size = 17;
  d.payload_sample = R"({"ref":"refs/x"})";
  d.signature_status = "valid";
  return d;
}

TEST(TriggerStoreTest, DeliveryRoundTripsWithoutSignatureValues) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("d-1")).ok());
  auto got = store->triggers().GetDelivery("d-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->source, "Github");
  EXPECT_EQ(got->event_type, "push");
  EXPECT_EQ(got->payload_size, 17);
  EXPECT_EQ(got->payload_sample, R"({"ref":"refs/x"})");
  EXPECT_FALSE(got->payload_truncated);
  EXPECT_EQ(got->signature_status, "valid");
  ASSERT_EQ(got->headers.size(), 3u);
  EXPECT_EQ(got->headers[0].second, "push");
  EXPECT_EQ(got->headers[1].second, "<redacted>");
  EXPECT_EQ(got->headers[2].second, "<redacted>");
}

TEST(TriggerStoreTest, ReplayedDeliveryIdIsRecognised) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("d-1")).ok());
  Status again = store->triggers().RecordDelivery(SampleDelivery("d-1", 1'700'000'000'999));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_NE(again.message().find("d-1"), std::string::npos);
  auto recent = store->triggers().RecentDeliveries(10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].received_ms, 1'700'000'000'000);  // the first one stays
}

TEST(TriggerStoreTest, LargePayloadKeepsASample) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  DeliveryRecord d = SampleDelivery("big");
  d.payload_sample = std::string(kPayloadSampleBytes + 100, 'x');
  d.payload_size = static_cast<int64_t>(d.payload_sample.size());
  ASSERT_TRUE(store->triggers().RecordDelivery(d).ok());
  auto got = store->triggers().GetDelivery("big");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->payload_sample.size(), kPayloadSampleBytes);
  EXPECT_TRUE(got->payload_truncated);
  EXPECT_EQ(got->payload_size, static_cast<int64_t>(kPayloadSampleBytes + 100));
}

TEST(TriggerStoreTest, RecentDeliveriesAreNewestFirst) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("a", 100)).ok());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("b", 300)).ok());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("c", 200)).ok());
  auto recent = store->triggers().RecentDeliveries(2);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].delivery_id, "b");
  EXPECT_EQ((*recent)[1].delivery_id, "c");
  EXPECT_EQ(store->triggers().GetDelivery("zzz").status().code(), StatusCode::kNotFound);
}

TEST(TriggerStoreTest, EvaluationsByDeliveryAndByTrigger) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("d-1", 100)).ok());
  ASSERT_TRUE(store->triggers().RecordDelivery(SampleDelivery("d-2", 200)).ok());
  TriggerEvaluationRecord e1{0,
                             "d-1",
                             "on_push",
                             "train",
                             true,
                             "all conditions matched",
                             nlohmann::json::array({{{"key", "targetBranch"}, {"matched", true}}}),
                             "",
                             "",
                             150};
  TriggerEvaluationRecord e2{
      0,  "d-1", "on_pr", "train", false, "trigger is disabled", nlohmann::json::array(),
      "", "",    150};
  TriggerEvaluationRecord e3{
      0,  "d-2", "on_push", "train", false, "payload condition failed", nlohmann::json::array(),
      "", "",    250};
  for (auto* e : {&e1, &e2, &e3}) ASSERT_TRUE(store->triggers().AddEvaluation(e).ok());
  EXPECT_LT(e1.id, e2.id);
  ASSERT_TRUE(store->triggers().SetEvaluationOutcome(e1.id, "exec-42", "").ok());

  auto of_delivery = store->triggers().EvaluationsOf("d-1");
  ASSERT_TRUE(of_delivery.ok());
  ASSERT_EQ(of_delivery->size(), 2u);
  EXPECT_EQ((*of_delivery)[0].trigger_id, "on_push");
  EXPECT_EQ((*of_delivery)[0].execution_id, "exec-42");
  EXPECT_EQ((*of_delivery)[0].conditions[0]["key"], "targetBranch");
  EXPECT_EQ((*of_delivery)[1].reason, "trigger is disabled");

  auto of_trigger = store->triggers().EvaluationsOfTrigger("on_push", 10);
  ASSERT_TRUE(of_trigger.ok());
  ASSERT_EQ(of_trigger->size(), 2u);
  EXPECT_EQ((*of_trigger)[0].delivery_id, "d-2");  // newest first

  EXPECT_EQ(store->triggers().SetEvaluationOutcome(9999, "x", "").code(), StatusCode::kNotFound);
  TriggerEvaluationRecord orphan{0,  "no-such-delivery",      "t", "p", false,
                                 "", nlohmann::json::array(), "",  "",  1};
  EXPECT_FALSE(store->triggers().AddEvaluation(&orphan).ok());
}

TEST(TriggerStoreTest, ScheduleStateIsReplacedAndListedByNextFire) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(
      store->triggers().PutSchedule({"nightly", "0 3 * * *", "UTC", 0, 5000, "", "", 1}).ok());
  ASSERT_TRUE(
      store->triggers().PutSchedule({"hourly", "0 * * * *", "UTC", 0, 2000, "", "", 1}).ok());
  ASSERT_TRUE(store->triggers()
                  .PutSchedule({"nightly", "0 3 * * *", "UTC", 5000, 9000, "e-1", "", 2})
                  .ok());
  auto all = store->triggers().ListSchedules();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].trigger_id, "hourly");
  EXPECT_EQ((*all)[1].last_execution_id, "e-1");
  auto one = store->triggers().GetSchedule("nightly");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->last_fire_ms, 5000);
  EXPECT_EQ(one->next_fire_ms, 9000);
  ASSERT_TRUE(store->triggers().RemoveSchedule("nightly").ok());
  EXPECT_EQ(store->triggers().GetSchedule("nightly").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::store
