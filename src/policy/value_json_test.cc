#include "policy/value_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "policy/value_print.h"

namespace sluice::policy {
namespace {

Value Num(std::string_view text) { return Value(Number::Parse(text).value()); }
Value Str(std::string_view s) { return Value::String(s); }

Value Parse(std::string_view text) {
  Result<Value> v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : Value();
}

TEST(ValueJsonTest, RoundTripKeepsNumberText) {
  for (std::string_view text :
       {R"(null)", R"(true)", R"(false)", R"(0)", R"(-0.0)", R"(1.0)", R"(1e3)", R"(1E+06)",
        R"(2e308)", R"(123456789012345678901234567890)", R"(-18446744073709551617)",
        R"(18446744073709551615)", R"(0.1000000000000000000001)", R"("s")", R"([])", R"({})",
        R"([1,2.50,"x",[null],{"a":{"b":[]}}])", R"({"a":1,"b":[true,false],"c":"d"})"}) {
    EXPECT_EQ(ToJson(Parse(text)), text);
  }
}

TEST(ValueJsonTest, ParsedNumbersKeepTheirValue) {
  Value v = Parse(
      R"({"big": 123456789012345678901234567890, "f": 0.95, "i": 7, "u": 18446744073709551615})");
  EXPECT_EQ(*v.Find("big"), Num("123456789012345678901234567890"));
  EXPECT_EQ(*v.Find("f"), Num("0.95"));
  EXPECT_TRUE(v.Find("i")->AsNumber().is_int64());
  EXPECT_EQ(v.Find("u")->AsNumber().ToString(), "18446744073709551615");
}

TEST(ValueJsonTest, ObjectsSortKeysAndKeepTheLastDuplicate) {
  Value v = Parse(R"({"b": 1, "a": 2, "b": 3})");
  EXPECT_EQ(ToJson(v), R"({"a":2,"b":3})");
}

TEST(ValueJsonTest, ParseErrorsSayWhere) {
  Result<Value> v = ParseJson("{\"a\": tru}");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(),
            "invalid JSON at line 1, column 7: invalid literal, expected true");
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("1 2").ok());
  EXPECT_FALSE(ParseJson("[1,]").ok());
  EXPECT_FALSE(ParseJson("{\"a\" 1}").ok());
  EXPECT_FALSE(ParseJson("[01]").ok());
  EXPECT_FALSE(ParseJson("\"tab\there\"").ok());
  EXPECT_FALSE(ParseJson("\"\\x\"").ok());
  EXPECT_EQ(ParseJson("[1,\n 1e40000]").status().message(),
            "invalid JSON at line 2, column 2: number too big");
}

