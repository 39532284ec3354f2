#include "common/json_util.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

TEST(JsonUtilTest, MapStringsReachesEveryStringButNotKeys) {
  nlohmann::json in = {{"a", "x"}, {"b", {1, "y", {{"c", "z"}}}}, {"d", true}};
  nlohmann::json out = MapStrings(in, [](const std::string& s) { return s + "!"; });
  EXPECT_EQ(out, (nlohmann::json{{"a", "x!"}, {"b", {1, "y!", {{"c", "z!"}}}}, {"d", true}}));
}

TEST(JsonUtilTest, TypeNamesReadAsEnglish) {
  EXPECT_EQ(JsonTypeName(nlohmann::json("x")), "a string");
  EXPECT_EQ(JsonTypeName(nlohmann::json(1)), "a number");
  EXPECT_EQ(JsonTypeName(nlohmann::json(-1)), "a number");
  EXPECT_EQ(JsonTypeName(nlohmann::json(1.5)), "a number");
  EXPECT_EQ(JsonTypeName(nlohmann::json(true)), "a boolean");
  EXPECT_EQ(JsonTypeName(nlohmann::json(nullptr)), "null");
  EXPECT_EQ(JsonTypeName(nlohmann::json::array()), "an array");
  EXPECT_EQ(JsonTypeName(nlohmann::json::object()), "an object");
}

// The message of what parse(text) throws.
std::string ParseMessage(const std::string& text, bool reason_only = false) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(text);
    ADD_FAILURE() << "parsed: " << parsed.dump();
  } catch (const nlohmann::json::exception& e) {
    return reason_only ? JsonParseErrorReason(e) : JsonParseErrorMessage(e);
  }
  return "";
}

TEST(JsonUtilTest, ParseErrorsKeepThePositionButNeverTheBytesRead) {
  // A secrets file read as JSON: nlohmann's own message quotes the line.
  EXPECT_EQ(ParseMessage("{\"token\": \"hunter2-secret\n\"}"),
            "parse error at line 2, column 0: syntax error while parsing value - invalid string: "
            "control character U+000A (LF) must be escaped to \\u000A or \\n");
  EXPECT_EQ(ParseMessage("API_KEY=hunter2"),
            "parse error at line 1, column 1: syntax error while parsing value - invalid literal");
  // The parser's expectation after the quote is kept.
  EXPECT_EQ(ParseMessage("{hunter2: 1}"),
            "parse error at line 1, column 2: syntax error while parsing object key - invalid "
            "literal; expected string literal");
  // Without a quote the message is the parser's, minus its prefix.
  EXPECT_EQ(ParseMessage("[1, 2"),
            "parse error at line 1, column 6: syntax error while parsing array - unexpected end "
            "of input; expected ']'");
  EXPECT_EQ(ParseMessage("{\"a\": tru}", true),
            "syntax error while parsing value - invalid literal");
}

TEST(JsonUtilTest, ContentImitatingTheParsersEndingShowsOnlyAFixedPhrase) {
  const std::string message = ParseMessage("{\"a\": \"hunter2'; expected '['");
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  EXPECT_TRUE(message.starts_with("parse error at line 1, column ")) << message;
}

TEST(JsonUtilTest, NumberOverflowDoesNotQuoteTheNumber) {
  EXPECT_EQ(ParseMessage("{\"a\": 1e400}"), "number overflow: a number is too large for a double");
  EXPECT_EQ(ParseMessage("[1e400]", true), "number overflow: a number is too large for a double");
}

}  // namespace
}  // namespace sluice
