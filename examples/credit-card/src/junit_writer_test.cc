#include "junit_writer.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <vector>

namespace ccapproval {
namespace {

using namespace std::string_literals;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(JunitWriterTest, XmlSafeTextKeepsWhatXmlAllows) {
  const std::string text = "tab\there\nCR\r <&>\"' caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(XmlSafeText(text), text);
}

TEST(JunitWriterTest, XmlSafeTextReplacesControlCharactersNulAndBadUtf8) {
  const std::string r(kReplacement);
  EXPECT_EQ(XmlSafeText("a\x01z"), "a" + r + "z");
  EXPECT_EQ(XmlSafeText("a\0z"s), "a" + r + "z");     // NUL, not the end
  EXPECT_EQ(XmlSafeText("\x1F\x7F"), r + "\x7F");     // DEL is allowed
  EXPECT_EQ(XmlSafeText("\xFF\xC3"), r + r);          // not UTF-8; truncated
  EXPECT_EQ(XmlSafeText("\xC0\xAF"), r + r);          // overlong '/'
  EXPECT_EQ(XmlSafeText("\xED\xA0\x80"), r + r + r);  // a surrogate
  EXPECT_EQ(XmlSafeText("\xEF\xBF\xBE"
                        "\xEF\xBF\xBF"),
            r + r + r + r + r + r);  // U+FFFE, U+FFFF
}

// What a model name read from a metrics file could hold.
TEST(JunitWriterTest, AnyTextGivesAWellFormedDocument) {
  JUnitCase c;
  c.classname = "ccapproval.model.\x01model\0hidden"s;
  c.name = "test_accuracy";
  c.failure_message = "Test accuracy \x02 is below\x1B[31m";
  c.failure_details = "line one\nline \x0Btwo\0three"s;
  const std::string xml = JUnitXml("model\x01", {c}, 0);

  for (char ch : xml) {
    const auto b = static_cast<unsigned char>(ch);
    EXPECT_FALSE(b < 0x20 && b != '\t' && b != '\n' && b != '\r') << "byte " << int{b};
  }
  EXPECT_EQ(xml.find("&#"), std::string::npos) << xml;  // no &#1; (illegal in XML 1.0)

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  pugi::xml_node tc = doc.child("testsuites").child("testsuite").child("testcase");
  const std::string r(kReplacement);
  EXPECT_EQ(std::string(tc.attribute("classname").as_string()),
            "ccapproval.model." + r + "model" + r + "hidden");
  EXPECT_EQ(std::string(tc.child("failure").text().as_string()),
            "line one\nline " + r + "two" + r + "three");
}

}  // namespace
}  // namespace ccapproval
