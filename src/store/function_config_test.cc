#include <gtest/gtest.h>

#include <string>

#include "store/function_store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::SampleFunctionConfig;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(FunctionConfigJsonTest, WritesEveryFieldWithSortedKeys) {
  EXPECT_EQ(FunctionConfigJson(FunctionConfig{}),
            R"({"command":[],"description":"","env":{},"handler":"","image":"",)"
            R"("image_digest":"","memory_mb":128,"reserved_concurrency":-1,"timeout_s":3})");
}

TEST(FunctionConfigJsonTest, RoundTripsEveryField) {
  FunctionConfig config = SampleFunctionConfig();
  auto parsed = ParseFunctionConfigJson(FunctionConfigJson(config));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, config);
}

TEST(FunctionConfigJsonTest, EqualConfigsGiveTheSameText) {
  FunctionConfig a = SampleFunctionConfig();
  FunctionConfig b = SampleFunctionConfig();
  b.env.clear();  // same variables, inserted the other way round
  b.env["LOG_LEVEL"] = "info";
  b.env["MODEL_PATH"] = "/var/task/model.json";
  EXPECT_EQ(FunctionConfigJson(a), FunctionConfigJson(b));
  b.timeout_s = 11;
  EXPECT_NE(FunctionConfigJson(a), FunctionConfigJson(b));
}

TEST(FunctionConfigJsonTest, ParseErrorNamesTheMissingField) {
  auto parsed =
      ParseFunctionConfigJson(R"({"command":[],"description":"","env":{},"handler":"","image":"",)"
                              R"("image_digest":"","reserved_concurrency":-1,"timeout_s":3})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(parsed.status().message(), "\"memory_mb\" is missing"))
      << parsed.status().message();
}

TEST(FunctionConfigJsonTest, ParseErrorNamesTheFieldOfTheWrongType) {
  std::string text = FunctionConfigJson(FunctionConfig{});
  text.replace(text.find("\"timeout_s\":3"), 13, "\"timeout_s\":\"3\"");
  auto parsed = ParseFunctionConfigJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "\"timeout_s\" must be an integer, not a string"))
      << parsed.status().message();
}

TEST(FunctionConfigJsonTest, ParseErrorNamesAnEnvVariableButNotItsValue) {
  std::string text = FunctionConfigJson(FunctionConfig{});
  text.replace(text.find("\"env\":{}"), 8, R"("env":{"TOKEN":12345})");
  auto parsed = ParseFunctionConfigJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "\"env\" variable TOKEN must be a string"))
      << parsed.status().message();
  EXPECT_FALSE(Contains(parsed.status().message(), "12345")) << parsed.status().message();
}

TEST(FunctionConfigJsonTest, ParseRefusesUnknownFieldsAndOutOfRangeNumbers) {
  std::string text = FunctionConfigJson(FunctionConfig{});
  std::string unknown = text;
  unknown.insert(1, R"("memory":512,)");
  auto parsed = ParseFunctionConfigJson(unknown);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "\"memory\" is not a configuration field"))
      << parsed.status().message();

  std::string huge = text;
  huge.replace(huge.find("\"memory_mb\":128"), 15, "\"memory_mb\":99999999999");
  parsed = ParseFunctionConfigJson(huge);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "\"memory_mb\" is out of range"))
      << parsed.status().message();
}

TEST(FunctionConfigJsonTest, ParseRefusesTextThatIsNotAnObject) {
  auto parsed = ParseFunctionConfigJson("{\"image\":");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "not valid JSON")) << parsed.status().message();
  parsed = ParseFunctionConfigJson("[1]");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(Contains(parsed.status().message(), "must be a JSON object, not an array"))
      << parsed.status().message();
}

TEST(FunctionNameTest, AcceptsLettersDigitsDashAndUnderscoreUpTo64) {
  EXPECT_TRUE(CheckFunctionName("creditcardapplicationlambda").ok());
  EXPECT_TRUE(CheckFunctionName("a-b_C9").ok());
  EXPECT_TRUE(CheckFunctionName(std::string(64, 'f')).ok());
}

TEST(FunctionNameTest, RefusesEmptyLongAndOtherCharacters) {
  Status empty = CheckFunctionName("");
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(empty.message(), "function name is empty")) << empty.message();
  Status long_name = CheckFunctionName(std::string(65, 'f'));
  EXPECT_TRUE(Contains(long_name.message(), "65 characters long; at most 64"))
      << long_name.message();
  Status slash = CheckFunctionName("fn/other");
  EXPECT_TRUE(Contains(slash.message(), "\"fn/other\" may hold only")) << slash.message();
}

TEST(AliasNameTest, AcceptsNamesWithALetterUpTo128) {
  EXPECT_TRUE(CheckAliasName("live").ok());
  EXPECT_TRUE(CheckAliasName("v2").ok());
  EXPECT_TRUE(CheckAliasName("12-canary").ok());
  EXPECT_TRUE(CheckAliasName(std::string(128, 'a')).ok());
  EXPECT_FALSE(CheckAliasName(std::string(129, 'a')).ok());
}

TEST(AliasNameTest, RefusesAllDigitsAndLatest) {
  Status digits = CheckAliasName("12");
  EXPECT_EQ(digits.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(digits.message(), "\"12\" is all digits")) << digits.message();
  Status latest = CheckAliasName("$LATEST");
  EXPECT_EQ(latest.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(latest.message(), "\"$LATEST\" is reserved")) << latest.message();
}

}  // namespace
}  // namespace sluice::store
