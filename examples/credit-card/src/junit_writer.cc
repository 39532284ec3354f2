#include "junit_writer.h"

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

}  // namespace

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
  root.append_attribute("name") = suite_name.c_str();
  root.append_attribute("tests") = std::to_string(cases.size()).c_str();
  root.append_attribute("failures") = std::to_string(failures).c_str();
  root.append_attribute("errors") = "0";
  root.append_attribute("time") = Seconds(seconds).c_str();
  pugi::xml_node suite = root.append_child("testsuite");
  suite.append_attribute("name") = suite_name.c_str();
  suite.append_attribute("tests") = std::to_string(cases.size()).c_str();
  suite.append_attribute("failures") = std::to_string(failures).c_str();
  suite.append_attribute("errors") = "0";
  suite.append_attribute("skipped") = "0";
  suite.append_attribute("time") = Seconds(seconds).c_str();
  suite.append_attribute("timestamp") = sluice::FormatTimestamp(timestamp_ms).c_str();
  for (const JUnitCase& c : cases) {
    pugi::xml_node tc = suite.append_child("testcase");
    tc.append_attribute("classname") = c.classname.c_str();
    tc.append_attribute("name") = c.name.c_str();
    tc.append_attribute("time") = Seconds(c.seconds).c_str();
    if (c.failure_message) {
      pugi::xml_node failure = tc.append_child("failure");
      failure.append_attribute("message") = c.failure_message->c_str();
      failure.append_attribute("type") = "AssertionError";
      failure.append_child(pugi::node_pcdata).set_value(c.failure_details.c_str());
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace ccapproval
