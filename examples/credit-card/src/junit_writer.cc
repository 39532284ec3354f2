#include "junit_writer.h"

#include <cstdint>
#include <cstdio>
#include <pugixml.hpp>
#include <sstream>

#include "common/clock.h"

namespace ccapproval {
namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

// The length of the UTF-8 sequence starting text[i] when it is well formed
// and encodes a character XML 1.0 allows, else 0. XML 1.0 allows tab, LF, CR,
// U+0020..U+D7FF, U+E000..U+FFFD and U+10000..U+10FFFF; no escape (not even
// &#1;) makes other control characters legal.
size_t XmlCharLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return (b >= 0x20 || b == '\t' || b == '\n' || b == '\r') ? 1 : 0;
  size_t n;
  uint32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2, cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3, cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4, cp = b & 0x07;
  } else {
    return 0;  // a continuation byte, or a lead byte UTF-8 never uses
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;  // overlong forms
  if (cp < min || cp > 0x10FFFF) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

}  // namespace

std::string XmlSafeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = XmlCharLength(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, for one byte
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

// Every text goes through XmlSafeText before pugixml, which takes C strings
// (an embedded NUL would cut the text short) and escapes only markup.
std::string JUnitXml(const std::string& suite_name, const std::vector<JUnitCase>& cases,
                     int64_t timestamp_ms) {
  size_t failures = 0;
  double seconds = 0;
  for (const JUnitCase& c : cases) {
    failures += c.failure_message ? 1 : 0;
    seconds += c.seconds;
  }
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("testsuites");
  root.append_attribute("name") = XmlSafeText(suite_name).c_str();
  root.append_attribute("tests") = std::to_string(cases.size()).c_str();
  root.append_attribute("failures") = std::to_string(failures).c_str();
  root.append_attribute("errors") = "0";
  root.append_attribute("time") = Seconds(seconds).c_str();
  pugi::xml_node suite = root.append_child("testsuite");
  suite.append_attribute("name") = XmlSafeText(suite_name).c_str();
  suite.append_attribute("tests") = std::to_string(cases.size()).c_str();
  suite.append_attribute("failures") = std::to_string(failures).c_str();
  suite.append_attribute("errors") = "0";
  suite.append_attribute("skipped") = "0";
  suite.append_attribute("time") = Seconds(seconds).c_str();
  suite.append_attribute("timestamp") = sluice::FormatTimestamp(timestamp_ms).c_str();
  for (const JUnitCase& c : cases) {
    pugi::xml_node tc = suite.append_child("testcase");
    tc.append_attribute("classname") = XmlSafeText(c.classname).c_str();
    tc.append_attribute("name") = XmlSafeText(c.name).c_str();
    tc.append_attribute("time") = Seconds(c.seconds).c_str();
    if (c.failure_message) {
      pugi::xml_node failure = tc.append_child("failure");
      failure.append_attribute("message") = XmlSafeText(*c.failure_message).c_str();
      failure.append_attribute("type") = "AssertionError";
      failure.append_child(pugi::node_pcdata).set_value(XmlSafeText(c.failure_details).c_str());
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace ccapproval
