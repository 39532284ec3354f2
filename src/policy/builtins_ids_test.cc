#include <gtest/gtest.h>

#include <string>

#include "policy/builtin_test_util.h"

namespace sluice::policy {
namespace {

std::string EvalX(const std::string& query) { return testing::EvalQueryX(query); }

TEST(IdBuiltinsTest, UuidParseDecodesVersionTwoFields) {
  EXPECT_EQ(EvalX(R"(x := uuid.parse("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47"))"),
            R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
            R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})");
  EXPECT_EQ(EvalX(R"(x := uuid.parse("{00000000-0000-4000-8000-000000000000}"))"),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(EvalX(R"(x := uuid.parse("00000000-0000-4000-8000-00000000000"))"), "undefined");
}

TEST(IdBuiltinsTest, RandomResultsAreStableWithinAQueryPerArguments) {
  EXPECT_EQ(EvalX(R"(x := count({uuid.rfc4122("k") | numbers.range(1, 20)[_]}))"), "1");
  EXPECT_EQ(EvalX(R"(x := count({uuid.rfc4122("a"), uuid.rfc4122("b")}))"), "2");
  EXPECT_EQ(EvalX(R"(x := count({rand.intn("k", 1000000) | numbers.range(1, 20)[_]}))"), "1");
  std::string u = EvalX(R"(x := uuid.rfc4122("k"))");
  ASSERT_EQ(u.size(), 38u);
  EXPECT_EQ(u[15], '4');  // version 4
  EXPECT_EQ(EvalX(R"(x := rand.intn("k", 0))"), "0");
}

TEST(IdBuiltinsTest, UriParseAsGoNetUrl) {
  EXPECT_EQ(EvalX(R"(x := uri.parse("http://[::1]:8080/a%2Fb?q=1#f"))"),
            R"({"fragment":"f","hostname":"::1","path":"/a/b","port":"8080","raw_path":"/a%2Fb",)"
            R"("raw_query":"q=1","scheme":"http"})");
  EXPECT_EQ(EvalX(R"(x := uri.is_valid("http://[invalid"))"), "false");
  EXPECT_EQ(EvalX(R"(x := uri.is_valid("/ok"))"), "true");
}

}  // namespace
}  // namespace sluice::policy
