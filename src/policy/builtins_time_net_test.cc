// time.* and net.* through the evaluator: OPA's argument handling and
// error texts, and one time.now_ns per query.
#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string X(const std::string& query) { return testing::EvalQueryX(query); }

TEST(BuiltinsTimeNetTest, NowIsReadOncePerQuery) {
  EXPECT_EQ(X("x := count({time.now_ns() | numbers.range(1, 50)[_]})"), "1");
  EXPECT_EQ(X("a := time.now_ns(); test.sleep(\"2ms\"); x := time.now_ns() - a"), "0");
}

TEST(BuiltinsTimeNetTest, TimeOperandsFollowOpa) {
  EXPECT_EQ(X("x := time.format([0, \"America/New_York\", \"RFC1123\"])"), "\"Wed, 31 Dec 1969 19:00:00 EST\"");
  EXPECT_EQ(X("x := time.weekday([0, \"Asia/Tokyo\"])"), "\"Thursday\"");
  EXPECT_EQ(X("x := time.date(1.5)"), "error: query:1: eval_builtin_error: time.date: timestamp too big");
  EXPECT_EQ(X("x := time.clock([0, \"Mars/Olympus\"])"),
            "error: query:1: eval_builtin_error: time.clock: unknown time zone Mars/Olympus");
  EXPECT_EQ(X("x := time.add_date(0, 0, 1, 0)"), "2678400000000000");
  EXPECT_EQ(X("x := time.diff(0, [86400000000000, \"UTC\"])"), "[0,0,1,0,0,0]");
}

TEST(BuiltinsTimeNetTest, CidrBuiltinsFollowOpa) {
  EXPECT_EQ(X("x := net.cidr_contains(\"10.0.0.0/8\", \"10.1.0.0/16\")"), "true");
  EXPECT_EQ(X("x := net.cidr_contains(\"10.0.0.0/8\", \"::1\")"), "false");
  EXPECT_EQ(X("x := net.cidr_intersects(\"10.0.0.0/8\", \"10.200.0.0/30\")"), "true");
  EXPECT_EQ(X("x := net.cidr_expand(\"10.0.0.254/31\")"), "[\"10.0.0.254\",\"10.0.0.255\"]");
  EXPECT_EQ(X("x := net.cidr_merge([\"10.0.0.0/25\", \"10.0.0.128/25\", \"fe80::/1\"])"),
            "[\"10.0.0.0/24\",\"8000::/1\"]");
  // As in OPA, IPv4 blocks sit at ::ffff:0:0/96, so IPv6 blocks covering
  // that range swallow them.
  EXPECT_EQ(X("x := net.cidr_merge([\"10.0.0.0/24\", \"::/1\", \"8000::/1\"])"), "[\"::/0\"]");
  // A bare IPv4 address stands for its classful network.
  EXPECT_EQ(X("x := net.cidr_merge([\"10.1.2.3\"])"), "[\"10.1.2.3/8\"]");
  EXPECT_EQ(X("x := net.cidr_is_valid(\"10.0.0.0/33\")"), "false");
  EXPECT_EQ(X("x := net.cidr_contains(\"nope\", \"10.0.0.1\")"),
            "error: query:1: eval_builtin_error: net.cidr_contains: invalid CIDR address: nope");
  EXPECT_EQ(X("x := net.cidr_contains_matches({\"a\": \"10.0.0.0/8\"}, [\"10.0.0.1\", \"11.0.0.1\"])"),
            "[[\"a\",0]]");
}

}  // namespace
}  // namespace sluice::policy
