#include "policy/value_print.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::policy {
namespace {

Value Num(std::string_view text) { return Value(Number::Parse(text).value()); }
Value Str(std::string_view s) { return Value::String(s); }

std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(out, s);
  return out;
}

TEST(ValuePrintTest, ScalarsAsOpaPrintsThem) {
  EXPECT_EQ(ToRego(Value()), "null");
  EXPECT_EQ(ToRego(Value::Boolean(true)), "true");
  EXPECT_EQ(ToRego(Value::Boolean(false)), "false");
  EXPECT_EQ(ToRego(Num("1.0")), "1.0");
  EXPECT_EQ(ToRego(Num("-0")), "-0");
  EXPECT_EQ(ToRego(Num("123456789012345678901234567890")), "123456789012345678901234567890");
  EXPECT_EQ(ToRego(Str("hello")), "\"hello\"");
}

TEST(ValuePrintTest, CollectionsAsOpaPrintsThem) {
  EXPECT_EQ(ToRego(Value::Array({})), "[]");
  EXPECT_EQ(ToRego(Value::Array({Num("1"), Str("x"), Value()})), R"([1, "x", null])");
  EXPECT_EQ(ToRego(Value::Object({})), "{}");
  EXPECT_EQ(ToRego(Value::Object({{Str("b"), Num("2")}, {Num("1"), Value::Array({})}})),
            R"({1: [], "b": 2})");
  EXPECT_EQ(ToRego(Value::Set({})), "set()");
  EXPECT_EQ(ToRego(Value::Set({Num("2"), Num("1")})), "{1, 2}");
  EXPECT_EQ(ToRego(Value::Set({Value::Set({})})), "{set()}");
  EXPECT_EQ(ToRego(Value::Object({{Value::Set({Str("k")}), Value::Object({})}})), R"({{"k"}: {}})");
}

TEST(ValuePrintTest, QuotesLikeGoStrconvQuote) {
  EXPECT_EQ(Quoted(""), R"("")");
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
  EXPECT_EQ(Quoted(std::string("\x00\x1b\x7f", 3)), R"("\x00\x1b\x7f")");
  EXPECT_EQ(Quoted("<&>"), R"("<&>")");
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"");
  EXPECT_EQ(Quoted("\xc2\x85"), R"("\u0085")");              // C1 control
  EXPECT_EQ(Quoted("\xc2\xa0"), R"("\u00a0")");              // no-break space
  EXPECT_EQ(Quoted("\xe2\x80\x8b"), R"("\u200b")");          // zero-width space
  EXPECT_EQ(Quoted("\xef\xbb\xbf"), R"("\ufeff")");          // BOM
  EXPECT_EQ(Quoted("\xf3\xa0\x80\x81"), R"("\U000e0001")");  // language tag
  EXPECT_EQ(Quoted("bad \xff"), R"("bad \xff")");
  EXPECT_EQ(Quoted("\xe2\x82"), R"("\xe2\x82")");  // truncated sequence
}

}  // namespace
}  // namespace sluice::policy