TEST(ValueJsonTest, DepthIsLimitedLikeGo) {
  EXPECT_TRUE(ParseJson(std::string(10000, '[') + std::string(10000, ']')).ok());
  Result<Value> deep = ParseJson(std::string(10001, '[') + std::string(10001, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(),
            "invalid JSON at line 1, column 10001: exceeded max depth of 10000");
}

TEST(ValueJsonTest, StringsAreUnescapedLikeGo) {
  EXPECT_EQ(Parse(R"("a\"b\\c\/d\b\f\n\r\t")").AsString(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(Parse(R"("\u00e9\u4e2d\ud83d\ude00")").AsString(),
            "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
  // Go turns lone surrogates and invalid UTF-8 into U+FFFD.
  EXPECT_EQ(Parse(R"("\ud83d!")").AsString(), "\xef\xbf\xbd!");
  EXPECT_EQ(Parse(R"("\ude00")").AsString(), "\xef\xbf\xbd");
  EXPECT_EQ(Parse("\"\xff\"").AsString(), "\xef\xbf\xbd");
  EXPECT_EQ(Parse(" \t\r\n\"x\" \n").AsString(), "x");
}

TEST(ValueJsonTest, SetsBecomeSortedArrays) {
  Value s = Value::Set({Num("3"), Str("a"), Num("1"), Value()});
  EXPECT_EQ(ToJson(s), R"([null,1,3,"a"])");
  EXPECT_EQ(ToJson(Value::Set({})), "[]");
}

// The conformance harness expects a Rego {1: 0} as {"1": 0}.
TEST(ValueJsonTest, NonStringKeysBecomeTheirJsonText) {
  Value o = Value::Object({{Num("1"), Num("0")}});
  EXPECT_EQ(ToJson(o), R"({"1":0})");
  EXPECT_EQ(JsonKey(Num("1.0")), "1.0");
  EXPECT_EQ(JsonKey(Value()), "null");
  EXPECT_EQ(JsonKey(Value::Boolean(true)), "true");
  EXPECT_EQ(JsonKey(Str("plain")), "plain");
  EXPECT_EQ(JsonKey(Value::Array({Num("1"), Str("a<b")})), R"([1,"a\u003cb"])");
  EXPECT_EQ(JsonKey(Value::Set({Num("2"), Num("1")})), "[1,2]");
  EXPECT_EQ(JsonKey(Value::Object({{Num("2"), Num("0")}, {Str("a"), Num("1")}})),
            R"({"2":0,"a":1})");
  Value mixed = Value::Object({{Str("b"), Num("0")},
                               {Num("10"), Str("ten")},
                               {Num("9"), Str("nine")},
                               {Value::Array({Num("1")}), Str("array")}});
  // Go sorts the final string keys bytewise: "10" < "9" < "[1]" < "b".
  EXPECT_EQ(ToJson(mixed), R"({"10":"ten","9":"nine","[1]":"array","b":0})");
}

TEST(ValueJsonTest, CollidingKeysKeepTheLaterInRegoOrder) {
  Value o = Value::Object({{Num("1"), Str("number")}, {Str("1"), Str("string")}});
  EXPECT_EQ(ToJson(o), R"({"1":"string"})");
}

TEST(ValueJsonTest, StringsAreEscapedLikeGo) {
  EXPECT_EQ(ToJson(Str("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(ToJson(Str("\b\f\n\r\t")), R"("\b\f\n\r\t")");
  EXPECT_EQ(ToJson(Str(std::string("\x01\x1f\x7f", 3))), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(ToJson(Str("<a&b>")), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(ToJson(Str("<a&b>"), JsonOptions{.escape_html = false}), R"("<a&b>")");
  EXPECT_EQ(ToJson(Str("\xe2\x80\xa8 \xe2\x80\xa9")), R"("\u2028 \u2029")");
  EXPECT_EQ(ToJson(Str("caf\xc3\xa9 \xf0\x9f\x98\x80")), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  EXPECT_EQ(ToJson(Str("bad \xff byte")), R"("bad \ufffd byte")");
  EXPECT_EQ(ToJson(Str("\xed\xa0\x80")), R"("\ufffd\ufffd\ufffd")");  // a surrogate
}

TEST(ValueJsonTest, IndentedLikeOpaEval) {
  Value v = Parse(R"({"a":[1,2],"b":{},"c":[],"d":{"e":null}})");
  EXPECT_EQ(ToJson(v, JsonOptions{.indent = "  "}),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    2\n"
            "  ],\n"
            "  \"b\": {},\n"
            "  \"c\": [],\n"
            "  \"d\": {\n"
            "    \"e\": null\n"
            "  }\n"
            "}");
}

TEST(ValueJsonTest, FromNlohmannTree) {
  nlohmann::json j = nlohmann::json::parse(R"({"a": [1, -2, 0.5, 1e21, true, null, "s"],
                                               "u": 18446744073709551615})");
  Result<Value> v = FromJson(j);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToJson(*v), R"({"a":[1,-2,0.5,1e+21,true,null,"s"],"u":18446744073709551615})");
  EXPECT_FALSE(FromJson(nlohmann::json(std::nan(""))).ok());
}

TEST(ValueJsonTest, ToNlohmannTree) {
  Value v = Value::Object({{Num("1"), Value::Set({Num("2"), Num("1")})},
                           {Str("f"), Num("1.5")},
                           {Str("i"), Num("-3")},
                           {Str("u"), Num("18446744073709551615")},
                           {Str("big"), Num("123456789012345678901234567890")}});
  nlohmann::json j = ToNlohmannJson(v);
  EXPECT_EQ(j["1"], nlohmann::json::parse("[1,2]"));
  EXPECT_EQ(j["f"].get<double>(), 1.5);
  EXPECT_EQ(j["i"].get<int64_t>(), -3);
  EXPECT_EQ(j["u"].get<uint64_t>(), 18446744073709551615ULL);
  EXPECT_DOUBLE_EQ(j["big"].get<double>(), 1.2345678901234568e29);
}

TEST(ValueJsonTest, ParsedValuesPrintAsRego) {
  EXPECT_EQ(ToRego(Parse(R"({"b": [1.0, "x"], "a": null})")), R"({"a": null, "b": [1.0, "x"]})");
}

}  // namespace
}  // namespace sluice::policy
